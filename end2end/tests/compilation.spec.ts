import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { signInAsAdmin } from "./helpers";

// serve.sh's output root: s3://models/KEY is models/KEY below it.
const models = path.join(__dirname, "..", ".data", "outputs", "models");
const python = process.env.LOUPE_TEST_PYTHON ?? path.join(__dirname, "..", "..", ".venv", "bin", "python");

test.beforeAll(() => {
  // The compiler tests' real ONNX models, straight into the server's store.
  execFileSync(python, [path.join(__dirname, "..", "..", "compiler", "tests", "models", "make_models.py"), "--out", models]);
  // serve.sh's compiler holds held*.tar.gz jobs until they are stopped; it never reads them.
  fs.writeFileSync(path.join(models, "held.tar.gz"), "held until stopped");
});

type Job = { name: string; s3Uri: string; dataInput?: string; device?: string };

async function createJob(page: Page, job: Job) {
  await page.goto("/admin/compilation-jobs/new");
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
  await page.getByLabel("CompilationJobName").fill(job.name);
  await page.getByLabel("InputConfig.S3Uri").fill(job.s3Uri);
  if (job.dataInput !== undefined) await page.getByLabel("InputConfig.DataInputConfig").fill(job.dataInput);
  if (job.device) await page.locator("#job-device").selectOption(job.device);
  await page.getByTestId("create-compilation-job").click();
}

test("an admin compiles a real model from the form and sees it complete, with its manifest and log", async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const consoleErrors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(m.text());
  });
  await signInAsAdmin(page);
  await page.getByRole("link", { name: "Compilation", exact: true }).click();
  await expect(page).toHaveURL(/\/admin\/compilation-jobs$/);
  await page.getByTestId("new-compilation-job").click();
  await expect(page).toHaveURL(/\/admin\/compilation-jobs\/new$/);

  // Every framework and every device of the SageMaker model; unserved devices say so.
  await expect(page.getByLabel("InputConfig.Framework").locator("option")).toHaveCount(9);
  const devices = page.locator("#job-device").locator("option");
  await expect(devices).toHaveCount(37);
  await expect(devices.filter({ hasText: "sitara_am57x" })).toHaveText("sitara_am57x — armv7-neon");
  await expect(devices.filter({ hasText: "ml_inf1" })).toContainText("not served");
  await expect(page.getByLabel("RoleArn")).toHaveValue(/^arn:aws:iam::\d{12}:role\//);

  await createJob(page, { name: "mlp-e2e", s3Uri: "s3://models/mlp.tar.gz", dataInput: '{"input": [1, 64]}', device: "sitara_am57x" });
  await expect(page).toHaveURL(/\/admin\/compilation-jobs\/mlp-e2e$/);
  // The page refreshes itself until the job ends.
  await expect(page.getByTestId("job-status")).toHaveText("COMPLETED", { timeout: 90_000 });
  await expect(page.getByTestId("job-progress")).toHaveCount(0);
  await expect(page.getByTestId("job-arn")).toHaveText(/^arn:aws:sagemaker:us-east-1:\d{12}:compilation-job\/mlp-e2e$/);
  await expect(page.getByTestId("job-serving")).toHaveText("compiled for armv7-neon");
  await expect(page.getByTestId("job-artifact")).toHaveText("s3://models/compiled/mlp-sitara_am57x.tar.gz");
  await expect(page.getByTestId("job-digest")).toHaveText(/^sha256:[0-9a-f]{64}$/);
  await expect(page.getByTestId("job-derived")).toHaveText('{"input":[1,64]}');
  await expect(page.getByText("1 d 0 h (86400 s) — the default")).toBeVisible();
  await expect(page.getByTestId("job-peak-memory")).toContainText("MiB");

  const tensors = page.getByTestId("manifest-tensors");
  await expect(tensors).toContainText("input");
  await expect(tensors).toContainText("[1, 64]");
  await expect(tensors).toContainText("logits");
  await expect(tensors).toContainText("[1, 4]");
  await expect(page.getByTestId("manifest-source-operators")).toContainText("Gemm");
  await expect(page.getByTestId("manifest-parameters")).toContainText("bytes");
  await expect(page.getByTestId("manifest-latency")).toContainText("ms");
  await expect(page.getByTestId("manifest-verification")).toContainText("logits");
  await page.getByText("The whole manifest (JSON)").click();
  await expect(page.getByTestId("manifest-json")).toContainText('"cpu_arch": "armv7-neon"');
  const log = page.getByTestId("job-log");
  await expect(log).toContainText("reading s3://models/mlp.tar.gz");
  await expect(log).toContainText("phase: verifying the artifact");
  await expect(log).toContainText("writing s3://models/compiled/mlp-sitara_am57x.tar.gz");
  expect(fs.existsSync(path.join(models, "compiled", "mlp-sitara_am57x.tar.gz"))).toBe(true);
  await page.screenshot({ path: testInfo.outputPath("compilation-job.png"), fullPage: true });

  // The list shows it, and filters by status.
  await page.getByRole("link", { name: "Compilation", exact: true }).click();
  const row = page.getByTestId("job-row-mlp-e2e");
  await expect(row).toContainText("COMPLETED");
  await expect(row).toContainText("sitara_am57x");
  await expect(row).toContainText("ONNX");
  await page.getByTestId("status-filter").getByRole("link", { name: "FAILED" }).click();
  await expect(page).toHaveURL(/status=FAILED$/);
  await expect(page.getByTestId("job-row-mlp-e2e")).toHaveCount(0);
  await page.getByTestId("status-filter").getByRole("link", { name: "COMPLETED" }).click();
  await expect(page.getByTestId("job-row-mlp-e2e")).toBeVisible();
  expect(consoleErrors).toEqual([]);
});

