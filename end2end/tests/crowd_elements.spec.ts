// Loupe's crowd elements bundle, element by element, outside Loupe's pages: each test loads a
// page with setContent, adds the bundle (as the server serves it, joined from its per-family
// sources), and (the page being its own parent here) reads the messages the bundle posts to the
// parent frame.
import { expect, test, type Page } from "@playwright/test";

let BUNDLE = "";
test.beforeAll(async ({ request }) => {
  const response = await request.get("/crowd/crowd-html-elements.js");
  expect(response.ok()).toBe(true);
  BUNDLE = await response.text();
});

type Msg = { type: string; [k: string]: unknown };
type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

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

/** The usual way: page content first, then the bundle through addScriptTag. */
async function mount(page: Page, body: string, head = ""): Promise<void> {
  await page.setContent(`<!doctype html><html><head><meta charset="utf-8">${head}</head><body>${body}</body></html>`);
  await page.evaluate(LISTEN);
  await page.addScriptTag({ content: BUNDLE });
  await expect.poll(() => messages(page, "loupe:ready")).toHaveLength(1);
}

/** The way Loupe serves templates: the bundle as a classic script at the top of the body, before the elements are parsed. */
async function mountInline(page: Page, body: string): Promise<void> {
  const code = BUNDLE;
  await page.setContent(
    `<!doctype html><html><head><meta charset="utf-8"><script>${LISTEN}</script></head><body><script>${code}</script>${body}</body></html>`,
  );
  await expect.poll(() => messages(page, "loupe:ready")).toHaveLength(1);
}

async function messages(page: Page, type: string): Promise<Msg[]> {
  return page.evaluate((t) => ((window as Json).__msgs as Msg[]).filter((m) => m && m.type === t), type);
}
async function answers(page: Page): Promise<Json[]> {
  return (await messages(page, "loupe:answer")).map((m) => m.answer);
}
async function answer(page: Page): Promise<Json> {
  await expect.poll(async () => (await answers(page)).length, { message: "an answer was posted" }).toBeGreaterThan(0);
  const all = await answers(page);
  return all[all.length - 1];
}
async function lastInvalid(page: Page): Promise<string> {
  await expect.poll(async () => (await messages(page, "loupe:invalid")).length).toBeGreaterThan(0);
  const all = await messages(page, "loupe:invalid");
  return String(all[all.length - 1].message);
}
/** Acts like the parent frame sending a message. */
async function fromParent(page: Page, msg: Json): Promise<void> {
  await page.evaluate((m) => window.postMessage(m, "*"), msg);
}
async function pngDataUrl(page: Page, width: number, height: number, color = "#2563eb"): Promise<string> {
  return page.evaluate(
    ([w, h, c]) => {
      const canvas = document.createElement("canvas");
      canvas.width = w as number;
      canvas.height = h as number;
      const g = canvas.getContext("2d")!;
      g.fillStyle = "#e5e7eb";
      g.fillRect(0, 0, w as number, h as number);
      g.fillStyle = c as string;
      g.fillRect((w as number) / 4, (h as number) / 4, (w as number) / 2, (h as number) / 2);
      return canvas.toDataURL("image/png");
    },
    [width, height, color],
  );
}
const attr = (v: unknown) => JSON.stringify(v).replace(/&/g, "&amp;").replace(/"/g, "&quot;");

/** The screen point (fractional CSS pixels) of an image's natural pixel (x, y). */
async function imagePoint(page: Page, imgSelector: string, x: number, y: number, natural: { w: number; h: number }) {
  const box = (await page.locator(imgSelector).boundingBox())!;
  return { sx: box.x + (x * box.width) / natural.w, sy: box.y + (y * box.height) / natural.h, nx: x, ny: y };
}

// ------------------------------------------------------------------------------------------------
test.describe("crowd-form and crowd-classifier", () => {
  test("classifier: regions, full instructions, validation, click and digit choice, exact answer", async ({ page }) => {
    await mount(
      page,
      `<crowd-form>
        <crowd-classifier name="sentiment" categories='["Positive", "Negative", "Neutral", "Mixed"]' header="What sentiment does this text convey?">
          <classification-target>I waited an hour for cold soup.</classification-target>
          <full-instructions header="Sentiment Analysis Instructions"><p>Read the whole review first.</p></full-instructions>
          <short-instructions>Choose the primary sentiment.</short-instructions>
        </crowd-classifier>
      </crowd-form>`,
    );
    await expect(page.getByRole("heading", { name: "What sentiment does this text convey?" })).toBeVisible();
    await expect(page.getByText("I waited an hour for cold soup.")).toBeVisible();
    await expect(page.getByText("Choose the primary sentiment.")).toBeVisible();
    await expect(page.getByText("Read the whole review first.")).toBeHidden();
    // Full instructions open in a modal; Escape closes it and is not forwarded to the parent.
    await page.getByRole("button", { name: "View full instructions" }).click();
    const dialog = page.getByRole("dialog", { name: "Sentiment Analysis Instructions" });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByText("Read the whole review first.")).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(dialog).toBeHidden();
    expect(await messages(page, "loupe:key")).toEqual([]);

    // A Submit button is appended; submitting with no choice is refused with a message.
    const radios = page.getByRole("radio");
    await expect(radios).toHaveCount(4);
    await page.getByRole("button", { name: "Submit" }).click();
    expect(await lastInvalid(page)).toBe("Choose a category.");
    await expect(page.locator("crowd-classifier .lp-err")).toHaveText("Choose a category.");
    expect(await answers(page)).toEqual([]);

    // Digit hints are shown, a click picks, a digit key changes the pick.
    await expect(page.locator("crowd-classifier .lp-key").first()).toBeVisible();
    await page.getByRole("radio", { name: "Neutral" }).click();
    await expect(page.getByRole("radio", { name: "Neutral" })).toHaveAttribute("aria-checked", "true");
    await page.locator("body").click({ position: { x: 5, y: 5 } });
    await page.keyboard.press("2");
    await expect(page.getByRole("radio", { name: "Negative" })).toHaveAttribute("aria-checked", "true");
    await expect(page.getByRole("radio", { name: "Neutral" })).toHaveAttribute("aria-checked", "false");
    await page.getByRole("button", { name: "Submit" }).click();
    expect(await answer(page)).toEqual({ sentiment: { label: "Negative" } });
  });

  test("classifier: initial-value, arrow keys, Enter submits", async ({ page }) => {
    await mount(
      page,
      `<crowd-form><crowd-classifier name="sentiment" categories="['Positive','Negative','Neutral']" initial-value="Neutral" header="Sentiment">
        <classification-target>ok</classification-target></crowd-classifier></crowd-form>`,
    );
    const neutral = page.getByRole("radio", { name: "Neutral" });
    await expect(neutral).toHaveAttribute("aria-checked", "true");
    await neutral.focus();
    await page.keyboard.press("ArrowLeft");
    await expect(page.getByRole("radio", { name: "Negative" })).toBeFocused();
    await page.keyboard.press("Enter");
    expect(await answer(page)).toEqual({ sentiment: { label: "Negative" } });
  });

  test("classifier-multi-select: several labels, the exclusion category clears them and gives []", async ({ page }) => {
    await mount(
      page,
      `<crowd-form><crowd-classifier-multi-select name="category" categories='["World", "Sports", "Business", "Sci/Tech"]'
          header="Which topics apply?" exclusion-category="{ text: 'None of the above' }">
        <classification-target>Stocks rallied after the match.</classification-target>
      </crowd-classifier-multi-select></crowd-form>`,
    );
    await page.getByRole("button", { name: "Submit" }).click();
    expect(await lastInvalid(page)).toContain("None of the above");
    await page.getByRole("button", { name: "Business" }).click();
    await page.getByRole("button", { name: "Sports" }).click();
    await expect(page.getByRole("button", { name: "Sports" })).toHaveAttribute("aria-pressed", "true");
    await page.getByRole("button", { name: "Submit" }).click();
    expect(await answer(page)).toEqual({ category: { labels: ["Sports", "Business"] } });

    await page.getByRole("button", { name: "None of the above" }).click();
    await expect(page.getByRole("button", { name: "Sports" })).toHaveAttribute("aria-pressed", "false");
    await fromParent(page, { type: "loupe:submit" });
    await expect.poll(async () => (await answers(page)).length).toBe(2);
    expect(await answer(page)).toEqual({ category: { labels: [] } });

    // Digit 1 toggles the first category back on (and turns the exclusion off).
    await page.locator("body").click({ position: { x: 5, y: 5 } });
    await page.keyboard.press("1");
    await fromParent(page, { type: "loupe:submit" });
    await expect.poll(async () => (await answers(page)).length).toBe(3);
    expect(await answer(page)).toEqual({ category: { labels: ["World"] } });
  });
});

