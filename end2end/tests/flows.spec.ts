import { expect, test } from "@playwright/test";
import { a2i, signInAsAdmin } from "./helpers";

test("a flow definition's page shows every setting, its ARN and a boto3 snippet; delete asks first", async ({ page, baseURL }, testInfo) => {
  a2i(baseURL!, "setup", "e2e-doomed");
  await signInAsAdmin(page);

  await page.getByRole("link", { name: "Flows" }).click();
  await expect(page).toHaveURL(/\/admin\/flows$/);
  await expect(page.getByTestId("flows-table")).toContainText("e2e-reviews");
  await page.getByRole("link", { name: "e2e-reviews" }).click();
  await expect(page).toHaveURL(/\/admin\/flow\/e2e-reviews$/);
  const arn = page.getByTestId("flow-arn");
  await expect(arn).toHaveText(/^arn:aws:sagemaker:us-east-1:\d{12}:flow-definition\/e2e-reviews$/);
  await expect(page.getByTestId("flow-task-type")).toHaveText("Custom");
  const snippet = page.getByTestId("flow-snippet");
  await expect(snippet).toContainText(`FlowDefinitionArn="${await arn.textContent()}"`);
  await expect(snippet).toContainText(`endpoint_url="${baseURL}"`);
  await page.screenshot({ path: testInfo.outputPath("flow-detail.png"), fullPage: true });

  // Its loops are one click away.
  await page.getByRole("link", { name: "Its human loops" }).click();
  await expect(page).toHaveURL(/\/admin\/loops\?flow=e2e-reviews$/);

  // Deleting asks, then the flow is gone from the list.
  await page.goto("/admin/flow/e2e-doomed");
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
  page.once("dialog", (dialog) => dialog.accept());
  await page.getByRole("button", { name: "Delete" }).click();
  await expect(page).toHaveURL(/\/admin\/flows$/);
  await expect(page.getByRole("link", { name: "e2e-doomed" })).toHaveCount(0);
});
