import { execFileSync } from "node:child_process";
import path from "node:path";
import { expect, test } from "@playwright/test";

const python = process.env.LOUPE_TEST_PYTHON ?? path.join(__dirname, "..", "..", ".venv", "bin", "python");

function a2i(baseURL: string, ...args: string[]) {
  return execFileSync(python, [path.join(__dirname, "..", "fixtures", "a2i.py"), baseURL, ...args], {
    encoding: "utf8",
  }).trim();
}

test("a flow definition's page shows every setting, its ARN and a boto3 snippet; delete asks first", async ({ page, baseURL }, testInfo) => {
  a2i(baseURL!, "setup", "e2e-doomed");
  await page.goto("/login");
  await page.getByLabel("Email").fill("admin@e2e.local");
  await page.getByLabel("Password", { exact: true }).fill("admin password 123");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);

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
