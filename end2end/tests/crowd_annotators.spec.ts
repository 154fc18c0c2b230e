// The four annotators that draw over an image beyond boxes, points and polygons:
// crowd-semantic-segmentation, crowd-instance-segmentation, crowd-line and crowd-polyline. Each
// test mounts a template in a bare page with the bundle (as the server serves it), draws with
// the mouse and with the keyboard, submits, and checks the exact answer the bundle posts; label
// maps are decoded in the page and read pixel by pixel.
import { expect, test, type Page } from "@playwright/test";

let BUNDLE = "";
test.beforeAll(async ({ request }) => {
  const response = await request.get("/crowd/crowd-html-elements.js");
  expect(response.ok()).toBe(true);
  BUNDLE = await response.text();
});

type Msg = { type: string; [k: string]: unknown };
type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
type Natural = { w: number; h: number };

const errors: string[] = [];
test.beforeEach(async ({ page }) => {
  errors.length = 0;
  page.on("pageerror", (e) => errors.push(e.message));
  await page.setViewportSize({ width: 1280, height: 900 });
});
test.afterEach(() => {
  expect(errors, "no uncaught errors in the page").toEqual([]);
});

const LISTEN = `window.__msgs = []; window.addEventListener('message', function (e) { window.__msgs.push(e.data); });`;

