// Template assets and allowed origins as an admin and a worker use them: a library and an image
// uploaded to Loupe and loaded through the template_asset filter, the same library standing in
// for a CDN URL the template names, and a script on another origin that loads only once the admin
// allows that origin (with the banner and the audit trail that go with it).
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { writeFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { a2i, output, signInAsAdmin, signInAsWorker } from "./helpers";

const ASSETS = path.join(__dirname, "..", "fixtures", "assets");
const ITEMS = ["alpha", "beta", "gamma"];

/** Uploads one fixture file on the template's page, optionally standing in for `replaces`. */
async function uploadAsset(page: Page, file: string, name = "", replaces = "") {
  const form = page.getByTestId("asset-form");
  await form.getByLabel("File").setInputFiles(path.join(ASSETS, file));
  await form.getByLabel("Name").fill(name);
  await form.getByLabel("Replaces URL (optional)").fill(replaces);
  await form.getByRole("button", { name: "Upload asset" }).click();
  await expect(page.getByTestId("assets-table")).toContainText(name || file);
}

/** The worker takes the next task of `flow`, moves gamma to the top and submits. */
async function sortAndSubmit(page: Page, flow: string) {
  await page.goto("/work");
  await page.getByTestId(`queue-${flow}`).getByRole("button", { name: "Start working" }).click();
  await expect(page).toHaveURL(/\/work\/task\/\d+$/);
  const frame = page.frameLocator("[data-testid=task-frame]");
  await expect(frame.locator("#sorter-status")).toHaveText("Sorter ready", { timeout: 15_000 });
  // Drag gamma onto alpha: it goes before it.
  await frame.locator("li[data-value=gamma]").dragTo(frame.locator("li[data-value=alpha]"));
  await expect(frame.locator("input[name=order]")).toHaveValue("gamma,alpha,beta");
  // And the buttons: beta up one.
  await frame.getByRole("button", { name: "Move up beta" }).click();
  await expect(frame.locator("input[name=order]")).toHaveValue("gamma,beta,alpha");
  await page.getByTestId("submit").click();
  await expect(page).toHaveURL(/\/work(\?done=\d+)?$/);
}

test("a library and an image uploaded as assets run in the worker's frame, by filter and by rewritten CDN URL", async ({ page, browser, baseURL }, testInfo) => {
  test.slow();
  a2i(baseURL!, "template-flow", "e2e-asset-filter", "assets_filter.liquid", "1", "600");
  a2i(baseURL!, "template-flow", "e2e-asset-cdn", "assets_cdn.liquid", "1", "600");
  const input = JSON.stringify({ title: "by hand", items: ITEMS });
  a2i(baseURL!, "start-input", "e2e-asset-filter", "sorted-by-filter", input);
  a2i(baseURL!, "start-input", "e2e-asset-cdn", "sorted-by-cdn", input);

  await signInAsAdmin(page);
  // Before the upload the filter names what is missing.
  await page.goto("/admin/template/e2e-asset-filter-ui");
  await expect(page.getByTestId("preview-error")).toContainText('"tiny-sort.js"');
  await expect(page.getByTestId("origins-banner")).toHaveCount(0);
  await uploadAsset(page, "tiny-sort.js");
  await uploadAsset(page, "marker.png");
  // A file of a type assets may not have is refused at its field.
  await page.getByTestId("asset-form").getByLabel("File").setInputFiles({
    name: "notes.html",
    mimeType: "text/html",
    buffer: Buffer.from("<p>hi</p>"),
  });
  await page.getByTestId("asset-form").getByRole("button", { name: "Upload asset" }).click();
  await expect(page.getByTestId("error-asset_name")).toContainText("cannot be template assets");
  const table = page.getByTestId("assets-table");
  await expect(table).toContainText("image/png");
  await expect(table).toContainText("text/javascript");
  // The admin's preview runs the library and shows the image, from Loupe's own origin.
  const preview = page.frameLocator("[data-testid=preview-frame]");
  await expect(preview.locator("#sorter-status")).toHaveText("Sorter ready", { timeout: 15_000 });
  await expect(preview.locator("#marker")).toHaveJSProperty("naturalWidth", 4);
  await expect(page.getByTestId("template-changes")).toContainText("Uploaded asset");
  await page.screenshot({ path: testInfo.outputPath("template-assets.png"), fullPage: true });

  await page.goto("/admin/template/e2e-asset-cdn-ui");
  await expect(page.frameLocator("[data-testid=preview-frame]").locator("#sorter-status")).toHaveText("Sorter not loaded");
  await uploadAsset(page, "tiny-sort.js", "tiny-sort.min.js", "https://cdn.example.com/tiny-sort/1.0.0/tiny-sort.min.js");
  await expect(page.frameLocator("[data-testid=preview-frame]").locator("#sorter-status")).toHaveText("Sorter ready", { timeout: 15_000 });
  await expect(page.getByTestId("preview-html")).toContainText("/template-assets/");

  const worker = await signInAsWorker(browser, baseURL!);
  await sortAndSubmit(worker, "e2e-asset-filter");
  await sortAndSubmit(worker, "e2e-asset-cdn");
  for (const loop of ["sorted-by-filter", "sorted-by-cdn"]) {
    const written = output(baseURL!, loop);
    expect(written.humanAnswers[0].answerContent).toEqual({ order: "gamma,beta,alpha" });
  }
  await worker.context().close();
});

test("a script on another origin is blocked until the admin allows that origin, and the change is shown and audited", async ({ page, browser, baseURL }, testInfo) => {
  test.slow();
  // A second HTTP server on another port of this machine stands in for a CDN.
  const outside = http.createServer((request, response) => {
    if (request.url === "/outside.js") {
      response.writeHead(200, { "content-type": "text/javascript" });
      response.end(
        "document.getElementById('outside-status').textContent = 'Outside script ran';" +
          "document.querySelector('input[name=fetched]').value = 'from-outside';",
      );
    } else {
      response.writeHead(404);
      response.end();
    }
  });
  await new Promise<void>((resolve) => outside.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(outside.address() as AddressInfo).port}`;
  try {
    const template = testInfo.outputPath("outside.liquid");
    writeFileSync(
      template,
      `<script src="https://assets.crowd.aws/crowd-html-elements.js"></script>
<crowd-form>
  <p id="outside-status">Outside script blocked</p>
  <input type="hidden" name="fetched" value="nothing">
  <crowd-input name="note" label="Note"></crowd-input>
</crowd-form>
<script src="${origin}/outside.js"></script>
`,
    );
    a2i(baseURL!, "template-flow", "e2e-outside", template, "1", "600");
    a2i(baseURL!, "start-input", "e2e-outside", "outside-1", JSON.stringify({ taskObject: "x" }));

    await signInAsAdmin(page);
    await page.goto("/admin/template/e2e-outside-ui");
    const preview = page.frameLocator("[data-testid=preview-frame]");
    await expect(preview.locator("crowd-input")).toBeVisible({ timeout: 15_000 });
    await expect(preview.locator("#outside-status")).toHaveText("Outside script blocked");
    await expect(page.getByTestId("origins-banner")).toHaveCount(0);
    await expect(page.getByTestId("origins-empty")).toBeVisible();

    // Bad origins are refused at the field.
    const form = page.getByTestId("origin-form");
    await form.getByLabel("Origin").fill(`${origin}/outside.js`);
    await form.getByRole("button", { name: "Allow origin" }).click();
    await expect(page.getByTestId("error-origin")).toContainText("no path");
    await form.getByLabel("Origin").fill("https://*.example.com");
    await form.getByRole("button", { name: "Allow origin" }).click();
    await expect(page.getByTestId("error-origin")).toContainText("Wildcards");
    await form.getByLabel("Origin").fill(origin);
    await form.getByRole("button", { name: "Allow origin" }).click();
    await expect(page.getByTestId("origins-banner")).toContainText(origin);
    await expect(page.getByTestId("origins-table")).toContainText("admin@e2e.local");
    await expect(preview.locator("#outside-status")).toHaveText("Outside script ran", { timeout: 15_000 });
    await page.screenshot({ path: testInfo.outputPath("allowed-origin.png"), fullPage: true });

    // The worker's frame loads it too, and the answer carries what the script set.
    const worker = await signInAsWorker(browser, baseURL!);
    await worker.getByTestId("queue-e2e-outside").getByRole("button", { name: "Start working" }).click();
    const frame = worker.frameLocator("[data-testid=task-frame]");
    await expect(frame.locator("#outside-status")).toHaveText("Outside script ran", { timeout: 15_000 });
    await frame.locator("crowd-input input").fill("seen");
    await worker.getByTestId("submit").click();
    await expect(worker).toHaveURL(/\/work(\?done=\d+)?$/);
    expect(output(baseURL!, "outside-1").humanAnswers[0].answerContent).toEqual({ fetched: "from-outside", note: "seen" });
    await worker.context().close();

    // Removed: the banner goes, the preview is strict again, and the trail has both changes.
    await page.getByRole("button", { name: `Remove origin ${origin}` }).click();
    await expect(page.getByTestId("origins-banner")).toHaveCount(0);
    await expect(page.getByTestId("origins-empty")).toBeVisible();
    await expect(preview.locator("#outside-status")).toHaveText("Outside script blocked", { timeout: 15_000 });
    const trail = page.getByTestId("template-changes");
    await expect(trail.locator("tbody tr")).toHaveCount(2);
    await expect(trail.locator("tbody tr").nth(0)).toContainText("Removed origin");
    await expect(trail.locator("tbody tr").nth(0)).toContainText(origin);
    await expect(trail.locator("tbody tr").nth(0)).toContainText("admin@e2e.local");
    await expect(trail.locator("tbody tr").nth(1)).toContainText("Allowed origin");
  } finally {
    outside.close();
  }
});
