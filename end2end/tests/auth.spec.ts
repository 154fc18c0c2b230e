import { expect, test, type Page } from "@playwright/test";

const admin = { email: "admin@e2e.local", password: "admin password 123" };
const worker = { email: "worker@e2e.local", password: "worker password 123" };

async function signIn(page: Page, who: { email: string; password: string }) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password", { exact: true }).fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

async function hydrated(page: Page) {
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
}

test("the page hydrates: show-password toggles the field", async ({ page }) => {
  const errors: string[] = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") errors.push(msg.text());
  });
  await page.goto("/login");
  await hydrated(page);
  const password = page.getByLabel("Password", { exact: true });
  await expect(password).toHaveAttribute("type", "password");
  await page.getByRole("button", { name: "Show" }).click();
  await expect(password).toHaveAttribute("type", "text");
  await page.getByRole("button", { name: "Hide" }).click();
  await expect(password).toHaveAttribute("type", "password");
  expect(errors).toEqual([]);
});

test("a wrong password gets a clear message and keeps the email", async ({ page }) => {
  await signIn(page, { email: admin.email, password: "not the password" });
  await expect(page).toHaveURL(/\/login\?error=invalid/);
  await expect(page.getByTestId("login-error")).toHaveText("That email and password don't match an account.");
  await expect(page.getByLabel("Email")).toHaveValue(admin.email);
});

test("sign in, reload, sign out, and the back button shows no admin page", async ({ page }) => {
  await signIn(page, admin);
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByTestId("viewer-email")).toHaveText(admin.email);

  await page.reload();
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByTestId("viewer-email")).toHaveText(admin.email);

  // Client-side navigation after hydration, with a server function behind the page.
  await hydrated(page);
  await page.getByRole("link", { name: "People" }).click();
  await expect(page).toHaveURL(/\/admin\/workers$/);
  await expect(page.getByTestId("people-table")).toContainText(worker.email);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login\?signed_out=1/);
  await expect(page.getByText("You are signed out.")).toBeVisible();

  await page.goBack();
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByTestId("viewer-email")).toHaveCount(0);
  await expect(page.getByTestId("people-table")).toHaveCount(0);
});

test("a worker lands in the worker area and is refused the admin area", async ({ page }) => {
  await signIn(page, worker);
  await expect(page).toHaveURL(/\/work$/);
  await page.getByRole("link", { name: "My teams" }).click();
  await expect(page.getByTestId("my-teams")).toContainText("reviewers");

  const response = await page.goto("/admin");
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "You can't open this page" })).toBeVisible();
});

test("an unknown address shows a 404 page", async ({ page }) => {
  const response = await page.goto("/no/such/page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
});
