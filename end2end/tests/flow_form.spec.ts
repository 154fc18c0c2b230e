import { expect, test } from "@playwright/test";
import { a2i, signInAsAdmin } from "./helpers";

test("the conditions lab shows a matching and a non-matching sample, node by node", async ({ page }, testInfo) => {
  await signInAsAdmin(page);
  await page.getByRole("link", { name: "Conditions lab" }).click();
  await expect(page).toHaveURL(/\/admin\/lab$/);
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);

  // The bundled uncertain image holds for the starting grey-zone document.
  const verdict = page.getByTestId("lab-verdict");
  await expect(verdict).toHaveText(/Starts a human loop/);
  const leaf = page.locator('.lab-tree li[data-path="Conditions[0]"]');
  await expect(leaf).toHaveAttribute("data-result", "true");
  await expect(leaf).toContainText("2 of 3 candidate labels pass");
  await expect(page.getByTestId("lab-sent")).toContainText("Violence (71.3%)");
  await expect(page.getByTestId("lab-json-logic")).toContainText('">="');
  await page.screenshot({ path: testInfo.outputPath("conditions-lab-match.png"), fullPage: true });

  // The confident one does not.
  await page.getByTestId("lab-sample").selectOption({ label: "Confident: swimwear at 99%" });
  await expect(verdict).toHaveText(/No human loop/);
  await expect(leaf).toHaveAttribute("data-result", "false");

  // A threshold below Rekognition's default MinConfidence gets a warning.
  await page.getByTestId("lab-conditions").fill(
    JSON.stringify({
      Conditions: [
        {
          ConditionType: "ModerationLabelConfidenceCheck",
          ConditionParameters: { ModerationLabelName: "*", ConfidenceLessThan: 40 },
        },
      ],
    }),
  );
  await expect(page.getByTestId("lab-warnings")).toContainText("MinConfidence");

  // Broken JSON says where.
  await page.getByTestId("lab-conditions").fill('{"Conditions": [');
  await expect(page.getByTestId("lab-error")).toContainText("not valid JSON");

  // Textract has its own samples and starting document.
  await page.getByTestId("lab-source").selectOption("AWS/Textract/AnalyzeDocument/Forms/V1");
  await expect(verdict).toHaveText(/Starts a human loop/);
  await expect(page.getByTestId("lab-sent")).toContainText("Pay date");
  await page.getByTestId("lab-sample").selectOption({ label: "Clear payslip" });
  await expect(verdict).toHaveText(/No human loop/);
});

test("a Rekognition flow is made in the browser with its conditions tried in the lab, and boto3 starts loops on it", async ({ page, baseURL }, testInfo) => {
  a2i(baseURL!, "setup");
  await signInAsAdmin(page);
  await page.goto("/admin/flows");
  await page.getByTestId("new-flow").click();
  await expect(page).toHaveURL(/\/admin\/flows\/new$/);
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);

  // The lab sits beside the conditions and follows the edits.
  await expect(page.getByTestId("lab-verdict")).toHaveText(/Starts a human loop/);
  await page.getByTestId("lab-sample").selectOption({ label: "Confident: swimwear at 99%" });
  await expect(page.getByTestId("lab-verdict")).toHaveText(/No human loop/);

  // Only the prices A2I allows for the task type are offered.
  const prices = page.getByTestId("flow-price").locator("option");
  await expect(prices).toHaveCount(17);
  await page.getByTestId("flow-source").selectOption("AWS/Textract/AnalyzeDocument/Forms/V1");
  await expect(prices).toHaveCount(27);
  await page.getByTestId("flow-source").selectOption("AWS/Rekognition/DetectModerationLabels/Image/V3");

  // Submit with a name taken by another flow: the message lands on the name field.
  await page.getByLabel("FlowDefinitionName").fill("e2e-reviews");
  await page.getByLabel("HumanLoopConfig.HumanTaskUiArn").selectOption({ label: "e2e-ui" });
  await page.getByLabel("HumanLoopConfig.TaskTitle").fill("Moderate images");
  await page.getByLabel("HumanLoopConfig.TaskDescription").fill("Say whether the image breaks the rules.");
  await page.getByLabel("HumanLoopConfig.TaskCount").fill("2");
  await page.getByTestId("create-flow").click();
  await expect(page.getByTestId("error-name")).toContainText("e2e-reviews");
  await page.screenshot({ path: testInfo.outputPath("flow-form-error.png"), fullPage: true });

  await page.getByLabel("FlowDefinitionName").fill("e2e-moderation");
  await page.getByTestId("create-flow").click();
  await expect(page).toHaveURL(/\/admin\/flow\/e2e-moderation$/);
  await expect(page.getByTestId("flow-task-type")).toHaveText("AWS/Rekognition/DetectModerationLabels/Image/V3");
  await page.screenshot({ path: testInfo.outputPath("flow-created.png"), fullPage: true });

  // boto3: the uncertain image starts a loop, the confident one does not.
  const started = JSON.parse(a2i(baseURL!, "start-moderation", "e2e-moderation", "e2e-mod-uncertain", "71.3"));
  expect(started.started).toBe(true);
  const skipped = JSON.parse(a2i(baseURL!, "start-moderation", "e2e-moderation", "e2e-mod-confident", "98.7"));
  expect(skipped.started).toBe(false);
  await page.goto("/admin/loops?flow=e2e-moderation");
  await expect(page.getByRole("link", { name: "e2e-mod-uncertain" })).toBeVisible();
  await expect(page.getByRole("link", { name: "e2e-mod-confident" })).toHaveCount(0);
});
