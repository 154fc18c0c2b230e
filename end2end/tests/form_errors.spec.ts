import { expect, test } from "@playwright/test";
import { signInAsAdmin } from "./helpers";

// A refused form says why at the field it is about, and the field points at its message.
test("team and webhook forms put the engine's refusals at their fields", async ({ page }) => {
  await signInAsAdmin(page);

  // A team name in use: the message is at WorkteamName.
  for (const attempt of [1, 2]) {
    await page.goto("/admin/teams");
    await page.getByLabel("WorkteamName").fill("e2e-twice");
    await page.getByLabel("Description").fill(`attempt ${attempt}`);
    await page.getByRole("button", { name: "Create team" }).click();
    if (attempt === 1) await expect(page).toHaveURL(/\/admin\/team\/e2e-twice$/);
  }
  await expect(page.getByTestId("error-name")).toContainText("already exists");
  await expect(page.getByLabel("WorkteamName")).toHaveAttribute("aria-describedby", "name-errors");
  await expect(page.getByTestId("error-form")).toHaveCount(0);

  // A webhook URL that is not http(s): the message is at URL, not at the name.
  await page.goto("/admin/keys");
  await page.getByLabel("Name", { exact: true }).fill("e2e-ftp-hook");
  await page.getByLabel("URL").fill("ftp://hooks.example.com/a2i");
  await page.getByRole("button", { name: "Add webhook" }).click();
  await expect(page.getByTestId("error-hook_url")).toContainText("http or https");
  await expect(page.getByTestId("error-hook_name")).toHaveCount(0);
  await expect(page.getByTestId("Webhook-secret")).toHaveCount(0);
});
