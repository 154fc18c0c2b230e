// A worker answers the image and document tasks A2I users bring: bounding boxes on a custom flow,
// and the two built-in task types (Rekognition moderation labels, Textract key-value pairs), with
// templates in A2I's idioms (a captured S3 URI through grant_read_access, JSON5-like attributes,
// the assets.crowd.aws script tag). Each answer is checked in the output.json Loupe writes.
import fs from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { a2i, output, signInAsWorker } from "./helpers";

const OUTPUTS = path.join(__dirname, "..", ".data", "outputs");
const SAMPLES = path.join(__dirname, "..", "..", "engine", "src", "conditions", "samples");

/** Writes a PNG of the given size where grant_read_access links of s3://bucket/key are served from. */
async function putImage(page: Page, bucket: string, key: string, width: number, height: number) {
  const dataUrl = await page.evaluate(
    ([w, h]) => {
      const canvas = document.createElement("canvas");
      canvas.width = w;
      canvas.height = h;
      const g = canvas.getContext("2d")!;
      g.fillStyle = "#dbe4ee";
      g.fillRect(0, 0, w, h);
      g.fillStyle = "#334155";
      g.fillRect(w / 8, h / 8, w / 4, h / 4);
      return canvas.toDataURL("image/png");
    },
    [width, height],
  );
  const file = path.join(OUTPUTS, bucket, key);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, Buffer.from(dataUrl.split(",")[1], "base64"));
}

async function startTask(page: Page, flow: string) {
  await page.goto("/work");
  await page.getByTestId(`queue-${flow}`).getByRole("button", { name: "Start working" }).click();
  await expect(page).toHaveURL(/\/work\/task\/\d+$/);
}

test("a worker draws two bounding boxes and output.json holds them in the image's pixels", async ({ browser, baseURL }) => {
  a2i(baseURL!, "template-flow", "e2e-boxes", "boxes.liquid", "1", "600");
  const page = await signInAsWorker(browser, baseURL!);
  await putImage(page, "e2e-images", "street/corner.png", 800, 600);
  a2i(baseURL!, "start-input", "e2e-boxes", "boxes-1",
    JSON.stringify({ bucket: "e2e-images", key: "street/corner.png", what: "vehicle", labels: ["Car", "Bicycle"] }));
  await startTask(page, "e2e-boxes");
  const frame = page.frameLocator("[data-testid=task-frame]");
  const image = frame.locator("crowd-bounding-box img");
  // The signed same-origin link loaded inside the sandbox.
  await expect(image).toHaveJSProperty("naturalWidth", 800);
  const box = (await image.boundingBox())!;
  const at = (x: number, y: number) => ({ x: box.x + (x * box.width) / 800, y: box.y + (y * box.height) / 600 });
  const drag = async (from: { x: number; y: number }, to: { x: number; y: number }) => {
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2);
    await page.mouse.move(to.x, to.y);
    await page.mouse.up();
  };
  await drag(at(100, 80), at(300, 240));
  await frame.getByRole("radio", { name: "Bicycle" }).click();
  await drag(at(420, 300), at(700, 560));
  await page.getByTestId("submit").click();
  await expect(page).toHaveURL(/\/work\?done=1$/);

  const answer = output(baseURL!, "boxes-1").humanAnswers[0].answerContent.annotatedResult;
  expect(answer.inputImageProperties).toEqual({ height: 600, width: 800 });
  expect(answer.boundingBoxes).toHaveLength(2);
  const near = (got: number, want: number) => expect(Math.abs(got - want)).toBeLessThanOrEqual(2);
  const [car, bicycle] = answer.boundingBoxes;
  expect(Object.keys(car).sort()).toEqual(["height", "label", "left", "top", "width"]);
  expect(car.label).toBe("Car");
  near(car.left, 100); near(car.top, 80); near(car.width, 200); near(car.height, 160);
  expect(bicycle.label).toBe("Bicycle");
  near(bicycle.left, 420); near(bicycle.top, 300); near(bicycle.width, 280); near(bicycle.height, 260);
  await page.context().close();
});

