// A worker paints a label map, traces polylines and corrects an earlier label map on custom
// flows, through the real worker portal (sandboxed frame, grant_read_access images, the
// assets.crowd.aws script tag); each answer is checked in the output.json Loupe writes, label
// maps decoded pixel by pixel.
import fs from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { a2i, output, signInAsWorker } from "./helpers";

const OUTPUTS = path.join(__dirname, "..", ".data", "outputs");

/** Writes a PNG of the given size, filled with `rects` ([colour, x, y, w, h]) over `ground`,
 * where grant_read_access links of s3://bucket/key are served from. */
async function putPng(page: Page, bucket: string, key: string, width: number, height: number, ground: string, rects: [string, number, number, number, number][]) {
  const dataUrl = await page.evaluate(
    ([w, h, bg, list]) => {
      const canvas = document.createElement("canvas");
      canvas.width = w as number;
      canvas.height = h as number;
      const g = canvas.getContext("2d")!;
      g.fillStyle = bg as string;
      g.fillRect(0, 0, w as number, h as number);
      for (const [c, x, y, rw, rh] of list as [string, number, number, number, number][]) {
        g.fillStyle = c;
        g.fillRect(x, y, rw, rh);
      }
      return canvas.toDataURL("image/png");
    },
    [width, height, ground, rects] as const,
  );
  const file = path.join(OUTPUTS, bucket, key);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, Buffer.from(dataUrl.split(",")[1], "base64"));
}

/** The colour of each point of a base64 PNG ("none" where transparent), decoded in the page. */
async function pngColors(page: Page, data: string, points: [number, number][]) {
  return page.evaluate(
    async ([b64, pts]) => {
      const img = new Image();
      img.src = "data:image/png;base64," + b64;
      await img.decode();
      const c = document.createElement("canvas");
      c.width = img.naturalWidth;
      c.height = img.naturalHeight;
      const g = c.getContext("2d")!;
      g.drawImage(img, 0, 0);
      const name = ([x, y]: [number, number]) => {
        const d = g.getImageData(x, y, 1, 1).data;
        return d[3] === 0 ? "none" : "#" + [d[0], d[1], d[2]].map((v) => v.toString(16).padStart(2, "0")).join("");
      };
      return { size: [c.width, c.height], px: (pts as [number, number][]).map(name) };
    },
    [data, points] as const,
  );
}

async function startTask(page: Page, flow: string) {
  await page.goto("/work");
  await page.getByTestId(`queue-${flow}`).getByRole("button", { name: "Start working" }).click();
  await expect(page).toHaveURL(/\/work\/task\/\d+$/);
}

test("a worker paints regions and traces a polyline, and output.json holds the label map and the vertices", async ({ browser, baseURL }) => {
  a2i(baseURL!, "template-flow", "e2e-paint", "annotators.liquid", "1", "600");
  const page = await signInAsWorker(browser, baseURL!);
  await putPng(page, "e2e-images", "road/scene.png", 640, 480, "#dbe4ee", [["#334155", 0, 240, 640, 240]]);
  a2i(baseURL!, "start-input", "e2e-paint", "paint-1",
    JSON.stringify({ bucket: "e2e-images", key: "road/scene.png", what: "sky and the road", labels: ["Sky", "Road"] }));
  await startTask(page, "e2e-paint");
  const frame = page.frameLocator("[data-testid=task-frame]");
  const seg = frame.locator("crowd-semantic-segmentation");
  const lines = frame.locator("crowd-polyline");
  await expect(seg.locator(".lp-stagebox img")).toHaveJSProperty("naturalWidth", 640);
  await expect(lines.locator(".lp-stagebox img")).toHaveJSProperty("naturalWidth", 640);

  const place = async (img: ReturnType<typeof frame.locator>, x: number, y: number) => {
    await img.scrollIntoViewIfNeeded();
    const box = (await img.boundingBox())!;
    return { x: box.x + (x * box.width) / 640, y: box.y + (y * box.height) / 480 };
  };
  // Sky: a polygon fill over the top half; Road: a brush stroke through the bottom half.
  const segImg = seg.locator(".lp-stagebox img");
  await seg.getByRole("button", { name: "Polygon fill" }).click();
  for (const [x, y] of [[2, 2], [638, 2], [638, 240], [2, 240]]) {
    const p = await place(segImg, x, y);
    await page.mouse.click(p.x, p.y);
  }
  await page.keyboard.press("Enter");
  await seg.getByRole("radio", { name: "Road" }).click();
  await seg.getByRole("button", { name: "Brush" }).click();
  const from = await place(segImg, 100, 360);
  const to = await place(segImg, 540, 360);
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 8 });
  await page.mouse.up();

  // A lane polyline of three points, finished with Enter.
  const lineImg = lines.locator(".lp-stagebox img");
  for (const [x, y] of [[80, 460], [320, 300], [560, 460]]) {
    const p = await place(lineImg, x, y);
    await page.mouse.click(p.x, p.y);
  }
  await page.keyboard.press("Enter");
  await expect(lines.locator(".lp-shapes li")).toHaveText(["Lane \u2014 3 points×"]);

  await page.getByTestId("submit").click();
  await expect(page).toHaveURL(/\/work\?done=1$/);

  const answer = output(baseURL!, "paint-1").humanAnswers[0].answerContent;
  expect(Object.keys(answer).sort()).toEqual(["lanes", "regions"]);
  const near = (got: number, want: number) => expect(Math.abs(got - want)).toBeLessThanOrEqual(2);
  expect(answer.lanes.inputImageProperties).toEqual({ height: 480, width: 640 });
  expect(answer.lanes.polylines).toHaveLength(1);
  expect(answer.lanes.polylines[0].label).toBe("Lane");
  const want = [[80, 460], [320, 300], [560, 460]];
  answer.lanes.polylines[0].vertices.forEach((v: { x: number; y: number }, i: number) => {
    expect(Object.keys(v).sort()).toEqual(["x", "y"]);
    near(v.x, want[i][0]);
    near(v.y, want[i][1]);
  });

  const regions = answer.regions;
  expect(Object.keys(regions).sort()).toEqual(["inputImageProperties", "labelMappings", "labeledImage"]);
  expect(regions.inputImageProperties).toEqual({ height: 480, width: 640 });
  expect(regions.labelMappings).toEqual({ Sky: { color: "#2563eb" }, Road: { color: "#c2410c" } });
  const decoded = await pngColors(page, regions.labeledImage.pngImageData, [[10, 10], [630, 230], [320, 360], [320, 300], [320, 420]]);
  expect(decoded.size).toEqual([640, 480]);
  expect(decoded.px).toEqual(["#2563eb", "#2563eb", "#c2410c", "none", "none"]);
  await page.context().close();
});

