// The worker's view of speed: from pressing Submit to the next task visible, and what the task
// page costs to download. Signs in as a worker, starts working on FLOW, then answers SAMPLES tasks
// with the keyboard ("1", Enter), timing each from the key press until the next task's template
// shows in its frame.
//
//   node next_task.mjs BASE_URL EMAIL PASSWORD FLOW SAMPLES
import { chromium } from "@playwright/test";

const [base, email, password, flow, samplesArg] = process.argv.slice(2);
const samples = Number(samplesArg ?? 200);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
const context = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 900 } });
const page = await context.newPage();

// Bytes on the wire (headers and encoded body) of every response, the sandboxed frame's included.
let bytes = [];
page.on("requestfinished", async (request) => {
  const entry = { url: request.url(), n: 0 };
  bytes.push(entry);
  const sizes = await request.sizes().catch(() => null);
  if (sizes) entry.n = sizes.responseBodySize + sizes.responseHeadersSize;
});
const cdp = await context.newCDPSession(page);

await page.goto("/login");
await page.getByLabel("Email").fill(email);
await page.getByLabel("Password", { exact: true }).fill(password);
await page.getByRole("button", { name: "Sign in" }).click();
await page.waitForURL(/\/work$/);
await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
await page.getByTestId(`queue-${flow}`).getByRole("button", { name: "Start working" }).click();
await page.waitForURL(/\/work\/task\/\d+$/);
const frame = page.frameLocator("[data-testid=task-frame]");
await frame.locator("crowd-classifier button").first().waitFor();

// A fresh load of a task page with a cold cache: everything a first visit downloads.
await cdp.send("Network.clearBrowserCache");
bytes = [];
await page.reload();
await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
await frame.locator("crowd-classifier button").first().waitFor();
await page.waitForLoadState("networkidle");
await page.waitForTimeout(500);
const cold = [...bytes];
const total = (list) => list.reduce((sum, e) => sum + e.n, 0);

const latencies = [];
let warm = [];
for (let i = 0; i < samples; i++) {
  const before = await page.getByTestId("task-page").getAttribute("data-task-id");
  bytes = [];
  const started = Date.now();
  await page.keyboard.press("1");
  await page.keyboard.press("Enter");
  await page.waitForFunction(
    (id) => document.querySelector("[data-testid=task-page]")?.getAttribute("data-task-id") !== id,
    before,
    { polling: "raf" },
  );
  await frame.locator("crowd-classifier button").first().waitFor();
  latencies.push(Date.now() - started);
  warm = bytes;
}
latencies.sort((a, b) => a - b);
const pct = (p) => latencies[Math.min(latencies.length - 1, Math.ceil(latencies.length * p) - 1)];
console.log(`submit -> next task visible, ${samples} tasks: p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms, max ${latencies.at(-1)} ms`);
console.log(`task page, first visit (cold cache): ${total(cold)} bytes in ${cold.length} responses`);
for (const e of cold.sort((a, b) => b.n - a.n)) console.log(`  ${String(e.n).padStart(9)}  ${e.url.replace(base, "")}`);
console.log(`next task (warm): ${total(warm)} bytes in ${warm.length} responses`);
for (const e of warm.sort((a, b) => b.n - a.n)) console.log(`  ${String(e.n).padStart(9)}  ${e.url.replace(base, "")}`);
await browser.close();
