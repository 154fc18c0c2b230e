import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import { a2i, signInAsAdmin } from "./helpers";

test("keys made in the browser sign boto3 calls until revoked; webhooks get events", async ({ page, baseURL }, testInfo) => {
  // A webhook receiver that records what it gets.
  const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  const receiver = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const port = (receiver.address() as AddressInfo).port;

  await signInAsAdmin(page);
  await page.getByRole("link", { name: "API keys" }).click();
  await expect(page).toHaveURL(/\/admin\/keys$/);

  // A key: its secret is shown once, and it works with boto3.
  await page.getByLabel("New key name").fill("from-the-browser");
  await page.getByRole("button", { name: "Create key" }).click();
  const shown = page.getByTestId("Key-secret");
  await expect(shown).toBeVisible();
  const id = (await shown.locator("strong").textContent())!.match(/LKIA\w+/)![0];
  const secret = (await shown.locator("code.secret").textContent())!.trim();
  await expect(page.getByTestId("keys-table")).toContainText("from-the-browser");
  expect(a2i(baseURL!, "try-key", id, secret)).toBe("ok");
  await page.screenshot({ path: testInfo.outputPath("keys.png"), fullPage: true });

  // Revoked after a confirmation: the same call is refused.
  const row = page.getByTestId("keys-table").locator("tr", { hasText: id });
  page.once("dialog", (dialog) => dialog.accept());
  await row.getByRole("button", { name: "Revoke" }).click();
  await expect(row).toContainText("Inactive");
  expect(a2i(baseURL!, "try-key", id, secret)).toBe("UnrecognizedClientException");

  // A webhook for one flow: a loop stopped there reaches it, signed, and the delivery is listed.
  a2i(baseURL!, "setup");
  await page.getByLabel("Name", { exact: true }).fill("e2e-hook");
  await page.getByLabel("URL").fill(`http://127.0.0.1:${port}/hook`);
  await page.getByLabel("Only flow (optional)").fill("e2e-other");
  await page.getByRole("button", { name: "Add webhook" }).click();
  await expect(page.getByTestId("Webhook-secret")).toContainText("whsec_");
  await expect(page.getByTestId("webhooks-table")).toContainText("e2e-other");
  a2i(baseURL!, "start", "e2e-other", "hooked-1");
  a2i(baseURL!, "stop", "hooked-1");
  await expect.poll(() => received.length, { timeout: 15_000 }).toBe(1);
  expect(received[0].headers["x-loupe-signature"]).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
  expect(JSON.parse(received[0].body).detail.humanLoopName).toBe("hooked-1");
  await page.reload();
  await expect(page.getByTestId("deliveries-table")).toContainText("delivered");

  // Every API call is in the audit log, the refused one too.
  await expect(page.getByTestId("audit-table")).toContainText("UnrecognizedClientException");
  await expect(page.getByTestId("audit-table")).toContainText("StopHumanLoop");
  receiver.close();
});