test("a malformed DataInputConfig and a taken name get messages at their fields", async ({ page }) => {
  await signInAsAdmin(page);
  await createJob(page, { name: "bad-shapes", s3Uri: "s3://models/mlp.tar.gz", dataInput: '{"input": [1, 64' });
  await expect(page.getByTestId("error-data_input_config")).toContainText("Member must give input names and shapes");
  await expect(page).toHaveURL(/\/admin\/compilation-jobs\/new$/);
  await page.goto("/admin/compilation-jobs");
  await expect(page.getByTestId("job-row-bad-shapes")).toHaveCount(0);

  // Names are unique ignoring case.
  await createJob(page, { name: "MLP-E2E", s3Uri: "s3://models/mlp.tar.gz" });
  await expect(page.getByTestId("error-name")).toContainText("already in use");
});

test("a job naming an input the model does not have fails with the model's real inputs", async ({ page }) => {
  test.setTimeout(120_000);
  await signInAsAdmin(page);
  await createJob(page, { name: "wrong-input", s3Uri: "s3://models/mlp.tar.gz", dataInput: '{"data": [1, 64]}' });
  await expect(page).toHaveURL(/\/admin\/compilation-jobs\/wrong-input$/);
  await expect(page.getByTestId("job-status")).toHaveText("FAILED", { timeout: 90_000 });
  const reason = page.getByTestId("job-failure");
  await expect(reason).toContainText('DataInputConfig names the input "data"');
  await expect(reason).toContainText('"input"');
  await page.getByRole("link", { name: "Compilation", exact: true }).click();
  await expect(page.getByTestId("job-row-wrong-input")).toContainText('DataInputConfig names the input "data"');
});

test("a running job shows its step and stops; a queued one stops at once; Delete removes a job", async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  await signInAsAdmin(page);
  await createJob(page, { name: "held-1", s3Uri: "s3://models/held.tar.gz" });
  await expect(page).toHaveURL(/\/admin\/compilation-jobs\/held-1$/);
  await expect(page.getByTestId("job-status")).toHaveText("INPROGRESS", { timeout: 30_000 });
  await expect(page.getByTestId("job-phase")).toHaveText("Step 4 of 10: Loading");
  await expect(page.getByRole("progressbar", { name: "Compilation progress" })).toHaveAttribute("value", "4");
  await expect(page.getByTestId("job-log")).toContainText("phase: loading the model");
  await page.screenshot({ path: testInfo.outputPath("compilation-running.png"), fullPage: true });
  // Nothing to delete while it runs.
  await expect(page.getByRole("button", { name: "Delete" })).toHaveCount(0);

  // One job at a time: the next one waits for the runner, and stopping it ends it at once.
  await createJob(page, { name: "queued-1", s3Uri: "s3://models/mlp.tar.gz", dataInput: '{"input": [1, 64]}' });
  await expect(page).toHaveURL(/\/admin\/compilation-jobs\/queued-1$/);
  await expect(page.getByTestId("job-status")).toHaveText("STARTING");
  await expect(page.getByTestId("job-progress")).toContainText("Waiting for a compilation runner");
  page.once("dialog", (dialog) => dialog.accept());
  await page.getByRole("button", { name: "Stop" }).click();
  await expect(page.getByTestId("job-status")).toHaveText("STOPPED");
  await expect(page.getByRole("button", { name: "Stop" })).toHaveCount(0);

  // The list polls while a job runs: held-1 is still going.
  await page.getByRole("link", { name: "Compilation", exact: true }).click();
  await expect(page.getByTestId("job-row-held-1")).toContainText("INPROGRESS");
  await expect(page.getByTestId("job-row-queued-1")).toContainText("STOPPED");

  // A running job goes STOPPING, then STOPPED once its compiler is gone.
  await page.getByRole("link", { name: "held-1" }).click();
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
  page.once("dialog", (dialog) => dialog.accept());
  await page.getByRole("button", { name: "Stop" }).click();
  await expect(page.getByTestId("job-status")).toHaveText("STOPPED", { timeout: 30_000 });

  // Delete asks, then the job is gone from the list.
  page.once("dialog", (dialog) => dialog.accept());
  await page.getByRole("button", { name: "Delete" }).click();
  await expect(page).toHaveURL(/\/admin\/compilation-jobs$/);
  await expect(page.getByTestId("job-row-held-1")).toHaveCount(0);
  await expect(page.getByTestId("job-row-queued-1")).toBeVisible();
  await page.goto("/admin/compilation-jobs/held-1");
  await expect(page.getByRole("heading", { name: "Compilation job not found" })).toBeVisible();
});
