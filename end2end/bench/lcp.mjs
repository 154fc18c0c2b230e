// Largest contentful paint of the admin dashboard in headless Chromium, signed in as an admin.
// Each run opens a fresh browser context (empty cache, like a first visit) and reads the LCP entry
// the browser itself records. Usage: node lcp.mjs BASE_URL EMAIL PASSWORD [RUNS]
import { chromium } from "@playwright/test";

const [base, email, password, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 10);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"],
});

async function lcpOnce(warm) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await Promise.all([page.waitForURL(/\/admin$/), page.getByRole("button", { name: "Sign in" }).click()]);
  if (warm) {
    await page.goto(`${base}/admin`, { waitUntil: "load" });
  } else {
    // Cold: the sign-in above already fetched the assets, so measure in a context that has
    // the session but an empty cache.
    const state = await context.storageState();
    await context.close();
    const cold = await browser.newContext({ viewport: { width: 1280, height: 800 }, storageState: state });
    const coldPage = await cold.newPage();
    await coldPage.goto(`${base}/admin`, { waitUntil: "load" });
    const value = await readLcp(coldPage);
    await cold.close();
    return value;
  }
  const value = await readLcp(page);
  await context.close();
  return value;
}

function readLcp(page) {
  return page.evaluate(
    () =>
      new Promise((resolve) => {
        new PerformanceObserver((list) => {
          const entries = list.getEntries();
          resolve(entries[entries.length - 1].startTime);
        }).observe({ type: "largest-contentful-paint", buffered: true });
      }),
  );
}

function summary(label, values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  console.log(`${label}: p50 ${at(0.5).toFixed(0)} ms, max ${sorted[sorted.length - 1].toFixed(0)} ms over ${values.length} loads`);
}

for (const warm of [false, true]) {
  const values = [];
  for (let i = 0; i < runs; i++) values.push(await lcpOnce(warm));
  summary(`dashboard LCP, ${warm ? "warm cache" : "cold cache"}`, values);
}
await browser.close();
