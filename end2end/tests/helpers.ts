import { execFileSync } from "node:child_process";
import path from "node:path";
import { expect, type Page } from "@playwright/test";

const python = process.env.LOUPE_TEST_PYTHON ?? path.join(__dirname, "..", "..", ".venv", "bin", "python");

/** Runs fixtures/a2i.py with the real boto3 against the server under test. */
export function a2i(baseURL: string, ...args: string[]): string {
  return execFileSync(python, [path.join(__dirname, "..", "fixtures", "a2i.py"), baseURL, ...args], {
    encoding: "utf8",
  }).trim();
}

/** Signs in as the admin serve.sh made and waits for the page to hydrate. */
export async function signInAsAdmin(page: Page) {
  await page.goto("/login");
  await page.getByLabel("Email").fill("admin@e2e.local");
  await page.getByLabel("Password", { exact: true }).fill("admin password 123");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
}