// ------------------------------------------------------------------------------------------------
test.describe("form fields", () => {
  test("crowd-input and crowd-text-area: required, constraints, allowed-pattern, empty ones omitted", async ({ page }) => {
    await mount(
      page,
      `<crowd-form>
        <crowd-input name="title" label="Title" required></crowd-input>
        <crowd-input name="zip" label="ZIP code" allowed-pattern="[0-9]" max-length="5"></crowd-input>
        <crowd-input name="email" label="Email" type="email" error-message="Enter a real email address."></crowd-input>
        <crowd-input name="nickname" label="Nickname" value="Sam"></crowd-input>
        <crowd-input name="unused" label="Leave me empty"></crowd-input>
        <crowd-text-area name="notes" label="Notes" rows="3" char-counter max-length="200"></crowd-text-area>
      </crowd-form>`,
    );
    await page.getByRole("button", { name: "Submit" }).click();
    expect(await lastInvalid(page)).toBe("This field is required.");
    await expect(page.getByLabel("Title")).toBeFocused();
    await expect(page.locator("crowd-input[name=title] .lp-err")).toHaveText("This field is required.");

    await page.getByLabel("Title").fill("Cold soup");
    await page.getByLabel("ZIP code").pressSequentially("12a3-456");
    await expect(page.getByLabel("ZIP code")).toHaveValue("12345");
    await page.getByLabel("Email").fill("not-an-email");
    await page.getByRole("button", { name: "Submit" }).click();
    expect(await lastInvalid(page)).toBe("Enter a real email address.");
    await expect(page.getByLabel("Email")).toBeFocused();
    await page.getByLabel("Email").fill("sam@example.com");
    await page.getByLabel("Notes").fill("line one\nline two");
    await expect(page.locator("crowd-text-area .lp-counter")).toHaveText("17 / 200");
    await page.getByRole("button", { name: "Submit" }).click();
    expect(await answer(page)).toEqual({
      title: "Cold soup",
      zip: "12345",
      email: "sam@example.com",
      nickname: "Sam",
      notes: "line one\nline two",
    });
  });

  test("Enter in a crowd-input submits, Enter in a crowd-text-area does not", async ({ page }) => {
    await mount(page, `<crowd-form><crowd-text-area name="a" label="A"></crowd-text-area><crowd-input name="b" label="B"></crowd-input></crowd-form>`);
    await page.getByLabel("A").fill("x");
    await page.getByLabel("A").press("Enter");
    await page.waitForTimeout(100);
    expect(await answers(page)).toEqual([]);
    await page.getByLabel("B").fill("y");
    await page.getByLabel("B").press("Enter");
    expect(await answer(page)).toEqual({ a: "x\n", b: "y" });
  });

  test("checkboxes, radio groups, toggles, sliders and plain native controls", async ({ page }) => {
    await mount(
      page,
      `<crowd-form>
        <crowd-checkbox name="flags" value="spam">Spam</crowd-checkbox>
        <crowd-checkbox name="flags" value="offensive" checked>Offensive</crowd-checkbox>
        <crowd-checkbox name="agree" required>I read the guidelines</crowd-checkbox>
        <crowd-radio-group>
          <crowd-radio-button name="tech" value="tech">Technology</crowd-radio-button>
          <crowd-radio-button name="politics" value="politics">Politics</crowd-radio-button>
        </crowd-radio-group>
        <crowd-toggle-button name="urgent"></crowd-toggle-button>
        <crowd-toggle-button name="mode" value="strict" checked>Strict mode</crowd-toggle-button>
        <crowd-slider name="meaning" min="1" max="5" required pin></crowd-slider>
        <crowd-slider name="opacity" value="50"></crowd-slider>
        <select name="animal" aria-label="Animal"><option value="">--</option><option value="cat">Cat</option><option value="dog">Dog</option></select>
        <label><input type="checkbox" name="native" value="yes"> native box</label>
        <label><input type="radio" name="size" value="s"> small</label>
        <label><input type="radio" name="size" value="l"> large</label>
        <input type="text" name="free" aria-label="Free text">
      </crowd-form>`,
    );
    await page.getByRole("button", { name: "Submit" }).click();
    expect(await lastInvalid(page)).toBe("Check this box to continue.");
    await page.getByLabel("I read the guidelines").check();
    await page.getByRole("button", { name: "Submit" }).click();
    expect(await lastInvalid(page)).toBe("Move the slider to choose a value.");

    await page.getByLabel("Spam").check();
    await page.getByLabel("Offensive").uncheck();
    await page.getByLabel("Politics").check();
    await page.getByLabel("Technology").check();
    await expect(page.getByLabel("Politics")).not.toBeChecked();
    await page.getByRole("switch", { name: "urgent" }).click();
    await page.getByText("Strict mode").click();
    await expect(page.getByRole("switch", { name: "Strict mode" })).toHaveAttribute("aria-checked", "false");
    const meaning = page.getByRole("slider", { name: "meaning" });
    await meaning.focus();
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowRight");
    await expect(page.locator("crowd-slider[name=meaning] .lp-pin")).toHaveText("4");
    await page.getByLabel("Animal").selectOption("dog");
    await page.getByLabel("native box").check();
    await page.getByLabel("large").check();
    await page.getByRole("button", { name: "Submit" }).click();
    expect(await answer(page)).toEqual({
      flags: { spam: true, offensive: false },
      agree: { on: true },
      tech: { tech: true },
      politics: { politics: false },
      urgent: { on: true },
      mode: { strict: false },
      meaning: 4,
      opacity: 50,
      animal: "dog",
      native: { yes: true },
      size: { s: false, l: true },
    });
  });

  test("a required native select blocks submission with a message next to it", async ({ page }) => {
    await mount(page, `<crowd-form><select name="animal" aria-label="Animal" required><option disabled selected value> -- </option><option value="cat">Cat</option></select></crowd-form>`);
    await page.getByRole("button", { name: "Submit" }).click();
    await lastInvalid(page);
    await expect(page.getByLabel("Animal")).toBeFocused();
    await expect(page.locator("crowd-form .lp-err")).not.toBeEmpty();
    await page.getByLabel("Animal").selectOption("cat");
    await page.getByRole("button", { name: "Submit" }).click();
    expect(await answer(page)).toEqual({ animal: "cat" });
  });
});

