// A worker paints a label map and traces polylines on a custom flow, through the real worker
// portal (sandboxed frame, grant_read_access image, the assets.crowd.aws script tag), and the
// answer is checked in the output.json Loupe writes: the label map decoded pixel by pixel.
import fs from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { a2i, output, signInAsWorker } from "./helpers";

const OUTPUTS = path.join(__dirname, "..", ".data", "outputs");

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
      g.fillRect(0, h / 2, w, h / 2);
      return canvas.toDataURL("image/png");
    },
    [width, height],
  );
  const file = path.join(OUTPUTS, bucket, key);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, Buffer.from(dataUrl.split(",")[1], "base64"));
}

test("a worker paints regions and traces a polyline, and output.json holds the label map and the vertices", async ({ browser, baseURL }) => {
  a2i(baseURL!, "template-flow", "e2e-paint", "annotators.liquid", "1", "600");
  const page = await signInAsWorker(browser, baseURL!);
  await putImage(page, "e2e-images", "road/scene.png", 640, 480);
  a2i(baseURL!, "start-input", "e2e-paint", "paint-1",
    JSON.stringify({ bucket: "e2e-images", key: "road/scene.png", what: "sky and the road", labels: ["Sky", "Road"] }));
  await page.goto("/work");
  await page.getByTestId("queue-e2e-paint").getByRole("button", { name: "Start working" }).click();
  await expect(page).toHaveURL(/\/work\/task\/\d+$/);
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
  const decoded = await page.evaluate(async (data) => {
    const img = new Image();
    img.src = "data:image/png;base64," + data;
    await img.decode();
    const c = document.createElement("canvas");
    c.width = img.naturalWidth;
    c.height = img.naturalHeight;
    const g = c.getContext("2d")!;
    g.drawImage(img, 0, 0);
    const name = (x: number, y: number) => {
      const d = g.getImageData(x, y, 1, 1).data;
      return d[3] === 0 ? "none" : "#" + [d[0], d[1], d[2]].map((v) => v.toString(16).padStart(2, "0")).join("");
    };
    return { size: [c.width, c.height], px: [name(10, 10), name(630, 230), name(320, 360), name(320, 300), name(320, 420)] };
  }, regions.labeledImage.pngImageData);
  expect(decoded.size).toEqual([640, 480]);
  expect(decoded.px).toEqual(["#2563eb", "#2563eb", "#c2410c", "none", "none"]);
  await page.context().close();
});
