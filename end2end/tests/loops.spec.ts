import { expect, test } from "@playwright/test";
import { a2i, signInAsAdmin } from "./helpers";

const admin = { email: "admin@e2e.local", password: "admin password 123" };
test("loops started with boto3 are found with filters, read, and stopped", async ({ page, baseURL }, testInfo) => {
  a2i(baseURL!, "setup");
  a2i(baseURL!, "start", "e2e-reviews", "invoice-1", "invoice-2", "receipt-1");
  a2i(baseURL!, "start", "e2e-other", "other-1");

  await signInAsAdmin(page);
  await page.getByRole("link", { name: "Human loops" }).click();
  await expect(page).toHaveURL(/\/admin\/loops$/);
  const table = page.getByTestId("loops-table");
  for (const name of ["invoice-1", "invoice-2", "receipt-1", "other-1"]) {
    await expect(table).toContainText(name);
  }
  await expect(table.locator("tbody tr").first()).toContainText("other-1");
  await page.screenshot({ path: testInfo.outputPath("loops.png"), fullPage: true });

  // Filters go into the address, so a filtered list can be bookmarked and works without script.
  await page.getByTestId("filter-flow").selectOption("e2e-reviews");
  await page.getByTestId("filter-name").fill("invoice");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/flow=e2e-reviews/);
  await expect(table.locator("tbody tr")).toHaveCount(2);
  await expect(table).toContainText("invoice-1");
  await expect(table).not.toContainText("receipt-1");

  await page.getByRole("link", { name: "invoice-1" }).click();
  await expect(page).toHaveURL(/\/admin\/loop\/invoice-1$/);
  await expect(page.getByTestId("loop-status")).toHaveText("InProgress");
  await expect(page.getByTestId("loop-input")).toContainText('"taskObject": "Item invoice-1"');
  await expect(page.getByTestId("loop-tasks").locator("tbody tr")).toHaveCount(1);
  await page.screenshot({ path: testInfo.outputPath("loop-detail.png"), fullPage: true });

  // Stop asks first; then the loop is Stopped and can be deleted.
  page.once("dialog", (dialog) => dialog.dismiss());
  await page.getByRole("button", { name: "Stop" }).click();
  await expect(page.getByTestId("loop-status")).toHaveText("InProgress");
  page.once("dialog", (dialog) => dialog.accept());
  await page.getByRole("button", { name: "Stop" }).click();
  await expect(page.getByTestId("loop-status")).toHaveText("Stopped");
  await page.goto("/admin/loops?status=Stopped");
  await expect(page.getByTestId("loops-table")).toContainText("invoice-1");
  await expect(page.getByTestId("loops-table")).not.toContainText("invoice-2");

  await page.goto("/admin/loop/invoice-1");
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
  page.once("dialog", (dialog) => dialog.accept());
  await page.getByRole("button", { name: "Delete" }).click();
  await expect(page).toHaveURL(/\/admin\/loops$/);
  await expect(page.getByTestId("loops-table")).not.toContainText("invoice-1");

  // A filter that cannot be used says why.
  await page.goto("/admin/loops?from=yesterday");
  await expect(page.getByRole("alert")).toContainText("is not a date and time");
});