// ------------------------------------------------------------------------------------------------
test.describe("submission contract", () => {
  test("crowd-button form-action=submit submits; no extra Submit button; template validation can cancel", async ({ page }) => {
    await mountInline(
      page,
      `<crowd-form>
        <crowd-input name="answer" label="Answer"></crowd-input>
        <div id="errorBox"></div>
        <crowd-button form-action="submit">Send it</crowd-button>
      </crowd-form>
      <script>
        window.__submits = 0;
        document.querySelector('crowd-form').onsubmit = function (e) {
          window.__submits++;
          if (document.querySelector('crowd-input').value !== 'yes') {
            e.preventDefault();
            errorBox.innerHTML = '<crowd-alert type="error" dismissible>Type yes.</crowd-alert>';
          }
        };
      </script>`,
    );
    await expect(page.getByRole("button", { name: "Submit" })).toHaveCount(0);
    await page.getByLabel("Answer").fill("no");
    await page.getByRole("button", { name: "Send it" }).click();
    // The alert created by the template after load is upgraded too.
    await expect(page.getByRole("alert").filter({ hasText: "Type yes." })).toBeVisible();
    expect(await page.evaluate(() => (window as Json).__submits)).toBe(1);
    expect(await answers(page)).toEqual([]);
    await page.getByRole("button", { name: "Dismiss" }).click();
    await expect(page.getByText("Type yes.")).toBeHidden();
    await page.getByLabel("Answer").fill("yes");
    await page.getByRole("button", { name: "Send it" }).click();
    expect(await answer(page)).toEqual({ answer: "yes" });
  });

  test("a submit listener that calls preventDefault stops the answer; form.submit() sends it without re-validating", async ({ page }) => {
    await mount(
      page,
      `<crowd-form><crowd-classifier name="c" categories='["a","b"]' header="h"></crowd-classifier></crowd-form>`,
    );
    await page.evaluate(() => {
      const form = document.querySelector("crowd-form") as HTMLElement & { submit(): void };
      form.addEventListener("submit", (e) => {
        e.preventDefault();
        // The pattern of templates that check asynchronously and then submit themselves.
        if ((window as Json).__allow) form.submit();
      });
    });
    await page.getByRole("radio", { name: "b" }).click();
    await page.getByRole("button", { name: "Submit" }).click();
    expect(await lastInvalid(page)).toContain("stopped the submission");
    expect(await answers(page)).toEqual([]);
    await page.evaluate(() => ((window as Json).__allow = true));
    await page.getByRole("button", { name: "Submit" }).click();
    expect(await answer(page)).toEqual({ c: { label: "b" } });
    expect(await messages(page, "loupe:invalid")).toHaveLength(1);
    expect(await answers(page)).toHaveLength(1);
  });

  test("parent messages: pick, submit, keys, height, and expiry", async ({ page }) => {
    await mount(
      page,
      `<crowd-form><crowd-classifier name="c" categories='["cat","dog","bird"]' header="Animal"></crowd-classifier>
       <crowd-input name="note" label="Note"></crowd-input></crowd-form>`,
    );
    const ready = (await messages(page, "loupe:ready"))[0];
    expect(typeof ready.height).toBe("number");
    expect(ready.height as number).toBeGreaterThan(50);

    // Keys forwarded to the parent when focus is not in a text field.
    await page.locator("body").click({ position: { x: 5, y: 5 } });
    await page.keyboard.press("?");
    await page.keyboard.press("Escape");
    await expect.poll(() => messages(page, "loupe:key")).toEqual([
      { type: "loupe:key", key: "?" },
      { type: "loupe:key", key: "Escape" },
    ]);
    await page.getByLabel("Note").click();
    await page.keyboard.type("? 3");
    await expect(page.getByLabel("Note")).toHaveValue("? 3");
    expect(await messages(page, "loupe:key")).toHaveLength(2);
    await expect(page.getByRole("radio", { name: "bird" })).toHaveAttribute("aria-checked", "false");

    // loupe:pick is digit index+1; loupe:submit is the Submit button.
    await fromParent(page, { type: "loupe:pick", index: 2 });
    await expect(page.getByRole("radio", { name: "bird" })).toHaveAttribute("aria-checked", "true");
    await fromParent(page, { type: "loupe:submit" });
    expect(await answer(page)).toEqual({ c: { label: "bird" }, note: "? 3" });

    // Height changes are reported.
    const before = (await messages(page, "loupe:height")).length;
    await page.evaluate(() => {
      const d = document.createElement("div");
      d.style.height = "700px";
      document.querySelector("crowd-form")!.appendChild(d);
    });
    await expect.poll(async () => (await messages(page, "loupe:height")).length).toBeGreaterThan(before);
    const heights = await messages(page, "loupe:height");
    expect(heights[heights.length - 1].height as number).toBeGreaterThan((ready.height as number) + 600);

    // Expiry: banner, everything disabled, nothing posted afterwards.
    await fromParent(page, { type: "loupe:expired" });
    await expect(page.getByRole("alert").filter({ hasText: "Time is up." })).toBeVisible();
    await expect(page.getByRole("radio", { name: "cat" })).toBeDisabled();
    await expect(page.getByLabel("Note")).toBeDisabled();
    await expect(page.getByRole("button", { name: "Submit" })).toBeDisabled();
    await fromParent(page, { type: "loupe:pick", index: 0 });
    await fromParent(page, { type: "loupe:submit" });
    await page.waitForTimeout(200);
    expect(await answers(page)).toHaveLength(1);
    await expect(page.getByRole("radio", { name: "cat" })).toHaveAttribute("aria-checked", "false");
  });

  test("messages from other windows are ignored", async ({ page }) => {
    await mount(page, `<crowd-form><crowd-classifier name="c" categories='["a"]' header="h"></crowd-classifier></crowd-form>`);
    await page.evaluate(() => {
      const f = document.createElement("iframe");
      document.body.appendChild(f);
      // A message whose source is a child frame, not the parent.
      window.dispatchEvent(new MessageEvent("message", { data: { type: "loupe:pick", index: 0 }, source: f.contentWindow }));
    });
    await expect(page.getByRole("radio", { name: "a" })).toHaveAttribute("aria-checked", "false");
  });
  test("inside a sandboxed iframe under Loupe's CSP, the frame talks to its parent", async ({ page }) => {
    const consoleErrors: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(m.text());
    });
    const code = BUNDLE;
    const csp =
      "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
      "media-src 'self' blob:; font-src 'self' data:; connect-src 'none'; form-action 'none'";
    const src = await pngDataUrl(page, 200, 100);
    const doc = `<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="${csp}">
      <script>document.addEventListener('securitypolicyviolation', function (e) { parent.postMessage({ type: 'csp', directive: e.violatedDirective }, '*'); });</script>
      </head><body><script>${code}</script>
      <crowd-form><crowd-image-classifier name="animal" src="${src}" categories="['Cat','Dog']" header="Which animal?">
        <full-instructions header="Guide">Look at the ears.</full-instructions>
      </crowd-image-classifier></crowd-form></body></html>`;
    await page.setContent(`<!doctype html><html><body><iframe id="task" sandbox="allow-scripts" style="width:900px;height:400px;border:0"></iframe>
      <script>
        window.__msgs = [];
        window.addEventListener('message', function (e) {
          if (e.source === document.getElementById('task').contentWindow) window.__msgs.push(e.data);
        });
      </script></body></html>`);
    await page.evaluate((d) => document.getElementById("task")!.setAttribute("srcdoc", d), doc);
    await expect.poll(() => messages(page, "loupe:ready")).toHaveLength(1);
    const frame = page.frameLocator("#task");
    await frame.getByRole("button", { name: "View full instructions" }).click();
    await expect(frame.getByRole("dialog", { name: "Guide" })).toBeVisible();
    await frame.getByRole("button", { name: "Close" }).click();
    await frame.getByRole("radio", { name: "Dog" }).click();
    await frame.getByRole("button", { name: "Submit" }).click();
    expect(await answer(page)).toEqual({ animal: { label: "Dog" } });
    await expect.poll(async () => (await messages(page, "loupe:height")).length).toBeGreaterThan(0);
    // The parent tells the frame its time is up.
    await page.evaluate(() => (document.getElementById("task") as HTMLIFrameElement).contentWindow!.postMessage({ type: "loupe:expired" }, "*"));
    await expect(frame.getByText("Time is up.")).toBeVisible();
    await expect(frame.getByRole("button", { name: "Submit" })).toBeDisabled();
    expect(await messages(page, "csp")).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});

// ------------------------------------------------------------------------------------------------
test.describe("layout elements", () => {
  test("button, alert, badge, card, tabs, modal, instructions, toast, icon button and fab render and add nothing to the answer", async ({ page }) => {
    await mount(
      page,
      `<crowd-form>
        <crowd-alert type="warning">Careful with this one.</crowd-alert>
        <crowd-badge label="New"></crowd-badge>
        <crowd-card heading="Item card"><p>Card body</p></crowd-card>
        <crowd-tabs>
          <crowd-tab header="First">First panel</crowd-tab>
          <crowd-tab header="Second">Second panel</crowd-tab>
        </crowd-tabs>
        <crowd-modal link-text="See example">Example inside the modal</crowd-modal>
        <crowd-instructions link-text="How to do it">
          <short-summary>Short summary text</short-summary>
          <detailed-instructions>Detailed text</detailed-instructions>
          <positive-example>Good one</positive-example>
          <negative-example>Bad one</negative-example>
        </crowd-instructions>
        <crowd-toast duration="60000" text="Saved draft"></crowd-toast>
        <crowd-icon-button icon="close" id="ib"></crowd-icon-button>
        <crowd-fab icon="add" label="Add"></crowd-fab>
        <crowd-button id="plain">Plain button</crowd-button>
        <short-instructions header="Quick guide">Be quick.</short-instructions>
        <full-instructions header="All the rules">Rule one.</full-instructions>
      </crowd-form>`,
    );
    await expect(page.getByRole("alert").filter({ hasText: "Careful with this one." })).toBeVisible();
    await expect(page.locator("crowd-badge .lp-badge")).toHaveText("New");
    await expect(page.getByText("Item card")).toBeVisible();
    await expect(page.getByText("Card body")).toBeVisible();
    await expect(page.getByRole("tab", { name: "First" })).toHaveAttribute("aria-selected", "true");
    await expect(page.getByText("Second panel")).toBeHidden();
    await page.getByRole("tab", { name: "First" }).focus();
    await page.keyboard.press("ArrowRight");
    await expect(page.getByRole("tab", { name: "Second" })).toHaveAttribute("aria-selected", "true");
    await expect(page.getByText("Second panel")).toBeVisible();
    await expect(page.getByText("First panel")).toBeHidden();

    await page.getByRole("button", { name: "See example" }).click();
    await expect(page.getByRole("dialog").getByText("Example inside the modal")).toBeVisible();
    await page.getByRole("dialog").getByRole("button", { name: "Close" }).click();
    await expect(page.getByRole("dialog")).toBeHidden();

    await page.getByRole("button", { name: "How to do it" }).click();
    const ins = page.getByRole("dialog", { name: "How to do it" });
    for (const t of ["Short summary text", "Detailed text", "Good one", "Bad one"]) await expect(ins.getByText(t)).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(ins).toBeHidden();

    await expect(page.getByRole("status").filter({ hasText: "Saved draft" })).toBeVisible();
    await expect(page.getByRole("button", { name: "close" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Add" })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Quick guide" })).toBeVisible();
    await page.getByRole("button", { name: "View full instructions" }).click();
    await expect(page.getByRole("dialog", { name: "All the rules" }).getByText("Rule one.")).toBeVisible();
    await page.keyboard.press("Escape");

    // A plain crowd-button does not submit; the appended Submit button does, with an empty answer.
    let clicked = 0;
    await page.exposeFunction("countClick", () => clicked++);
    await page.evaluate(() => document.getElementById("plain")!.addEventListener("click", () => (window as Json).countClick()));
    await page.getByRole("button", { name: "Plain button" }).click();
    await expect.poll(() => clicked).toBe(1);
    expect(await answers(page)).toEqual([]);
    await page.getByRole("button", { name: "Submit" }).click();
    expect(await answer(page)).toEqual({});
  });
});

// ------------------------------------------------------------------------------------------------
test.describe("lenient attribute values", () => {
  test("JS-object-literal and Python-style lists are read", async ({ page }) => {
    const parsed = await (async () => {
      await mount(page, `<crowd-form></crowd-form>`);
      return page.evaluate(() => {
        const p = (window as Json).LoupeCrowd.parse;
        return [
          p(`[ { name: "Nudity", parentName: "Explicit Nudity", }, ]`),
          p(`['KEY_VALUE_SET']`),
          p(`[{'label': 'person', 'shortDisplayName': 'per'}, {'label': 'date', 'ok': True, 'n': None}]`),
          p(`{"name"=>"x", "parentName"=>""}`),
          p(`[1, -2.5, .5, 'it\\'s', "a\\"b", /* note */ 3, // end\n]`),
          p(`[&quot;a&quot;, &quot;b&quot;]`),
        ];
      });
    })();
    expect(parsed).toEqual([
      [{ name: "Nudity", parentName: "Explicit Nudity" }],
      ["KEY_VALUE_SET"],
      [{ label: "person", shortDisplayName: "per" }, { label: "date", ok: true, n: null }],
      { name: "x", parentName: "" },
      [1, -2.5, 0.5, "it's", 'a"b', 3],
      ["a", "b"],
    ]);
  });

  test("a bad attribute shows an inline error instead of throwing, and blocks submission", async ({ page }) => {
    await mount(
      page,
      `<crowd-form><crowd-classifier name="c" categories="[oops" header="Broken"></crowd-classifier>
       <crowd-classifier name="d" categories="['fine', 'also fine',]" header="Works"></crowd-classifier></crowd-form>`,
    );
    await expect(page.locator("crowd-classifier[name=c] .lp-elerr")).toContainText('The "categories" attribute could not be read');
    await expect(page.getByRole("radio", { name: "also fine" })).toBeVisible();
    await page.getByRole("radio", { name: "also fine" }).click();
    await page.getByRole("button", { name: "Submit" }).click();
    expect(await lastInvalid(page)).toContain("could not be displayed");
    expect(await answers(page)).toEqual([]);
  });
});

