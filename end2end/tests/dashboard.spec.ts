import { expect, test } from "@playwright/test";
import { a2i, signInAsAdmin } from "./helpers";

test("the dashboard counts loops by status and keeps itself up to date", async ({ page, baseURL }, testInfo) => {
  a2i(baseURL!, "setup");
  a2i(baseURL!, "start", "e2e-reviews", "dash-1", "dash-2");

  await signInAsAdmin(page);

  const inProgress = page.getByTestId("status-inprogress");
  const before = Number(await inProgress.textContent());
  expect(before).toBeGreaterThanOrEqual(2);
  await expect(page.getByTestId("throughput-chart")).toBeVisible();
  await expect(page.getByRole("heading", { name: /Last 24 hours: \d+ started, 0 completed/ })).toBeVisible();
  await expect(page.getByTestId("backlog-age")).not.toHaveText("none");
  await page.screenshot({ path: testInfo.outputPath("dashboard.png"), fullPage: true });

  // A loop started elsewhere shows up without a reload.
  a2i(baseURL!, "start", "e2e-reviews", "dash-3");
  await expect(inProgress).toHaveText(String(before + 1), { timeout: 15_000 });

  // The status figures lead to the filtered list.
  await inProgress.click();
  await expect(page).toHaveURL(/\/admin\/loops\?status=InProgress$/);
  await expect(page.getByTestId("loops-table")).toContainText("dash-3");
});
