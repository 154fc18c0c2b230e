import { execFileSync } from "node:child_process";
import path from "node:path";
import { expect, type Browser, type Page } from "@playwright/test";

const python = process.env.LOUPE_TEST_PYTHON ?? path.join(__dirname, "..", "..", ".venv", "bin", "python");

/** Runs fixtures/a2i.py with the real boto3 against the server under test. */
export function a2i(baseURL: string, ...args: string[]): string {
  return execFileSync(python, [path.join(__dirname, "..", "fixtures", "a2i.py"), baseURL, ...args], {
    encoding: "utf8",
  }).trim();
}

/** Signs in as the admin serve.sh made and waits for the page to hydrate (the first load of the
 * debug wasm can take a while on a busy machine). */
export async function signInAsAdmin(page: Page) {
  await page.goto("/login");
  await page.getByLabel("Email").fill("admin@e2e.local");
  await page.getByLabel("Password", { exact: true }).fill("admin password 123");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1, { timeout: 15_000 });
}

/** Signs in as one of the workers serve.sh made, in a browser context of their own, and waits for
 * the page to hydrate (the first load of the debug wasm in a new context can take a while). */
export async function signInAsWorker(browser: Browser, baseURL: string, email = "worker@e2e.local"): Promise<Page> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill("worker password 123");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/work$/);
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1, { timeout: 15_000 });
  return page;
}

/** A loop's output.json as Loupe wrote it, once it exists. */
export function output(baseURL: string, loop: string) {
  return JSON.parse(a2i(baseURL, "output", loop));
}