// ------------------------------------------------------------------------------------------------
test.describe("image elements", () => {
  test("crowd-image-classifier with a worker comment", async ({ page }) => {
    const src = await pngDataUrl(page, 320, 200);
    await mount(
      page,
      `<crowd-form><crowd-image-classifier name="animal" src="${src}" header="Which animal?" categories="['Cat', 'Dog', 'Neither']">
        <full-instructions header="Guide">Look closely.</full-instructions>
        <short-instructions>Pick one.</short-instructions>
        <worker-comment header="Why?" link-text="Add a comment" placeholder="Explain"></worker-comment>
      </crowd-image-classifier></crowd-form>`,
    );
    await expect(page.locator("crowd-image-classifier img")).toHaveJSProperty("naturalWidth", 320);
    await page.getByRole("radio", { name: "Dog" }).click();
    await page.getByRole("button", { name: "Submit" }).click();
    expect(await answer(page)).toEqual({ animal: { label: "Dog" } });
    await page.getByRole("button", { name: "Add a comment" }).click();
    await page.getByLabel("Why?").fill("Ears are floppy");
    await fromParent(page, { type: "loupe:submit" });
    await expect.poll(async () => (await answers(page)).length).toBe(2);
    expect(await answer(page)).toEqual({ animal: { label: "Dog", workerComment: "Ears are floppy" } });
  });

  test("crowd-image-classifier-multi-select, with a bounding-box overlay", async ({ page }) => {
    const src = await pngDataUrl(page, 120, 80);
    await mount(
      page,
      `<crowd-form><crowd-image-classifier-multi-select name="tags" src="${src}" header="Tags" categories='["Indoor","Outdoor","People"]' exclusion-category="{ text: 'None of the above' }"
         overlay="{ boundingBox: { labels: ['person'], value: [{ label: 'person', left: 10, top: 12, width: 30, height: 40 }] } }">
      </crowd-image-classifier-multi-select></crowd-form>`,
    );
    const rect = page.locator("crowd-image-classifier-multi-select svg rect");
    await expect(rect).toHaveCount(1);
    await expect(rect).toHaveAttribute("x", "10");
    await expect(rect).toHaveAttribute("height", "40");
    await page.locator("body").click({ position: { x: 5, y: 5 } });
    await page.keyboard.press("3");
    await page.keyboard.press("1");
    await page.keyboard.press("Enter");
    expect(await answer(page)).toEqual({ tags: { labels: ["Indoor", "People"] } });
  });

  test("crowd-bounding-box: draw, relabel, move, resize, delete; natural pixel answer", async ({ page }) => {
    const nat = { w: 1000, h: 500 };
    const src = await pngDataUrl(page, nat.w, nat.h);
    await mount(
      page,
      `<crowd-form><crowd-bounding-box name="annotatedResult" src="${src}" header="Draw boxes" labels="['Cat', 'Dog']">
         <short-instructions>Boxes around animals.</short-instructions></crowd-bounding-box></crowd-form>`,
      `<style>crowd-bounding-box::part(image){width:600px}</style>`,
    );
    const img = "crowd-bounding-box img";
    await expect(page.locator(img)).toHaveJSProperty("naturalWidth", 1000);

    // Box 1: a Cat.
    let a = await imagePoint(page, img, 100, 50, nat);
    let b = await imagePoint(page, img, 300, 250, nat);
    await page.mouse.move(a.sx, a.sy);
    await page.mouse.down();
    await page.mouse.move((a.sx + b.sx) / 2, (a.sy + b.sy) / 2);
    await page.mouse.move(b.sx, b.sy);
    await page.mouse.up();
    const box1 = { height: b.ny - a.ny, label: "Cat", left: a.nx, top: a.ny, width: b.nx - a.nx };
    await expect(page.locator("crowd-bounding-box .lp-shapes li")).toHaveCount(1);

    // Box 2: pick "Dog" first (digit 2 works as the element is the only label picker), then draw.
    await page.getByRole("radio", { name: "Dog" }).click();
    a = await imagePoint(page, img, 500, 100, nat);
    b = await imagePoint(page, img, 700, 400, nat);
    await page.mouse.move(a.sx, a.sy);
    await page.mouse.down();
    await page.mouse.move(b.sx, b.sy, { steps: 3 });
    await page.mouse.up();
    const box2 = { height: b.ny - a.ny, label: "Dog", left: a.nx, top: a.ny, width: b.nx - a.nx };
    await page.getByRole("button", { name: "Submit" }).click();
    expect(await answer(page)).toEqual({
      annotatedResult: { boundingBoxes: [box1, box2], inputImageProperties: { height: 500, width: 1000 } },
    });

    // Select box 1 by clicking inside it, relabel it Dog, and move it right by dragging.
    const inside = await imagePoint(page, img, 200, 150, nat);
    await page.mouse.click(inside.sx, inside.sy);
    await expect(page.getByRole("radio", { name: "Cat" })).toHaveAttribute("aria-checked", "true");
    await page.getByRole("radio", { name: "Dog" }).click();
    const to = await imagePoint(page, img, 250, 150, nat);
    await page.mouse.move(inside.sx, inside.sy);
    await page.mouse.down();
    await page.mouse.move(to.sx, to.sy, { steps: 2 });
    await page.mouse.up();
    // Keyboard nudge: 10 px right with Shift+ArrowRight, then 1 px down.
    await page.keyboard.press("Shift+ArrowRight");
    await page.keyboard.press("ArrowDown");
    // Delete box 2 from the list.
    await page.getByRole("button", { name: "Remove Dog 2" }).click();
    await fromParent(page, { type: "loupe:submit" });
    await expect.poll(async () => (await answers(page)).length).toBe(2);
    const got = (await answer(page)).annotatedResult;
    expect(got.boundingBoxes).toHaveLength(1);
    expect(got.boundingBoxes[0]).toEqual({
      height: box1.height,
      label: "Dog",
      left: box1.left + 50 + 10,
      top: box1.top + 1,
      width: box1.width,
    });
    expect(got.inputImageProperties).toEqual({ height: 500, width: 1000 });
    expect(got.initialValueModified).toBeUndefined();
  });

  test("crowd-bounding-box: initial-value and initialValueModified, resize by a corner", async ({ page }) => {
    const nat = { w: 800, h: 600 };
    const src = await pngDataUrl(page, nat.w, nat.h);
    await mount(
      page,
      `<crowd-form><crowd-bounding-box name="bb" src="${src}" header="Check the boxes" labels="['Car']"
         initial-value="[{label: 'Car', left: 100, top: 100, width: 200, height: 100}]"></crowd-bounding-box></crowd-form>`,
      `<style>crowd-bounding-box::part(image){width:400px}</style>`,
    );
    await expect(page.locator("crowd-bounding-box img")).toHaveJSProperty("naturalWidth", 800);
    await page.getByRole("button", { name: "Submit" }).click();
    expect(await answer(page)).toEqual({
      bb: {
        boundingBoxes: [{ height: 100, label: "Car", left: 100, top: 100, width: 200 }],
        initialValueModified: false,
        inputImageProperties: { height: 600, width: 800 },
      },
    });
    // Select and drag the bottom-right corner handle from (300,200) to (400,300).
    const img = "crowd-bounding-box img";
    const inside = await imagePoint(page, img, 150, 150, nat);
    await page.mouse.click(inside.sx, inside.sy);
    const corner = await imagePoint(page, img, 300, 200, nat);
    const dest = await imagePoint(page, img, 400, 300, nat);
    await page.mouse.move(corner.sx, corner.sy);
    await page.mouse.down();
    await page.mouse.move(dest.sx, dest.sy, { steps: 3 });
    await page.mouse.up();
    await fromParent(page, { type: "loupe:submit" });
    await expect.poll(async () => (await answers(page)).length).toBe(2);
    expect(await answer(page)).toEqual({
      bb: {
        boundingBoxes: [{ height: dest.ny - 100, label: "Car", left: 100, top: 100, width: dest.nx - 100 }],
        initialValueModified: true,
        inputImageProperties: { height: 600, width: 800 },
      },
    });
    // Templates may extend the label list at run time.
    expect(await page.evaluate(() => (document.querySelector("crowd-bounding-box") as Json).labels)).toEqual(["Car"]);
    await page.evaluate(() => {
      const el = document.querySelector("crowd-bounding-box") as Json;
      el.labels = el.labels.concat(["Truck"]);
    });
    await expect(page.getByRole("radio", { name: "Truck" })).toBeVisible();
  });

  test("crowd-keypoint (template loaded the A2I way, with the sample's onsubmit check)", async ({ page }) => {
    const nat = { w: 640, h: 480 };
    const src = await pngDataUrl(page, nat.w, nat.h);
    await mountInline(
      page,
      `<crowd-form>
        <div id="errorBox"></div>
        <crowd-keypoint src="${src}" labels="['Item A', 'Item B']" header="Locate the items." name="annotatedResult">
          <short-instructions>Click each item once.</short-instructions>
        </crowd-keypoint>
      </crowd-form>
      <script>
        document.querySelector('crowd-form').onsubmit = function (e) {
          const keypoints = document.querySelector('crowd-keypoint').value.keypoints || document.querySelector('crowd-keypoint')._submittableValue.keypoints;
          if (keypoints.length != 2) {
            e.preventDefault();
            errorBox.innerHTML = '<crowd-alert type="error" dismissible>Add both keypoints.</crowd-alert>';
          }
        };
      </script>`,
    );
    const img = "crowd-keypoint img";
    await expect(page.locator(img)).toHaveJSProperty("naturalWidth", 640);
    const p1 = await imagePoint(page, img, 100, 120, nat);
    await page.mouse.click(p1.sx, p1.sy);
    await page.getByRole("button", { name: "Submit" }).click();
    await expect(page.getByText("Add both keypoints.")).toBeVisible();
    expect(await answers(page)).toEqual([]);

    await page.keyboard.press("2"); // digit picks label "Item B" (no classifier on the page)
    await expect(page.getByRole("radio", { name: "Item B" })).toHaveAttribute("aria-checked", "true");
    // The alert above the form moved the image down: measure again.
    const p2 = await imagePoint(page, img, 400, 300, nat);
    await page.mouse.click(p2.sx, p2.sy);
    // Drag the first point to a new place.
    const p1now = await imagePoint(page, img, 100, 120, nat);
    const p1b = await imagePoint(page, img, 150, 100, nat);
    await page.mouse.move(p1now.sx, p1now.sy);
    await page.mouse.down();
    await page.mouse.move(p1b.sx, p1b.sy, { steps: 3 });
    await page.mouse.up();
    await page.getByRole("button", { name: "Submit" }).click();
    expect(await answer(page)).toEqual({
      annotatedResult: {
        inputImageProperties: { height: 480, width: 640 },
        keypoints: [
          { label: "Item A", x: p1b.nx, y: p1b.ny },
          { label: "Item B", x: p2.nx, y: p2.ny },
        ],
      },
    });
  });

  test("crowd-polygon: close by clicking the first corner, by Enter, and cancel with Escape", async ({ page }) => {
    const nat = { w: 600, h: 400 };
    const src = await pngDataUrl(page, nat.w, nat.h);
    await mount(
      page,
      `<crowd-form><crowd-polygon name="shapes" src="${src}" header="Outline" labels="['Roof', 'Door']"></crowd-polygon></crowd-form>`,
      `<style>crowd-polygon::part(image){width:600px}</style>`,
    );
    const img = "crowd-polygon img";
    await expect(page.locator(img)).toHaveJSProperty("naturalWidth", 600);
    const pts = [
      await imagePoint(page, img, 50, 50, nat),
      await imagePoint(page, img, 200, 60, nat),
      await imagePoint(page, img, 120, 180, nat),
    ];
    for (const p of pts) await page.mouse.click(p.sx, p.sy);
    await page.mouse.click(pts[0].sx, pts[0].sy); // closes on the first corner
    await expect(page.locator("crowd-polygon .lp-shapes li")).toHaveCount(1);

    // An abandoned polygon (Escape) leaves nothing behind and Escape is not forwarded.
    const junk = await imagePoint(page, img, 400, 50, nat);
    await page.mouse.click(junk.sx, junk.sy);
    await page.keyboard.press("Escape");
    expect(await messages(page, "loupe:key")).toEqual([]);

    await page.getByRole("radio", { name: "Door" }).click();
    const door = [
      await imagePoint(page, img, 300, 200, nat),
      await imagePoint(page, img, 360, 200, nat),
      await imagePoint(page, img, 360, 320, nat),
      await imagePoint(page, img, 300, 320, nat),
    ];
    for (const p of door) await page.mouse.click(p.sx, p.sy);
    await page.keyboard.press("Enter"); // closes the polygon, does not submit
    await page.waitForTimeout(100);
    expect(await answers(page)).toEqual([]);
    await expect(page.locator("crowd-polygon .lp-shapes li")).toHaveCount(2);
    await page.keyboard.press("Enter"); // now it submits
    expect(await answer(page)).toEqual({
      shapes: {
        inputImageProperties: { height: 400, width: 600 },
        polygons: [
          { label: "Roof", vertices: pts.map((p) => ({ x: p.nx, y: p.ny })) },
          { label: "Door", vertices: door.map((p) => ({ x: p.nx, y: p.ny })) },
        ],
      },
    });
  });
});

