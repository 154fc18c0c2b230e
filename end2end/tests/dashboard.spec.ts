import { execFileSync } from "node:child_process";
import path from "node:path";
import { expect, test } from "@playwright/test";

const python = process.env.LOUPE_TEST_PYTHON ?? path.join(__dirname, "..", "..", ".venv", "bin", "python");

function a2i(baseURL: string, ...args: string[]) {
  return execFileSync(python, [path.join(__dirname, "..", "fixtures", "a2i.py"), baseURL, ...args], {
    encoding: "utf8",
  });
}

test("the dashboard counts loops by status and keeps itself up to date", async ({ page, baseURL }, testInfo) => {
  a2i(baseURL!, "setup");
  a2i(baseURL!, "start", "e2e-reviews", "dash-1", "dash-2");

  await page.goto("/login");
  await page.getByLabel("Email").fill("admin@e2e.local");
  await page.getByLabel("Password", { exact: true }).fill("admin password 123");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);

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
