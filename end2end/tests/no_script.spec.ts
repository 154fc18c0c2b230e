import { expect, test } from "@playwright/test";

test.use({ javaScriptEnabled: false });

test("without JavaScript an admin can sign in, read the pages and use the simple forms", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Email").fill("admin@e2e.local");
  await page.getByLabel("Password", { exact: true }).fill("admin password 123");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/admin$/);

  // Reading: server-rendered pages.
  for (const [path, heading] of [
    ["/admin/loops", "Human loops"],
    ["/admin/flows", "Flow definitions"],
    ["/admin/spend", "Spend"],
    ["/admin/workers", "People"],
  ]) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(heading);
  }

  // A simple form: the browser posts it, the server redirects to the new team.
  await page.goto("/admin/teams");
  await page.getByLabel("WorkteamName").fill("e2e-no-script");
  await page.getByLabel("Description").fill("Made without script");
  await page.getByRole("button", { name: "Create team" }).click();
  await expect(page).toHaveURL(/\/admin\/team\/e2e-no-script$/);
  await expect(page.getByTestId("team-name")).toHaveText("e2e-no-script");

  // Loop filters are a GET form.
  await page.goto("/admin/loops");
  await page.getByTestId("filter-status").selectOption("Completed");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/status=Completed/);
});
