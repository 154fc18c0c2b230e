import { expect, test } from "@playwright/test";
import { signInAsAdmin } from "./helpers";

test("an admin makes a team, invites a worker who sets a password and signs in, then deactivates them", async ({ page, browser }, testInfo) => {
  await signInAsAdmin(page);

  // A team, made in the browser.
  await page.getByRole("link", { name: "Work teams" }).click();
  await expect(page).toHaveURL(/\/admin\/teams$/);
  await page.getByLabel("WorkteamName").fill("e2e-night");
  await page.getByLabel("Description").fill("Reviews overnight items");
  await page.getByRole("button", { name: "Create team" }).click();
  await expect(page).toHaveURL(/\/admin\/team\/e2e-night$/);
  await expect(page.getByTestId("team-arn")).toHaveText(/:workteam\/private-crowd\/e2e-night$/);

  // A worker group on the team, with the existing worker in it.
  await page.getByLabel("Include a group").fill("e2e-group");
  await page.getByRole("button", { name: "Include", exact: true }).click();
  const group = page.getByTestId("group-e2e-group");
  await expect(group).toBeVisible();
  await group.getByLabel("Add to group").selectOption({ label: "worker@e2e.local" });
  await group.getByRole("button", { name: "Add", exact: true }).click();
  await expect(group).toContainText("worker@e2e.local");
  await expect(group).toContainText("(1 member)");
  await page.screenshot({ path: testInfo.outputPath("team.png"), fullPage: true });

  // An invitation instead of a password.
  await page.getByRole("link", { name: "People" }).click();
  await expect(page).toHaveURL(/\/admin\/workers$/);
  await page.getByLabel("Email").fill("new.worker@e2e.local");
  await page.getByTestId("invite-team").selectOption("e2e-night");
  await page.getByRole("button", { name: "Invite" }).click();
  const link = (await page.getByTestId("invitation-link").textContent())!.trim();
  expect(link).toMatch(/\/invite\/[A-Za-z0-9_-]{43}$/);
  const row = page.locator('tr[data-person="new.worker@e2e.local"]');
  await expect(row).toContainText("invitation open until");
  await expect(row).toContainText("e2e-night");
  await page.screenshot({ path: testInfo.outputPath("people.png"), fullPage: true });

  // The worker, in a browser of their own.
  const worker = await browser.newContext();
  const theirs = await worker.newPage();
  await theirs.goto(link);
  await expect(theirs.getByTestId("invited-email")).toHaveText("new.worker@e2e.local");
  await expect(theirs.locator("html[data-hydrated]")).toHaveCount(1);
  await theirs.getByLabel("Password", { exact: true }).fill("worker chosen words");
  await theirs.getByLabel("The same password again").fill("worker chosen wordz");
  await theirs.getByRole("button", { name: "Set password" }).click();
  await expect(theirs.getByRole("alert")).toContainText("not the same");
  await theirs.getByLabel("The same password again").fill("worker chosen words");
  await theirs.getByRole("button", { name: "Set password" }).click();
  await expect(theirs).toHaveURL(/\/login\?welcome=1/);
  await expect(theirs.getByTestId("welcome")).toBeVisible();
  await expect(theirs.getByLabel("Email")).toHaveValue("new.worker@e2e.local");
  await theirs.getByLabel("Password", { exact: true }).fill("worker chosen words");
  await theirs.getByRole("button", { name: "Sign in" }).click();
  await expect(theirs).toHaveURL(/\/work$/);
  await theirs.goto("/work/teams");
  await expect(theirs.getByTestId("my-teams")).toContainText("e2e-night");

  // The link worked once.
  const again = await worker.newPage();
  await again.goto(link);
  await expect(again.getByTestId("invitation-error")).toContainText("already been used");

  // A second session that stays quiet while the account is deactivated.
  const quiet = await browser.newContext();
  const quietPage = await quiet.newPage();
  await quietPage.goto("/login");
  await quietPage.getByLabel("Email").fill("new.worker@e2e.local");
  await quietPage.getByLabel("Password", { exact: true }).fill("worker chosen words");
  await quietPage.getByRole("button", { name: "Sign in" }).click();
  await expect(quietPage).toHaveURL(/\/work$/);

  // Deactivated: signed out at once, and sign-in says why.
  await page.reload();
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
  page.once("dialog", (dialog) => dialog.accept());
  await row.getByRole("button", { name: "Deactivate" }).click();
  await expect(page.getByTestId("deactivated")).toContainText("0 held tasks went back");
  await expect(row).toContainText("deactivated");
  await theirs.goto("/work");
  await expect(theirs).toHaveURL(/\/login/);
  await theirs.getByLabel("Email").fill("new.worker@e2e.local");
  await theirs.getByLabel("Password", { exact: true }).fill("worker chosen words");
  await theirs.getByRole("button", { name: "Sign in" }).click();
  await expect(theirs.getByTestId("login-error")).toContainText("deactivated");

  // Reactivated, they can sign in again.
  await row.getByRole("button", { name: "Reactivate" }).click();
  await expect(row).toContainText("active");
  await theirs.getByLabel("Password", { exact: true }).fill("worker chosen words");
  await theirs.getByRole("button", { name: "Sign in" }).click();
  await expect(theirs).toHaveURL(/\/work$/);
  // The quiet session did not come back with the account.
  await quietPage.goto("/work");
  await expect(quietPage).toHaveURL(/\/login/);
  await quiet.close();
  await worker.close();
});