// ------------------------------------------------------------------------------------------------
test.describe("A2I built-in task widgets", () => {
  test("crowd-rekognition-detect-moderation-labels: objects in, the chosen objects out", async ({ page }) => {
    const src = await pngDataUrl(page, 300, 200);
    // As the default A2I template renders it (JS object literal with trailing commas).
    await mount(
      page,
      `<crowd-form>
        <crowd-rekognition-detect-moderation-labels
          categories='[
              { name: "Suggestive", parentName: "", },
              { name: "Female Swimwear Or Underwear", parentName: "Suggestive", },
          ]'
          src="${src}"
          header="Review the image and choose all applicable categories.">
          <short-instructions header="Instructions">Choose what you see.</short-instructions>
          <full-instructions header="Instructions"></full-instructions>
        </crowd-rekognition-detect-moderation-labels>
      </crowd-form>`,
    );
    await page.getByRole("button", { name: "Submit" }).click();
    expect(await lastInvalid(page)).toContain("None of these");
    await page.getByRole("button", { name: "Female Swimwear Or Underwear" }).click();
    await page.getByRole("button", { name: "Submit" }).click();
    expect(await answer(page)).toEqual({
      "AWS/Rekognition/DetectModerationLabels/Image/V3": {
        moderationLabels: [{ name: "Female Swimwear Or Underwear", parentName: "Suggestive" }],
      },
    });
    // "None of these" gives an empty list.
    await page.getByRole("button", { name: "None of these" }).click();
    await expect(page.getByRole("button", { name: "Female Swimwear Or Underwear" })).toHaveAttribute("aria-pressed", "false");
    await fromParent(page, { type: "loupe:submit" });
    await expect.poll(async () => (await answers(page)).length).toBe(2);
    expect(await answer(page)).toEqual({ "AWS/Rekognition/DetectModerationLabels/Image/V3": { moderationLabels: [] } });
  });

  test("crowd-rekognition-detect-moderation-labels: strings in, strings out; digits pick", async ({ page }) => {
    const src = await pngDataUrl(page, 300, 200);
    await mount(
      page,
      `<crowd-form><crowd-rekognition-detect-moderation-labels categories="['Violence', 'Drugs', 'Gambling']" src="${src}"
          header="Which apply?" exclusion-category="Nothing harmful"></crowd-rekognition-detect-moderation-labels></crowd-form>`,
    );
    await expect(page.getByRole("button", { name: "Nothing harmful" })).toBeVisible();
    await page.locator("body").click({ position: { x: 5, y: 5 } });
    await page.keyboard.press("3");
    await page.keyboard.press("1");
    await page.keyboard.press("Enter");
    expect(await answer(page)).toEqual({
      "AWS/Rekognition/DetectModerationLabels/Image/V3": { moderationLabels: ["Violence", "Gambling"] },
    });
  });

  const g = (left: number, top: number, width: number, height: number) => ({
    boundingBox: { height, left, top, width },
    polygon: [
      { x: left, y: top },
      { x: left + width, y: top },
      { x: left + width, y: top + height },
      { x: left, y: top + height },
    ],
  });
  const textractBlocks = () => [
    { blockType: "PAGE", id: "page-1", page: 1, geometry: g(0, 0, 1, 1), relationships: [{ type: "CHILD", ids: ["line-1"] }] },
    { blockType: "LINE", id: "line-1", page: 1, text: "Mail address: 123 Main St", relationships: [{ type: "CHILD", ids: ["w1", "w2", "w3", "w4", "w5"] }] },
    {
      blockType: "KEY_VALUE_SET", id: "k1", page: 1, entityTypes: ["KEY"], confidence: 38.43309020996094, geometry: g(0.1, 0.1, 0.2, 0.05),
      relationships: [{ type: "CHILD", ids: ["w1", "w2"] }, { type: "VALUE", ids: ["v1"] }],
    },
    { blockType: "WORD", id: "w1", page: 1, text: "Mail", confidence: 99.1, geometry: g(0.1, 0.1, 0.08, 0.05) },
    { blockType: "WORD", id: "w2", page: 1, text: "address:", confidence: 98.2, geometry: g(0.19, 0.1, 0.11, 0.05) },
    {
      blockType: "KEY_VALUE_SET", id: "v1", page: 1, entityTypes: ["VALUE"], confidence: 38.4, geometry: g(0.35, 0.1, 0.3, 0.05),
      relationships: [{ type: "CHILD", ids: ["w3", "w4", "w5"] }],
    },
    { blockType: "WORD", id: "w3", page: 1, text: "123", confidence: 60.5, geometry: g(0.35, 0.1, 0.06, 0.05) },
    { blockType: "WORD", id: "w4", page: 1, text: "Main", confidence: 97.5, geometry: g(0.42, 0.1, 0.1, 0.05) },
    { blockType: "WORD", id: "w5", page: 1, text: "St", confidence: 55.0, geometry: g(0.53, 0.1, 0.05, 0.05) },
    {
      blockType: "KEY_VALUE_SET", id: "k3", page: 1, entityTypes: ["KEY"], confidence: 91, geometry: g(0.1, 0.3, 0.15, 0.04),
      relationships: [{ type: "VALUE", ids: ["v3"] }, { type: "CHILD", ids: ["w8"] }],
    },
    { blockType: "WORD", id: "w8", page: 1, text: "Married", confidence: 99, geometry: g(0.1, 0.3, 0.15, 0.04) },
    { blockType: "KEY_VALUE_SET", id: "v3", page: 1, entityTypes: ["VALUE"], confidence: 80, geometry: g(0.3, 0.3, 0.03, 0.04), relationships: [{ type: "CHILD", ids: ["s1"] }] },
    { blockType: "SELECTION_ELEMENT", id: "s1", page: 1, selectionStatus: "NOT_SELECTED", confidence: 70, geometry: g(0.3, 0.3, 0.03, 0.04) },
    {
      blockType: "KEY_VALUE_SET", id: "k2", page: 2, entityTypes: ["KEY"], confidence: 95, geometry: g(0.1, 0.2, 0.2, 0.04),
      relationships: [{ type: "CHILD", ids: ["w6"] }, { type: "VALUE", ids: ["v2"] }],
    },
    { blockType: "WORD", id: "w6", page: 2, text: "Name:", confidence: 99, geometry: g(0.1, 0.2, 0.2, 0.04) },
    { blockType: "KEY_VALUE_SET", id: "v2", page: 2, entityTypes: ["VALUE"], confidence: 65, geometry: g(0.4, 0.2, 0.3, 0.04), relationships: [{ type: "CHILD", ids: ["w7"] }] },
    { blockType: "WORD", id: "w7", page: 2, text: "Jane", confidence: 65, geometry: g(0.4, 0.2, 0.3, 0.04) },
  ];

  test("crowd-textract-analyze-document: edit values, selection elements, important keys, multi-page, add a missing key", async ({ page }) => {
    const page1 = await pngDataUrl(page, 850, 1100, "#94a3b8");
    const page2 = await pngDataUrl(page, 850, 1100, "#f59e0b");
    const blocks = textractBlocks();
    const keys = [
      { importantFormKey: "Mail address", importantFormKeyAliases: ["Mail Address:", "Mail address:", "Mailing Add:"] },
      { importantFormKey: "Phone", importantFormKeyAliases: ["Telephone"] },
    ];
    await mount(
      page,
      `<crowd-form>
        <crowd-textract-analyze-document
          src="${attr([page1, page2])}"
          initial-value="${attr(blocks)}"
          header="Review the key-value pairs listed on the right and correct them if they don't match the following document."
          no-key-edit no-geometry-edit
          keys="${attr(keys)}"
          block-types="['KEY_VALUE_SET']">
          <short-instructions header="Instructions">Fix what is wrong.</short-instructions>
          <full-instructions header="Instructions"></full-instructions>
        </crowd-textract-analyze-document>
      </crowd-form>`,
    );
    const el = page.locator("crowd-textract-analyze-document");
    const pairs = el.locator(".lp-tx-pair");
    await expect(pairs).toHaveCount(3);
    // Keys are read-only (no-key-edit); the important key is marked; the missing one is listed.
    await expect(pairs.nth(0).locator(".lp-tx-ro")).toHaveText("Mail address:");
    await expect(pairs.nth(0).getByText("Important")).toBeVisible();
    await expect(pairs.nth(1).getByText("Important")).toBeHidden();
    await expect(el.locator(".lp-tx-missing")).toContainText("Phone");
    await expect(el.getByRole("button", { name: /Draw/ })).toHaveCount(0);

    // Hovering a pair highlights its geometry on its page.
    await pairs.nth(0).hover();
    await expect(el.locator("svg rect.lp-sel")).toHaveCount(2);
    await expect(el.getByRole("button", { name: "Page 1" })).toHaveAttribute("aria-pressed", "true");

    // Pair 1: same number of words -> word blocks keep their ids, changed words get the new text.
    await pairs.nth(0).getByLabel("Value").fill("125 Main Street");
    // Pair 2 (Married): tick the selection element.
    await pairs.nth(1).getByRole("checkbox").check();
    // Pair 3 is on page 2: focusing it shows page 2.
    await pairs.nth(2).getByLabel("Value").click();
    await expect(el.getByRole("button", { name: "Page 2" })).toHaveAttribute("aria-pressed", "true");
    await expect(el.locator(".lp-stagebox img")).toHaveAttribute("src", page2);
    await pairs.nth(2).getByLabel("Value").fill("Jane Q Doe");
    // The missing important key is added as a new pair.
    await el.getByRole("button", { name: "add it" }).click();
    await expect(pairs).toHaveCount(4);
    await expect(pairs.nth(3).getByLabel("Key")).toHaveValue("Phone");
    await expect(pairs.nth(3).getByLabel("Value")).toBeFocused();
    await page.keyboard.type("555 0100");
    await expect(el.locator(".lp-tx-missing")).toBeHidden();
    await page.getByRole("button", { name: "Submit" }).click();

    const got = await answer(page);
    expect(Object.keys(got)).toEqual(["AWS/Textract/AnalyzeDocument/Forms/V1"]);
    const out: Json[] = got["AWS/Textract/AnalyzeDocument/Forms/V1"].blocks;
    const byId = new Map(blocks.map((b) => [b.id, b]));
    const same = (id: string) => byId.get(id);
    const newIds = out.filter((b) => !byId.has(b.id)).map((b) => b.id as string);
    expect(new Set(newIds).size).toBe(newIds.length);
    const [nw1, nw2, nw3, nk, npw, nv, nv1, nv2] = newIds;
    const bb = (l: number, t: number, w: number, h: number) => ({
      boundingBox: { height: expect.closeTo(h, 9), left: expect.closeTo(l, 9), top: expect.closeTo(t, 9), width: expect.closeTo(w, 9) },
      polygon: [
        { x: expect.closeTo(l, 9), y: expect.closeTo(t, 9) },
        { x: expect.closeTo(l + w, 9), y: expect.closeTo(t, 9) },
        { x: expect.closeTo(l + w, 9), y: expect.closeTo(t + h, 9) },
        { x: expect.closeTo(l, 9), y: expect.closeTo(t + h, 9) },
      ],
    });
    expect(out).toEqual([
      { ...same("k1"), text: "Mail address:", relationships: [{ type: "CHILD", ids: ["w1", "w2"] }, { type: "VALUE", ids: ["v1"] }] },
      same("w1"),
      same("w2"),
      { ...same("v1"), text: "125 Main Street", confidence: 100, relationships: [{ type: "CHILD", ids: ["w3", "w4", "w5"] }] },
      { ...same("w3"), text: "125", confidence: 100 },
      same("w4"),
      { ...same("w5"), text: "Street", confidence: 100 },
      { ...same("k3"), text: "Married", relationships: [{ type: "CHILD", ids: ["w8"] }, { type: "VALUE", ids: ["v3"] }] },
      same("w8"),
      { ...same("v3"), text: "SELECTED", confidence: 100, relationships: [{ type: "CHILD", ids: ["s1"] }] },
      { ...same("s1"), selectionStatus: "SELECTED", confidence: 100 },
      { ...same("k2"), text: "Name:", relationships: [{ type: "CHILD", ids: ["w6"] }, { type: "VALUE", ids: ["v2"] }] },
      same("w6"),
      { ...same("v2"), text: "Jane Q Doe", confidence: 100, relationships: [{ type: "CHILD", ids: [nw1, nw2, nw3] }] },
      { blockType: "WORD", confidence: 100, id: nw1, page: 2, text: "Jane", geometry: bb(0.4, 0.2, 0.12, 0.04) },
      { blockType: "WORD", confidence: 100, id: nw2, page: 2, text: "Q", geometry: bb(0.55, 0.2, 0.03, 0.04) },
      { blockType: "WORD", confidence: 100, id: nw3, page: 2, text: "Doe", geometry: bb(0.61, 0.2, 0.09, 0.04) },
      {
        blockType: "KEY_VALUE_SET", entityTypes: ["KEY"], id: nk, page: 2, text: "Phone", confidence: 100,
        relationships: [{ type: "CHILD", ids: [npw] }, { type: "VALUE", ids: [nv] }],
      },
      { blockType: "WORD", confidence: 100, id: npw, page: 2, text: "Phone" },
      { blockType: "KEY_VALUE_SET", entityTypes: ["VALUE"], id: nv, page: 2, text: "555 0100", confidence: 100, relationships: [{ type: "CHILD", ids: [nv1, nv2] }] },
      { blockType: "WORD", confidence: 100, id: nv1, page: 2, text: "555" },
      { blockType: "WORD", confidence: 100, id: nv2, page: 2, text: "0100" },
    ]);
    expect(newIds.every((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id))).toBe(true);
  });

  test("crowd-textract-analyze-document: PascalCase input, key edits, removed pairs, drawn geometry", async ({ page }) => {
    const doc = await pngDataUrl(page, 500, 500);
    const pascal = [
      { BlockType: "KEY_VALUE_SET", Id: "K", EntityTypes: ["KEY"], Confidence: 50, Relationships: [{ Type: "CHILD", Ids: ["W1"] }, { Type: "VALUE", Ids: ["V"] }] },
      { BlockType: "WORD", Id: "W1", Text: "Dte:" },
      { BlockType: "KEY_VALUE_SET", Id: "V", EntityTypes: ["VALUE"], Confidence: 40, Relationships: [{ Type: "CHILD", Ids: ["W2"] }] },
      { BlockType: "WORD", Id: "W2", Text: "2020-01-01" },
      { BlockType: "KEY_VALUE_SET", Id: "K2", EntityTypes: ["KEY"], Confidence: 20, Relationships: [{ Type: "CHILD", Ids: ["W3"] }] },
      { BlockType: "WORD", Id: "W3", Text: "Noise" },
    ];
    await mount(
      page,
      `<crowd-form><crowd-textract-analyze-document src="${doc}" initial-value="${attr({ Blocks: pascal })}" header="Fix"></crowd-textract-analyze-document></crowd-form>`,
      `<style>crowd-textract-analyze-document::part(image){width:400px}</style>`,
    );
    const el = page.locator("crowd-textract-analyze-document");
    const pairs = el.locator(".lp-tx-pair");
    await expect(pairs).toHaveCount(2);
    await pairs.nth(0).getByLabel("Key").fill("Date:");
    await pairs.nth(1).getByRole("button", { name: "Remove pair 2" }).click();
    // Draw a value box: from 10%,20% to 50%,30% of the page.
    await pairs.nth(0).getByRole("button", { name: "Draw value box" }).click();
    const box = (await el.locator(".lp-stagebox img").boundingBox())!;
    await page.mouse.move(box.x + 0.1 * box.width, box.y + 0.2 * box.height);
    await page.mouse.down();
    await page.mouse.move(box.x + 0.5 * box.width, box.y + 0.3 * box.height, { steps: 3 });
    await page.mouse.up();
    await page.getByRole("button", { name: "Submit" }).click();
    const out: Json[] = (await answer(page))["AWS/Textract/AnalyzeDocument/Forms/V1"].blocks;
    expect(out).toHaveLength(4);
    const [k, kw, v, vw] = out;
    expect(k).toEqual({ blockType: "KEY_VALUE_SET", id: "K", entityTypes: ["KEY"], confidence: 100, text: "Date:", relationships: [{ type: "CHILD", ids: ["W1"] }, { type: "VALUE", ids: ["V"] }] });
    expect(kw).toEqual({ blockType: "WORD", id: "W1", text: "Date:", confidence: 100 });
    expect(v.id).toBe("V");
    expect(v.text).toBe("2020-01-01");
    expect(v.confidence).toBe(100);
    expect(v.geometry.boundingBox.left).toBeCloseTo(0.1, 2);
    expect(v.geometry.boundingBox.top).toBeCloseTo(0.2, 2);
    expect(v.geometry.boundingBox.width).toBeCloseTo(0.4, 2);
    expect(v.geometry.boundingBox.height).toBeCloseTo(0.1, 2);
    expect(v.relationships).toEqual([{ type: "CHILD", ids: [vw.id] }]);
    // The value's word now has a new id and sits inside the drawn box.
    expect(vw.id).not.toBe("W2");
    expect(vw).toMatchObject({ blockType: "WORD", text: "2020-01-01", confidence: 100 });
    expect(vw.geometry.boundingBox.left).toBeCloseTo(0.1, 2);
    expect(vw.geometry.boundingBox.width).toBeCloseTo(0.4, 2);
  });
});