test("a worker picks moderation labels on a Rekognition loop and output.json has A2I's built-in answer", async ({ browser, baseURL }) => {
  a2i(baseURL!, "builtin-flow", "e2e-moderate", "moderation", "moderation.liquid");
  const page = await signInAsWorker(browser, baseURL!);
  await putImage(page, "e2e-images", "moderate-1.jpg", 640, 480);
  expect(JSON.parse(a2i(baseURL!, "start-moderation", "e2e-moderate", "moderate-1", "62.5")).started).toBe(true);
  await startTask(page, "e2e-moderate");
  const frame = page.frameLocator("[data-testid=task-frame]");
  await expect(frame.locator("crowd-rekognition-detect-moderation-labels img")).toHaveJSProperty("naturalWidth", 640);
  // The label the model was unsure of is offered; digit 1 picks it from the keyboard.
  await expect(frame.getByRole("button", { name: "Violence" })).toBeVisible();
  await page.keyboard.press("1");
  await expect(frame.getByRole("button", { name: "Violence" })).toHaveAttribute("aria-pressed", "true");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/work\?done=1$/);

  const written = output(baseURL!, "moderate-1");
  expect(written.humanAnswers[0].answerContent).toEqual({
    "AWS/Rekognition/DetectModerationLabels/Image/V3": { moderationLabels: [{ name: "Violence", parentName: "" }] },
  });
  expect(written.inputContent.aiServiceRequest).toBeTruthy();
  expect(written.inputContent.selectedAiServiceResponse.moderationLabels[0].name).toBe("Violence");
  await page.context().close();
});

test("a worker corrects a Textract key-value pair and output.json has the corrected blocks", async ({ browser, baseURL }) => {
  a2i(baseURL!, "builtin-flow", "e2e-forms", "textract", "textract.liquid");
  const page = await signInAsWorker(browser, baseURL!);
  await putImage(page, "e2e-images", "payslip.png", 850, 1100);
  const started = a2i(baseURL!, "start-textract", "e2e-forms", "payslip-1",
    path.join(SAMPLES, "textract_smudged_payslip.json"), "e2e-images", "payslip.png");
  expect(JSON.parse(started).started).toBe(true);
  await startTask(page, "e2e-forms");
  const frame = page.frameLocator("[data-testid=task-frame]");
  const widget = frame.locator("crowd-textract-analyze-document");
  await expect(widget.locator("img").first()).toHaveJSProperty("naturalWidth", 850);
  const pair = widget.locator(".lp-tx-pair").filter({ hasText: "Employee name:" });
  await expect(pair.getByLabel("Value")).toHaveValue("Jane Doe");
  await pair.getByLabel("Value").fill("Jane Dole");
  await page.getByTestId("submit").click();
  await expect(page).toHaveURL(/\/work\?done=1$/);

  const answer = output(baseURL!, "payslip-1").humanAnswers[0].answerContent;
  expect(Object.keys(answer)).toEqual(["AWS/Textract/AnalyzeDocument/Forms/V1"]);
  const blocks: { id: string; blockType: string; text?: string; entityTypes?: string[]; relationships?: { type: string; ids: string[] }[] }[] =
    answer["AWS/Textract/AnalyzeDocument/Forms/V1"].blocks;
  const byId = new Map(blocks.map((b) => [b.id, b]));
  const key = blocks.find((b) => b.blockType === "KEY_VALUE_SET" && b.entityTypes?.includes("KEY") && b.text === "Employee name:")!;
  expect(key).toBeTruthy();
  const valueId = key.relationships!.find((r) => r.type === "VALUE")!.ids[0];
  const value = byId.get(valueId)!;
  expect(value.text).toBe("Jane Dole");
  const words = value.relationships!.find((r) => r.type === "CHILD")!.ids.map((id) => byId.get(id)!.text);
  expect(words).toEqual(["Jane", "Dole"]);
  await page.context().close();
});