test("a worker corrects an earlier label map read through grant_read_access, and output.json says it was modified", async ({ browser, baseURL }) => {
  a2i(baseURL!, "template-flow", "e2e-adjust", "adjust.liquid", "1", "600");
  const page = await signInAsWorker(browser, baseURL!);
  await putPng(page, "e2e-images", "adjust/photo.png", 320, 240, "#dbe4ee", [["#334155", 0, 120, 320, 120]]);
  // The earlier job's map: Sky over the top half, Road over the bottom half but for a white strip.
  await putPng(page, "e2e-images", "adjust/labels.png", 320, 240, "#ffffff", [["#ff7f0e", 0, 0, 320, 120], ["#1f77b4", 0, 120, 200, 120]]);
  a2i(baseURL!, "start-input", "e2e-adjust", "adjust-1",
    JSON.stringify({ bucket: "e2e-images", key: "adjust/photo.png", labelsKey: "adjust/labels.png" }));
  await startTask(page, "e2e-adjust");
  const seg = page.frameLocator("[data-testid=task-frame]").locator("crowd-semantic-segmentation");
  const img = seg.locator(".lp-stagebox img");
  await expect(img).toHaveJSProperty("naturalWidth", 320);
  // The white strip is Road too: choose Road and paint across it.
  await seg.getByRole("radio", { name: "Road" }).click();
  const box = (await img.boundingBox())!;
  const at = (x: number, y: number) => ({ x: box.x + (x * box.width) / 320, y: box.y + (y * box.height) / 240 });
  await page.mouse.move(at(205, 180).x, at(205, 180).y);
  await page.mouse.down();
  await page.mouse.move(at(315, 180).x, at(315, 180).y, { steps: 6 });
  await page.mouse.up();
  await page.getByTestId("submit").click();
  await expect(page).toHaveURL(/\/work\?done=1$/);

  const answer = output(baseURL!, "adjust-1").humanAnswers[0].answerContent.adjusted;
  expect(answer.initialValueModified).toBe(true);
  expect(answer.inputImageProperties).toEqual({ height: 240, width: 320 });
  expect(answer.labelMappings).toEqual({ Sky: { color: "#ff7f0e" }, Road: { color: "#1f77b4" } });
  const decoded = await pngColors(page, answer.labeledImage.pngImageData, [[10, 10], [300, 100], [10, 200], [199, 239], [260, 180], [260, 140]]);
  expect(decoded.size).toEqual([320, 240]);
  // The earlier regions kept, the repainted band now Road, the rest of the white strip unlabelled.
  expect(decoded.px).toEqual(["#ff7f0e", "#ff7f0e", "#1f77b4", "#1f77b4", "#1f77b4", "none"]);
  await page.context().close();
});