async function mount(page: Page, body: string, head = ""): Promise<void> {
  await page.setContent(`<!doctype html><html><head><meta charset="utf-8">${head}</head><body>${body}</body></html>`);
  await page.evaluate(LISTEN);
  await page.addScriptTag({ content: BUNDLE });
  await expect.poll(() => messages(page, "loupe:ready")).toHaveLength(1);
}
async function messages(page: Page, type: string): Promise<Msg[]> {
  return page.evaluate((t) => ((window as Json).__msgs as Msg[]).filter((m) => m && m.type === t), type);
}
async function answers(page: Page): Promise<Json[]> {
  return (await messages(page, "loupe:answer")).map((m) => m.answer);
}
async function answer(page: Page, count = 1): Promise<Json> {
  await expect.poll(async () => (await answers(page)).length, { message: "an answer was posted" }).toBe(count);
  const all = await answers(page);
  return all[all.length - 1];
}
async function lastInvalid(page: Page, count = 1): Promise<string> {
  await expect.poll(async () => (await messages(page, "loupe:invalid")).length).toBe(count);
  const all = await messages(page, "loupe:invalid");
  return String(all[all.length - 1].message);
}
async function fromParent(page: Page, msg: Json): Promise<void> {
  await page.evaluate((m) => window.postMessage(m, "*"), msg);
}
/** A grey PNG of the given size with a darker block in the middle. */
async function pngDataUrl(page: Page, width: number, height: number): Promise<string> {
  return page.evaluate(
    ([w, h]) => {
      const canvas = document.createElement("canvas");
      canvas.width = w;
      canvas.height = h;
      const g = canvas.getContext("2d")!;
      g.fillStyle = "#e5e7eb";
      g.fillRect(0, 0, w, h);
      g.fillStyle = "#94a3b8";
      g.fillRect(w / 4, h / 4, w / 2, h / 2);
      return canvas.toDataURL("image/png");
    },
    [width, height],
  );
}
const attr = (v: unknown) => JSON.stringify(v).replace(/&/g, "&amp;").replace(/"/g, "&quot;");

/** Where on the screen an image's natural pixel (x, y) is. */
async function at(page: Page, img: string, x: number, y: number, nat: Natural) {
  const box = (await page.locator(img).boundingBox())!;
  return { x: box.x + (x * box.width) / nat.w, y: box.y + (y * box.height) / nat.h };
}
async function drag(page: Page, img: string, nat: Natural, path: [number, number][]) {
  const first = await at(page, img, path[0][0], path[0][1], nat);
  await page.mouse.move(first.x, first.y);
  await page.mouse.down();
  for (const [x, y] of path.slice(1)) {
    const p = await at(page, img, x, y, nat);
    await page.mouse.move(p.x, p.y, { steps: 4 });
  }
  await page.mouse.up();
}
async function click(page: Page, img: string, nat: Natural, x: number, y: number) {
  const p = await at(page, img, x, y, nat);
  await page.mouse.click(p.x, p.y);
}

/** Decodes a base64 PNG in the page: its size, the colour at each point ("none" where
 * transparent) and every distinct colour it holds. */
async function readPng(page: Page, b64: string, points: [number, number][]) {
  return page.evaluate(
    async ([data, pts]) => {
      const img = new Image();
      img.src = "data:image/png;base64," + data;
      await img.decode();
      const c = document.createElement("canvas");
      c.width = img.naturalWidth;
      c.height = img.naturalHeight;
      const g = c.getContext("2d")!;
      g.drawImage(img, 0, 0);
      const px = g.getImageData(0, 0, c.width, c.height).data;
      const name = (o: number) =>
        px[o + 3] === 0 ? "none" : "#" + [px[o], px[o + 1], px[o + 2]].map((v) => v.toString(16).padStart(2, "0")).join("") + (px[o + 3] === 255 ? "" : `/${px[o + 3]}`);
      const colors = new Set<string>();
      for (let o = 0; o < px.length; o += 4) colors.add(name(o));
      return {
        width: img.naturalWidth,
        height: img.naturalHeight,
        at: (pts as [number, number][]).map(([x, y]) => name((y * c.width + x) * 4)),
        colors: [...colors].sort(),
      };
    },
    [b64, points] as const,
  );
}

// ------------------------------------------------------------------------------------------------
test.describe("crowd-semantic-segmentation", () => {
  test("brush, polygon fill, eraser, undo and redo with the mouse; painting from the keyboard; the label map PNG", async ({ page }) => {
    const nat = { w: 800, h: 600 };
    const src = await pngDataUrl(page, nat.w, nat.h);
    await mount(
      page,
      `<crowd-form><crowd-semantic-segmentation name="seg" src="${src}" header="Paint the scene" labels="['Sky', 'Road']">
         <short-instructions>Paint every region.</short-instructions>
         <full-instructions header="Painting"><p>Cover each region fully.</p></full-instructions>
       </crowd-semantic-segmentation></crowd-form>`,
      `<style>crowd-semantic-segmentation .lp-stagebox img{width:400px}</style>`,
    );
    const img = "crowd-semantic-segmentation .lp-stagebox img";
    await expect(page.locator(img)).toHaveJSProperty("naturalWidth", 800);
    await expect(page.getByRole("heading", { name: "Paint the scene" })).toBeVisible();
    await expect(page.getByText("Paint every region.")).toBeVisible();
    await expect(page.getByRole("application", { name: /^Paint the scene: Choose a label and paint/ })).toBeVisible();
    await expect(page.getByRole("radio", { name: "Sky" })).toHaveAttribute("aria-checked", "true");
    await expect(page.getByRole("button", { name: "Brush" })).toHaveAttribute("aria-pressed", "true");
    await expect(page.getByRole("slider", { name: "Brush size" })).toHaveValue("16");

    // Sky: one brush stroke (16 px wide) along y = 100.
    await drag(page, img, nat, [[100, 100], [300, 100]]);
    // Road: digit 2, then a polygon fill closed with Enter (which does not submit).
    await page.keyboard.press("2");
    await expect(page.getByRole("radio", { name: "Road" })).toHaveAttribute("aria-checked", "true");
    await page.getByRole("button", { name: "Polygon fill" }).click();
    for (const [x, y] of [[400, 300], [600, 300], [600, 500], [400, 500]] as [number, number][]) await click(page, img, nat, x, y);
    await page.keyboard.press("Enter");
    await page.waitForTimeout(100);
    expect(await answers(page)).toEqual([]);
    // The eraser (E) takes a band out of the road; undo brings it back, redo takes it again.
    await page.keyboard.press("e");
    await expect(page.getByRole("button", { name: "Eraser" })).toHaveAttribute("aria-pressed", "true");
    await drag(page, img, nat, [[500, 320], [500, 360]]);
    await page.keyboard.press("Control+z");
    let v = await page.evaluate(() => (document.querySelector("crowd-semantic-segmentation") as Json).value);
    expect((await readPng(page, v.labeledImage.pngImageData, [[500, 340]])).at).toEqual(["#c2410c"]);
    await page.keyboard.press("Control+Shift+z");
    v = await page.evaluate(() => (document.querySelector("crowd-semantic-segmentation") as Json).value);
    expect((await readPng(page, v.labeledImage.pngImageData, [[500, 340]])).at).toEqual(["none"]);

    // From the keyboard: Sky (1), brush (B), a bigger brush (]), the cursor from the centre
    // (400.5, 300.5) up 100 px, then hold Space while moving 50 px right.
    await page.keyboard.press("1");
    await page.keyboard.press("b");
    await page.keyboard.press("]");
    await page.keyboard.press("]");
    await expect(page.getByRole("slider", { name: "Brush size" })).toHaveValue("18");
    for (let i = 0; i < 10; i++) await page.keyboard.press("Shift+ArrowUp");
    await page.keyboard.down(" ");
    for (let i = 0; i < 5; i++) await page.keyboard.press("Shift+ArrowRight");
    await page.keyboard.up(" ");

    await page.getByRole("button", { name: "Submit" }).click();
    const got = (await answer(page)).seg;
    expect(Object.keys(got).sort()).toEqual(["inputImageProperties", "labelMappings", "labeledImage"]);
    expect(got.inputImageProperties).toEqual({ height: 600, width: 800 });
    expect(got.labelMappings).toEqual({ Sky: { color: "#2563eb" }, Road: { color: "#c2410c" } });
    expect(Object.keys(got.labeledImage)).toEqual(["pngImageData"]);
    expect(got.labeledImage.pngImageData).toMatch(/^[A-Za-z0-9+/]+=*$/);
    const png = await readPng(page, got.labeledImage.pngImageData, [
      [200, 100], [200, 93], [100, 100], [200, 110], [50, 100], // the mouse stroke and outside it
      [450, 400], [401, 301], [598, 498], [399, 400], [601, 400], [500, 502], // the fill and its edges
      [500, 340], [500, 306], // the erased band and the road above it
      [420, 200], [450, 192], [395, 200], [420, 212], // the keyboard stroke (radius 9)
    ]);
    expect(png.width).toBe(800);
    expect(png.height).toBe(600);
    expect(png.at).toEqual([
      "#2563eb", "#2563eb", "#2563eb", "none", "none",
      "#c2410c", "#c2410c", "#c2410c", "none", "none", "none",
      "none", "#c2410c",
      "#2563eb", "#2563eb", "#2563eb", "none",
    ]);
    // Hard edges: only the two label colours and transparency, no blended pixels.
    expect(png.colors).toEqual(["#2563eb", "#c2410c", "none"]);
    // .value is the same answer.
    expect(await page.evaluate(() => (document.querySelector("crowd-semantic-segmentation") as Json).value)).toEqual(got);
    // The painted canvas is a part of the element's shadow root, the size of the image's natural pixels.
    expect(
      await page.evaluate(() => {
        const c = document.querySelector("crowd-semantic-segmentation")!.shadowRoot!.querySelector("[part~=label-map]") as HTMLCanvasElement;
        return [c.width, c.height];
      }),
    ).toEqual([800, 600]);
  });

  test("initial-value: the earlier label map is read back, initialValueModified tells whether it changed", async ({ page }) => {
    const nat = { w: 400, h: 200 };
    const src = await pngDataUrl(page, nat.w, nat.h);
    // The earlier job's map at half size: Cat on the left half, Dog in the top right corner, white background.
    const earlier = await page.evaluate(() => {
      const c = document.createElement("canvas");
      c.width = 200;
      c.height = 100;
      const g = c.getContext("2d")!;
      g.fillStyle = "#ffffff";
      g.fillRect(0, 0, 200, 100);
      g.fillStyle = "#ff7f0e";
      g.fillRect(0, 0, 100, 100);
      g.fillStyle = "#1f77b4";
      g.fillRect(150, 0, 50, 50);
      return c.toDataURL("image/png");
    });
    const initial = { labelMappings: { Cat: { color: "#ff7f0e" }, Dog: { color: "#1f77b4" } }, src: earlier };
    await mount(
      page,
      `<crowd-form><crowd-semantic-segmentation name="seg" src="${src}" labels="['Dog', 'Bird']" initial-value="${attr(initial)}"></crowd-semantic-segmentation></crowd-form>`,
    );
    await expect(page.locator("crowd-semantic-segmentation .lp-stagebox img")).toHaveJSProperty("naturalWidth", 400);
    // A label only the initial value names joins the list.
    await expect(page.getByRole("radio")).toHaveText(["1Dog", "2Bird", "3Cat"]);
    await fromParent(page, { type: "loupe:submit" });
    let got = (await answer(page)).seg;
    expect(got.initialValueModified).toBe(false);
    expect(got.labelMappings).toEqual({ Dog: { color: "#1f77b4" }, Bird: { color: "#2563eb" }, Cat: { color: "#ff7f0e" } });
    let png = await readPng(page, got.labeledImage.pngImageData, [[10, 10], [199, 199], [200, 10], [350, 50], [399, 99], [399, 100], [300, 150]]);
    expect([png.width, png.height]).toEqual([400, 200]);
    expect(png.at).toEqual(["#ff7f0e", "#ff7f0e", "none", "#1f77b4", "#1f77b4", "none", "none"]);

    // Bird over the white part: the answer is now modified.
    await page.keyboard.press("2");
    await drag(page, "crowd-semantic-segmentation .lp-stagebox img", nat, [[300, 150], [320, 150]]);
    await fromParent(page, { type: "loupe:submit" });
    got = (await answer(page, 2)).seg;
    expect(got.initialValueModified).toBe(true);
    png = await readPng(page, got.labeledImage.pngImageData, [[310, 150], [10, 10]]);
    expect(png.at).toEqual(["#2563eb", "#ff7f0e"]);
  });

  test("refuses to submit while the image loads, and when required and nothing is painted", async ({ page }) => {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const bytes = Buffer.from((await pngDataUrl(page, 120, 80)).split(",")[1], "base64");
    await page.route("https://images.example/slow.png", async (route) => {
      await held;
      await route.fulfill({ status: 200, contentType: "image/png", body: bytes });
    });
    await mount(
      page,
      `<crowd-form>
         <crowd-semantic-segmentation name="late" src="https://images.example/slow.png" labels="['A']" required></crowd-semantic-segmentation>
       </crowd-form>`,
    );
    await fromParent(page, { type: "loupe:submit" });
    expect(await lastInvalid(page)).toBe("The image is still loading; try again in a moment.");
    release();
    await expect(page.locator("crowd-semantic-segmentation .lp-stagebox img")).toHaveJSProperty("naturalWidth", 120);
    await fromParent(page, { type: "loupe:submit" });
    expect(await lastInvalid(page, 2)).toBe("Paint at least one region before submitting.");
    await expect(page.getByText("Paint at least one region before submitting.")).toBeVisible();
    // Space paints one dab at the cursor (the centre), which satisfies `required`.
    await page.getByRole("application").focus();
    await page.keyboard.press(" ");
    await fromParent(page, { type: "loupe:submit" });
    const got = (await answer(page)).late;
    expect(got.inputImageProperties).toEqual({ height: 80, width: 120 });
    expect((await readPng(page, got.labeledImage.pngImageData, [[60, 40], [0, 0]])).at).toEqual(["#2563eb", "none"]);
  });

  test("refuses to submit when the image failed to load", async ({ page }) => {
    await mount(page, `<crowd-form><crowd-semantic-segmentation name="broken" src="data:image/png;base64,AAAA" labels="['A']"></crowd-semantic-segmentation></crowd-form>`);
    await expect(page.getByText("The image could not be loaded.")).toBeVisible();
    await fromParent(page, { type: "loupe:submit" });
    expect(await lastInvalid(page)).toBe("The image could not be loaded, so this task cannot be answered.");
  });
});

// ------------------------------------------------------------------------------------------------
test.describe("crowd-instance-segmentation", () => {
  test("each instance its own colour, never reused; new instance, remove, undo; disabled elements are left out", async ({ page }) => {
    const nat = { w: 600, h: 400 };
    const src = await pngDataUrl(page, nat.w, nat.h);
    await mount(
      page,
      `<crowd-form>
         <crowd-instance-segmentation name="cars" src="${src}" header="Paint each vehicle and person" labels="['Car', 'Person']"></crowd-instance-segmentation>
       </crowd-form>`,
      `<style>crowd-instance-segmentation .lp-stagebox img{width:600px}</style>`,
    );
    const img = "crowd-instance-segmentation .lp-stagebox img";
    await expect(page.locator(img)).toHaveJSProperty("naturalWidth", 600);
    const rows = page.getByRole("list", { name: "Instances" }).getByRole("listitem");

    // Car 1 with the mouse; Car 2 after "New instance"; Person 1 after choosing Person.
    await drag(page, img, nat, [[50, 50], [150, 50]]);
    await expect(rows).toHaveText(["Car 1×"]);
    await page.getByRole("button", { name: "New instance" }).click();
    await expect(rows).toHaveText(["Car 1×", "Car 2 (nothing painted)×"]);
    await drag(page, img, nat, [[50, 200], [150, 200]]);
    await page.getByRole("radio", { name: "Person" }).click();
    await drag(page, img, nat, [[400, 300], [450, 300]]);
    // From the keyboard: N starts Person 2, which stays empty and is not answered.
    await page.keyboard.press("n");
    await expect(rows).toHaveText(["Car 1×", "Car 2×", "Person 1×", "Person 2 (nothing painted)×"]);

    await page.getByRole("button", { name: "Submit" }).click();
    let got = (await answer(page)).cars;
    expect(Object.keys(got).sort()).toEqual(["inputImageProperties", "instances", "labeledImage"]);
    expect(got.inputImageProperties).toEqual({ height: 400, width: 600 });
    expect(got.instances).toEqual([
      { color: "#2563eb", label: "Car" },
      { color: "#c2410c", label: "Car" },
      { color: "#15803d", label: "Person" },
    ]);
    let png = await readPng(page, got.labeledImage.pngImageData, [[100, 50], [100, 200], [425, 300], [300, 100]]);
    expect(png.at).toEqual(["#2563eb", "#c2410c", "#15803d", "none"]);
    expect(png.colors).toEqual(["#15803d", "#2563eb", "#c2410c", "none"]);

    // Choosing Car continues Car 2 (its latest instance); painting over Car 1 takes those pixels.
    await page.getByRole("radio", { name: "Car" }).click();
    await expect(rows.nth(1).getByRole("button", { name: /^Car 2/ })).toHaveAttribute("aria-pressed", "true");
    await drag(page, img, nat, [[60, 50], [60, 120]]);
    // Remove Car 1 from the list, then undo (Ctrl+Z on the image) and remove it again with Delete.
    await page.getByRole("button", { name: "Remove Car 1" }).click();
    await expect(rows).toHaveText(["Car 2×", "Person 1×", "Person 2 (nothing painted)×"]);
    await page.getByRole("application").focus();
    await page.keyboard.press("Control+z");
    await expect(rows).toHaveText(["Car 1×", "Car 2×", "Person 1×", "Person 2 (nothing painted)×"]);
    await rows.nth(0).getByRole("button", { name: /^Car 1/ }).click();
    await page.keyboard.press("Delete");
    await expect(rows).toHaveText(["Car 2×", "Person 1×", "Person 2 (nothing painted)×"]);
    await fromParent(page, { type: "loupe:submit" });
    got = (await answer(page, 2)).cars;
    expect(got.instances).toEqual([
      { color: "#c2410c", label: "Car" },
      { color: "#15803d", label: "Person" },
    ]);
    png = await readPng(page, got.labeledImage.pngImageData, [[100, 50], [60, 50], [60, 100], [100, 200]]);
    expect(png.at).toEqual(["none", "#c2410c", "#c2410c", "#c2410c"]);

    // Colours are never handed out twice: an instance undone takes its colour with it.
    await drag(page, img, nat, [[300, 50], [350, 50]]); // Car 3, started by painting
    await page.keyboard.press("Control+z");
    await expect(rows).toHaveText(["Car 2×", "Person 1×", "Person 2 (nothing painted)×"]);
    await drag(page, img, nat, [[300, 80], [350, 80]]);
    await fromParent(page, { type: "loupe:submit" });
    got = (await answer(page, 3)).cars;
    expect(got.instances).toEqual([
      { color: "#c2410c", label: "Car" },
      { color: "#15803d", label: "Person" },
      { color: "#0e7490", label: "Car" },
    ]);
    expect((await readPng(page, got.labeledImage.pngImageData, [[325, 80], [325, 50]])).at).toEqual(["#0e7490", "none"]);

    // A disabled element does not draw and is left out of the answer, like a disabled field.
    await page.evaluate(() => { (document.querySelector("crowd-instance-segmentation") as Json).disabled = true; });
    await expect(page.getByRole("button", { name: "New instance" })).toBeDisabled();
    const before = await page.evaluate(() => (document.querySelector("crowd-instance-segmentation") as Json).value.labeledImage.pngImageData);
    await drag(page, img, nat, [[300, 50], [350, 50]]);
    expect(await page.evaluate(() => (document.querySelector("crowd-instance-segmentation") as Json).value.labeledImage.pngImageData)).toBe(before);
    await fromParent(page, { type: "loupe:submit" });
    expect(await answer(page, 4)).toEqual({});
  });
});

// ------------------------------------------------------------------------------------------------
test.describe("crowd-line and crowd-polyline", () => {
  test("crowd-line: click-click, drag and keyboard lines, label-colors, select and delete, undo, initial-value", async ({ page }) => {
    const nat = { w: 600, h: 400 };
    const src = await pngDataUrl(page, nat.w, nat.h);
    const initial = { lines: [{ label: "Curb", vertices: [{ x: 10, y: 390 }, { x: 590, y: 390 }] }] };
    await mount(
      page,
      `<crowd-form><crowd-line name="lanes" src="${src}" header="Trace the lanes" labels="['Lane', 'Curb']"
         label-colors="['#ff0000', '#00aa00']" initial-value="${attr(initial)}"></crowd-line></crowd-form>`,
      `<style>crowd-line .lp-stagebox img{width:600px}</style>`,
    );
    const img = "crowd-line .lp-stagebox img";
    await expect(page.locator(img)).toHaveJSProperty("naturalWidth", 600);
    const items = page.locator("crowd-line .lp-shapes li");
    await expect(items).toHaveText(["Curb \u2014 (10, 390) to (590, 390)×"]);
    await expect(page.getByRole("radio", { name: "Curb" }).locator(".lp-swatch")).toHaveCSS("background-color", "rgb(0, 170, 0)");
    await fromParent(page, { type: "loupe:submit" });
    expect((await answer(page)).lanes).toEqual({ ...initial, initialValueModified: false, inputImageProperties: { height: 400, width: 600 } });

    // Lane by two clicks, then by one drag; each is drawn in its label colour.
    await click(page, img, nat, 100, 50);
    await click(page, img, nat, 200, 150);
    await drag(page, img, nat, [[300, 50], [400, 150]]);
    await expect(items).toHaveCount(3);
    await expect(page.locator("crowd-line polyline.lp-shape").nth(1)).toHaveAttribute("stroke", "#ff0000");
    // From the keyboard: the cursor starts at the centre (300, 200); Space places each end.
    await page.getByRole("radio", { name: "Curb" }).click();
    await page.getByRole("application").focus();
    for (let i = 0; i < 5; i++) await page.keyboard.press("Shift+ArrowLeft");
    await page.keyboard.press(" ");
    for (let i = 0; i < 3; i++) await page.keyboard.press("Shift+ArrowDown");
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press(" ");
    await expect(items).toHaveCount(4);
    await expect(items.nth(3)).toHaveText("Curb \u2014 (250, 200) to (251, 230)×");

    // Select the first drawn lane by clicking on it and delete it; Ctrl+Z brings it back.
    await click(page, img, nat, 150, 100);
    await page.keyboard.press("Delete");
    await expect(items).toHaveCount(3);
    await page.keyboard.press("Control+z");
    await expect(items).toHaveCount(4);
    // Escape abandons a line with one end placed.
    await click(page, img, nat, 500, 300);
    await page.keyboard.press("Escape");
    expect(await messages(page, "loupe:key")).toEqual([]);
    // (Enter would submit, but within a second of the last answer the frame holds it back.)
    await fromParent(page, { type: "loupe:submit" });
    expect((await answer(page, 2)).lanes).toEqual({
      initialValueModified: true,
      inputImageProperties: { height: 400, width: 600 },
      lines: [
        initial.lines[0],
        { label: "Lane", vertices: [{ x: 100, y: 50 }, { x: 200, y: 150 }] },
        { label: "Lane", vertices: [{ x: 300, y: 50 }, { x: 400, y: 150 }] },
        { label: "Curb", vertices: [{ x: 250, y: 200 }, { x: 251, y: 230 }] },
      ],
    });
  });

  test("crowd-polyline: Enter and double-click finish, Backspace and Escape, keyboard drawing, relabel, refused while drawing", async ({ page }) => {
    const nat = { w: 1000, h: 500 };
    const src = await pngDataUrl(page, nat.w, nat.h);
    await mount(
      page,
      `<crowd-form><crowd-polyline name="paths" src="${src}" header="Trace the paths" labels="['Path', 'Edge']" required>
         <short-instructions>Press Enter to finish a polyline.</short-instructions></crowd-polyline></crowd-form>`,
      `<style>crowd-polyline .lp-stagebox img{width:500px}</style>`,
    );
    const img = "crowd-polyline .lp-stagebox img";
    await expect(page.locator(img)).toHaveJSProperty("naturalWidth", 1000);
    const items = page.locator("crowd-polyline .lp-shapes li");
    await page.keyboard.press("Enter");
    expect(await lastInvalid(page)).toBe("Draw at least one polyline.");

    // Path 1: four clicks, Backspace drops the last one, Enter finishes (and does not submit).
    const path1: [number, number][] = [[100, 100], [300, 140], [500, 100]];
    for (const [x, y] of path1) await click(page, img, nat, x, y);
    await click(page, img, nat, 700, 300);
    // Submitting while a polyline is being drawn is refused.
    await fromParent(page, { type: "loupe:submit" });
    expect(await lastInvalid(page, 2)).toBe("Finish the polyline you are drawing (Enter) or cancel it (Escape) before submitting.");
    await page.getByRole("application").focus();
    await page.keyboard.press("Backspace");
    await page.keyboard.press("Enter");
    await expect(items).toHaveText(["Path \u2014 3 points×"]);
    expect(await answers(page)).toEqual([]);
    // Path 2 finished with a double-click on its last point.
    await click(page, img, nat, 100, 400);
    const end = await at(page, img, 300, 420, nat);
    await page.mouse.dblclick(end.x, end.y);
    await expect(items).toHaveCount(2);
    // A polyline abandoned with Escape leaves nothing.
    await click(page, img, nat, 800, 50);
    await click(page, img, nat, 900, 50);
    await page.keyboard.press("Escape");
    await expect(items).toHaveCount(2);
    // Edge from the keyboard: centre (500, 250), Space, 30 left, Space, 20 up, Space, Enter.
    await page.keyboard.press("2");
    await page.keyboard.press("ArrowLeft"); // shows the cursor one pixel left of the centre
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press(" ");
    for (let i = 0; i < 3; i++) await page.keyboard.press("Shift+ArrowLeft");
    await page.keyboard.press(" ");
    for (let i = 0; i < 2; i++) await page.keyboard.press("Shift+ArrowUp");
    await page.keyboard.press(" ");
    await page.keyboard.press("Enter");
    await expect(items).toHaveCount(3);
    // Relabel path 2 through the list and the label picker.
    await items.nth(1).getByRole("button", { name: /^Path/ }).click();
    await page.getByRole("radio", { name: "Edge" }).click();
    await page.getByRole("application").focus();
    await page.keyboard.press("Enter");
    expect((await answer(page)).paths).toEqual({
      inputImageProperties: { height: 500, width: 1000 },
      polylines: [
        { label: "Path", vertices: path1.map(([x, y]) => ({ x, y })) },
        { label: "Edge", vertices: [{ x: 100, y: 400 }, { x: 300, y: 420 }] },
        { label: "Edge", vertices: [{ x: 500, y: 250 }, { x: 470, y: 250 }, { x: 470, y: 230 }] },
      ],
    });
  });
});
