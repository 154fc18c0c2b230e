import { expect, test } from "@playwright/test";
import { signInAsAdmin } from "./helpers";

test("an admin starts a template from a starter, previews it live and creates it", async ({ page }, testInfo) => {
  await signInAsAdmin(page);
  await page.getByRole("link", { name: "Templates" }).click();
  await expect(page).toHaveURL(/\/admin\/templates$/);
  await page.getByRole("link", { name: "New template" }).click();
  await page.getByTestId("starter-text-classifier").click();
  await expect(page).toHaveURL(/starter=text-classifier/);
  await expect(page.getByLabel("HumanTaskUiName")).toHaveValue("text-classifier");

  // The preview renders the sample input, escaped, in a sandboxed frame.
  const frame = page.frameLocator('[data-testid="preview-frame"]');
  await expect(frame.locator("body")).toContainText("The delivery came two days late");
  await expect(page.getByTestId("preview-html")).toContainText('categories="[&quot;Positive&quot;');
  await page.screenshot({ path: testInfo.outputPath("template-new.png"), fullPage: true });

  // It follows the sample input as it is edited, and escapes markup in it.
  await page
    .getByLabel("Sample task.input (JSON)")
    .fill('{"taskObject": "<b>bold?</b> Late again", "labels": ["Late", "On time"]}');
  await expect(frame.locator("body")).toContainText("<b>bold?</b> Late again");
  await expect(page.getByTestId("preview-html")).toContainText("&lt;b&gt;bold?&lt;/b&gt;");

  // The crowd elements run in the preview, as in a worker's frame: picking a category and
  // submitting shows the answer a worker would send.
  const frameElement = page.getByTestId("preview-frame");
  await frameElement.scrollIntoViewIfNeeded();
  await frame.getByRole("radio", { name: "On time" }).click();
  await frame.getByRole("button", { name: "Submit" }).click();
  await expect(page.getByTestId("preview-answer")).toContainText('"label": "On time"');
  expect(JSON.parse(await page.getByTestId("preview-answer").locator("code").innerText())).toEqual({
    category: { label: "On time" },
  });
  await page.screenshot({ path: testInfo.outputPath("template-preview-answer.png"), fullPage: true });

  // A Liquid mistake shows where it is; invalid JSON says so.
  const content = page.getByLabel("UiTemplate.Content");
  const original = await content.inputValue();
  await content.fill(original + "\n{% if task.input.x %}never closed");
  await expect(page.getByTestId("preview-error")).toBeVisible();
  await content.fill(original.replace("{{ task.input.taskObject }}", "{{ task.input.taskObject | }}"));
  await expect(page.getByTestId("preview-error")).toContainText(/line \d+, column \d+/);
  await content.fill(original);
  await page.getByLabel("Sample task.input (JSON)").fill("{not json");
  await expect(page.getByTestId("preview-error")).toContainText("not JSON");

  // A bad name gets a message at the field; a good one creates the template.
  await page.getByLabel("HumanTaskUiName").fill("Bad_Name");
  await page.getByRole("button", { name: "Create template" }).click();
  await expect(page.locator("#name-errors")).toContainText("lower-case letters, digits and hyphens");
  await page.getByLabel("HumanTaskUiName").fill("sentiment-check");
  await page.getByRole("button", { name: "Create template" }).click();
  await expect(page).toHaveURL(/\/admin\/template\/sentiment-check$/);
  await expect(page.getByTestId("template-arn")).toHaveText(
    /^arn:aws:sagemaker:us-east-1:\d{12}:human-task-ui\/sentiment-check$/,
  );
  await expect(page.getByTestId("template-content")).toContainText("crowd-classifier");
  await page.getByLabel("Sample task.input (JSON)").fill('{"taskObject": "Stored and rendered", "labels": ["a"]}');
  await expect(page.frameLocator('[data-testid="preview-frame"]').locator("body")).toContainText("Stored and rendered");
  await page.screenshot({ path: testInfo.outputPath("template-detail.png"), fullPage: true });

  // The same name again is refused at the name field.
  await page.goto("/admin/templates/new?starter=text-classifier");
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
  await page.getByLabel("HumanTaskUiName").fill("sentiment-check");
  await page.getByRole("button", { name: "Create template" }).click();
  await expect(page.locator("#name-errors")).toContainText("already exists");

  // Listed, then deleted after a confirmation.
  await page.goto("/admin/templates");
  await expect(page.getByTestId("templates-table")).toContainText("sentiment-check");
  await page.screenshot({ path: testInfo.outputPath("templates.png"), fullPage: true });
  await page.getByRole("link", { name: "sentiment-check" }).click();
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
  page.once("dialog", (dialog) => dialog.accept());
  await page.getByRole("button", { name: "Delete" }).click();
  await expect(page).toHaveURL(/\/admin\/templates$/);
  await expect(page.getByRole("link", { name: "sentiment-check" })).toHaveCount(0);
});