// ------------------------------------------------------------------------------------------------
test.describe("crowd-entity-annotation", () => {
  /** Drags a text selection over code points [from, to) of the annotation text. */
  async function selectText(page: Page, from: number, to: number) {
    const pts = await page.evaluate(
      ([a, b]) => {
        const box = document.querySelector("crowd-entity-annotation")!.shadowRoot!.querySelector(".lp-ea-text")!;
        const full = box.textContent || "";
        const u = (cp: number) => Array.from(full).slice(0, cp).join("").length;
        const locate = (offset: number) => {
          const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
          let n: Node | null;
          let seen = 0;
          while ((n = walker.nextNode())) {
            const len = (n.textContent || "").length;
            if (offset <= seen + len) return { node: n, off: offset - seen };
            seen += len;
          }
          throw new Error("offset out of range");
        };
        const point = (offset: number, side: "start" | "end") => {
          const p = locate(offset);
          const r = document.createRange();
          if (side === "start") { r.setStart(p.node, p.off); r.setEnd(p.node, p.off + 1); }
          else { r.setStart(p.node, p.off - 1); r.setEnd(p.node, p.off); }
          const rect = r.getBoundingClientRect();
          return side === "start" ? { x: rect.left + 1, y: rect.top + rect.height / 2 } : { x: rect.right - 1, y: rect.top + rect.height / 2 };
        };
        return [point(u(a as number), "start"), point(u(b as number), "end")];
      },
      [from, to],
    );
    await page.mouse.move(pts[0].x, pts[0].y);
    await page.mouse.down();
    await page.mouse.move(pts[1].x, pts[1].y, { steps: 5 });
    await page.mouse.up();
  }

  test("labels spans by selection with code point offsets, relabels and removes; formless page", async ({ page }) => {
    const text = "Hello \u{1F44B} Jeff Bezos founded Amazon in 1994.";
    await mount(
      page,
      `<crowd-entity-annotation name="crowd-entity-annotation" header="Highlight parts of the text below"
        labels="[{'label': 'person', 'shortDisplayName': 'per', 'fullDisplayName': 'Person'}, {'label': 'date', 'shortDisplayName': 'dat', 'fullDisplayName': 'Date'}, {'label': 'company', 'shortDisplayName': 'com', 'fullDisplayName': 'Company'}]"
        text="${text}">
        <short-instructions>Apply labels to words or phrases.</short-instructions>
        <div id="additionalQuestions">
          <crowd-radio-group>
            <crowd-radio-button name="tech" value="tech">Technology</crowd-radio-button>
            <crowd-radio-button name="politics" value="politics">Politics</crowd-radio-button>
          </crowd-radio-group>
        </div>
      </crowd-entity-annotation>`,
    );
    // Code points: "Hello " 0-5, wave 6, " " 7, "Jeff" 8-11, " " 12, "Bezos" 13-17 ...
    // Select from inside "Jeff" to inside "Bezos": the selection snaps to whole words.
    await selectText(page, 9, 16);
    await expect(page.locator("mark.lp-ent")).toHaveCount(1);
    await expect(page.locator("mark.lp-ent")).toHaveText("Jeff Bezos");
    await expect(page.locator("mark.lp-ent")).toHaveAttribute("data-tag", "per");

    await page.getByRole("radio", { name: "Company" }).click();
    await selectText(page, 27, 33); // Amazon
    await expect(page.locator("mark.lp-ent", { hasText: "Amazon" })).toHaveAttribute("data-tag", "com");
    // Clicking a span selects it; choosing a label then relabels it.
    await page.locator("mark.lp-ent", { hasText: "Amazon" }).click();
    await expect(page.getByRole("radio", { name: "Company" })).toHaveAttribute("aria-checked", "true");
    await page.getByRole("radio", { name: "Date" }).click();
    await expect(page.locator("mark.lp-ent", { hasText: "Amazon" })).toHaveAttribute("data-tag", "dat");
    await selectText(page, 37, 41); // 1994, labelled with the current label (Date)
    await page.getByRole("button", { name: /Remove label person from .Jeff Bezos./ }).click();
    await page.getByRole("radio", { name: "Person" }).click();
    await selectText(page, 8, 12);
    await page.getByLabel("Politics").check();
    // No crowd-form on the page: the bundle still adds a Submit button and answers.
    await page.getByRole("button", { name: "Submit" }).click();
    expect(await answer(page)).toEqual({
      "crowd-entity-annotation": {
        entities: [
          { endOffset: 12, label: "person", startOffset: 8 },
          { endOffset: 33, label: "date", startOffset: 27 },
          { endOffset: 41, label: "date", startOffset: 37 },
        ],
      },
      tech: { tech: false },
      politics: { politics: true },
    });
  });

  test("initial-value, overlapping selections are refused, Delete removes", async ({ page }) => {
    await mount(
      page,
      `<crowd-form><crowd-entity-annotation name="ner" header="Entities" labels="['ORG', 'LOC']" text="Acme Corp opened in Paris."
        initial-value='[{"label": "ORG", "startOffset": 0, "endOffset": 9}]'></crowd-entity-annotation></crowd-form>`,
    );
    await expect(page.locator("mark.lp-ent")).toHaveText("Acme Corp");
    await selectText(page, 5, 16); // "Corp opened" overlaps the ORG span
    await expect(page.getByText("overlaps text that is already labelled")).toBeVisible();
    await expect(page.locator("mark.lp-ent")).toHaveCount(1);
    await page.keyboard.press("2");
    await selectText(page, 20, 25); // Paris
    await page.locator("mark.lp-ent").first().click();
    await page.keyboard.press("Delete");
    await expect(page.locator("mark.lp-ent")).toHaveCount(1);
    await page.getByRole("button", { name: "Submit" }).click();
    expect(await answer(page)).toEqual({ ner: { entities: [{ endOffset: 25, label: "LOC", startOffset: 20 }] } });
  });

  test("a template script adds questions to the crowd-form inside the element's shadow root; they are answered", async ({ page }) => {
    await mountInline(
      page,
      `<crowd-entity-annotation name="entities" header="Mark the people"
        labels="[{'label': 'person', 'shortDisplayName': 'per', 'fullDisplayName': 'Person'}]"
        text="Ada Lovelace wrote notes on the engine.">
        <short-instructions>Highlight every person.</short-instructions>
        <section id="moreQuestions">
          <h3>Is the text about computing?</h3>
          <crowd-radio-group>
            <crowd-radio-button name="computing" value="yes">Yes, computing</crowd-radio-button>
            <crowd-radio-button name="other" value="yes">No, something else</crowd-radio-button>
          </crowd-radio-group>
          <label><input type="checkbox" name="unsure" value="1"> I am not sure</label>
          <crowd-input name="why" label="Why?"></crowd-input>
        </section>
      </crowd-entity-annotation>
      <script>
        document.addEventListener('all-crowd-elements-ready', function () {
          var inner = document.querySelector('crowd-entity-annotation').shadowRoot.querySelector('crowd-form');
          inner.form.appendChild(document.getElementById('moreQuestions'));
        });
      </script>`,
    );
    // The questions now live inside the element's shadow root and still render and work.
    const moved = await page.evaluate(() => {
      const host = document.querySelector("crowd-entity-annotation")!;
      const section = host.shadowRoot!.querySelector("#moreQuestions");
      return { inShadow: !!section && section.getRootNode() === host.shadowRoot, inDocument: !!document.getElementById("moreQuestions") };
    });
    expect(moved).toEqual({ inShadow: true, inDocument: false });
    await expect(page.getByText("Is the text about computing?")).toBeVisible();
    await selectText(page, 0, 12); // Ada Lovelace
    await expect(page.locator("mark.lp-ent")).toHaveText("Ada Lovelace");
    await page.getByLabel("No, something else").check();
    await page.getByLabel("Yes, computing").check();
    await expect(page.getByLabel("No, something else")).not.toBeChecked();
    await page.getByLabel("I am not sure").check();
    await page.getByLabel("Why?").fill("It names an engine.");
    // No crowd-form on the page: the body is the form, and it reaches into the shadow root.
    await page.getByRole("button", { name: "Submit" }).click();
    expect(await answer(page)).toEqual({
      entities: { entities: [{ endOffset: 12, label: "person", startOffset: 0 }] },
      computing: { yes: true },
      other: { yes: false },
      unsure: { "1": true },
      why: "It names an engine.",
    });
  });
});

// ------------------------------------------------------------------------------------------------
test.describe("shadow roots and parts", () => {
  test("a template script widens a classifier's instructions pane and full-instructions dialog found in its shadow root", async ({ page }) => {
    await mountInline(
      page,
      `<crowd-form>
        <crowd-classifier-multi-select name="topics" categories="['Music', 'Sports', 'News']" header="Which topics does the clip cover?"
          exclusion-category="{ text: 'None of these' }">
          <classification-target><p>A match report with a song at the end.</p></classification-target>
          <full-instructions header="Topic instructions"><p>Watch the whole clip before choosing.</p></full-instructions>
          <short-instructions><p>Choose every topic that applies.</p></short-instructions>
        </crowd-classifier-multi-select>
      </crowd-form>
      <script>
        document.addEventListener('all-crowd-elements-ready', function () {
          var el = document.querySelector('crowd-classifier-multi-select');
          el.shadowRoot.querySelector('.awsui-app-layout__navigation').style.width = '400px';
          el.shadowRoot.querySelector('.awsui-modal-dialog').style.maxWidth = '90%';
        });
      </script>`,
    );
    const pane = page.locator("crowd-classifier-multi-select .awsui-app-layout__navigation");
    await expect(pane).toHaveAttribute("part", "instructions");
    expect((await pane.boundingBox())!.width).toBeCloseTo(400, 0);
    // The author's short instructions are shown inside that pane (slotted, still in the light DOM).
    const paneBox = (await pane.boundingBox())!;
    const shortBox = (await page.getByText("Choose every topic that applies.").boundingBox())!;
    expect(shortBox.x).toBeGreaterThanOrEqual(paneBox.x);
    expect(shortBox.x + shortBox.width).toBeLessThanOrEqual(paneBox.x + paneBox.width);
    expect(await page.evaluate(() => document.querySelector("short-instructions")!.parentElement!.localName)).toBe("crowd-classifier-multi-select");
    // The full-instructions dialog is the one the script found, now 90 % of the 1280 px viewport.
    await page.getByRole("button", { name: "View full instructions" }).click();
    const dialog = page.getByRole("dialog", { name: "Topic instructions" });
    await expect(dialog.getByText("Watch the whole clip before choosing.")).toBeVisible();
    expect((await dialog.boundingBox())!.width).toBeCloseTo(1152, 0);
    await page.keyboard.press("Escape");
    await expect(dialog).toBeHidden();
    await page.getByRole("button", { name: "Sports" }).click();
    await page.getByRole("button", { name: "Music" }).click();
    await page.getByRole("button", { name: "Submit" }).click();
    expect(await answer(page)).toEqual({ topics: { labels: ["Music", "Sports"] } });
  });

  test("a template script adds follow-up questions after a classifier's category picker, keyed by the chosen label", async ({ page }) => {
    await mountInline(
      page,
      `<crowd-form>
        <crowd-classifier name="quality" categories="['Good', 'Poor']" header="How good is the answer?">
          <classification-target>Water boils at 100 degrees Celsius at sea level.</classification-target>
        </crowd-classifier>
        <div id="reasons"></div>
      </crowd-form>
      <script>
        var FOLLOW_UP = { Good: ['Accurate', 'Clear'], Poor: ['Wrong', 'Vague', 'Rude'] };
        document.addEventListener('all-crowd-elements-ready', function () {
          var classifier = document.querySelector('crowd-classifier');
          var picker = classifier.shadowRoot.querySelector('.annotation-area .category-picker-wrapper');
          var card = document.createElement('crowd-card');
          card.setAttribute('heading', 'Why?');
          picker.insertAdjacentElement('afterend', card);
          classifier.addEventListener('change', function (e) {
            var list = FOLLOW_UP[e.target.value];
            card.innerHTML = list.map(function (q) {
              return '<label><input type="checkbox" name="reason" value="' + q + '"> ' + q + '</label>';
            }).join(' ');
            document.getElementById('reasons').textContent = 'Follow-up for ' + e.target.value;
          });
        });
      </script>`,
    );
    const card = page.locator("crowd-classifier crowd-card");
    await expect(card).toHaveCount(1);
    await page.getByRole("radio", { name: "Poor" }).click();
    await expect(page.getByText("Follow-up for Poor")).toBeVisible();
    await expect(card.getByRole("checkbox")).toHaveCount(3);
    // The card sits right after the category picker, inside the classifier's shadow root.
    const pickerBox = (await page.locator("crowd-classifier [part~=categories]").boundingBox())!;
    expect((await card.boundingBox())!.y).toBeGreaterThan(pickerBox.y + pickerBox.height - 1);
    await page.getByLabel("Vague").check();
    await page.getByLabel("Rude").check();
    await page.getByRole("button", { name: "Submit" }).click();
    expect(await answer(page)).toEqual({ quality: { label: "Poor" }, reason: { Wrong: false, Vague: true, Rude: true } });
  });

  test("every element has an open shadow root; template CSS styles parts; change reaches the host", async ({ page }) => {
    const png = await pngDataUrl(page, 200, 100);
    await mountInline(
      page,
      `<style>
        crowd-input::part(input){background-color:rgb(255, 250, 205)}
        crowd-classifier::part(choice selected){outline:4px solid rgb(0, 128, 0)}
        crowd-bounding-box::part(image){width:400px}
        crowd-input .lp-text{background-color:rgb(255, 0, 0)}
      </style>
      <crowd-form>
        <crowd-input name="note" label="Note"></crowd-input>
        <crowd-slider id="level" name="level" min="0" max="10" value="5"></crowd-slider>
        <crowd-classifier name="c" categories="['a', 'b']" header="Pick"></crowd-classifier>
        <crowd-bounding-box name="box" src="${png}" labels="['Thing']" header="Boxes"></crowd-bounding-box>
      </crowd-form>
      <script>
        window.__changes = [];
        document.getElementById('level').onchange = function () { window.__changes.push(this.value); };
      </script>`,
    );
    const roots = await page.evaluate(() =>
      ["crowd-form", "crowd-input", "crowd-slider", "crowd-classifier", "crowd-bounding-box"].map((t) => {
        const el = document.querySelector(t)!;
        return [t, el.shadowRoot !== null && el.shadowRoot.mode === "open"];
      }),
    );
    expect(roots.every(([, open]) => open)).toBe(true);
    // Light-DOM selectors no longer reach the internals; ::part does.
    const bg = await page.evaluate(() => getComputedStyle(document.querySelector("crowd-input")!.shadowRoot!.querySelector("input")!).backgroundColor);
    expect(bg).toBe("rgb(255, 250, 205)");
    await page.getByRole("radio", { name: "b" }).click();
    const outline = await page.evaluate(() => {
      const b = [...document.querySelector("crowd-classifier")!.shadowRoot!.querySelectorAll("[part~=choice]")].find((x) => x.textContent!.includes("b"))!;
      return getComputedStyle(b).outlineColor + " " + getComputedStyle(b).outlineWidth;
    });
    expect(outline).toBe("rgb(0, 128, 0) 4px");
    // The drawing surface AWS's scripts line overlays up with covers the image exactly.
    const img = page.locator("crowd-bounding-box [part=image]");
    await expect.poll(async () => (await img.boundingBox())?.width).toBeCloseTo(400, 0);
    const imgBox = (await img.boundingBox())!;
    const canvasBox = (await page.locator("crowd-bounding-box canvas.upper-canvas").boundingBox())!;
    expect(canvasBox).toEqual(imgBox);
    // A change of the slider's own range input is seen by a listener on crowd-slider.
    await page.getByRole("slider", { name: "level" }).focus();
    await page.keyboard.press("ArrowRight");
    await expect.poll(() => page.evaluate(() => (window as Json).__changes)).toEqual([6]);
    await page.getByLabel("Note").fill("fine");
    await page.getByRole("button", { name: "Submit" }).click();
    const got = await answer(page);
    expect(got).toMatchObject({ note: "fine", level: 6, c: { label: "b" } });
    expect(got.box).toEqual({ boundingBoxes: [], inputImageProperties: { height: 100, width: 200 } });
  });
});
