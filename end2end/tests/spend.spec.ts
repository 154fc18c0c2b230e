import { expect, test } from "@playwright/test";
import { signInAsAdmin } from "./helpers";

test("spend shows a period's totals by flow, worker and day, and downloads them as CSV", async ({ page }, testInfo) => {
  await signInAsAdmin(page);
  await page.getByRole("link", { name: "Spend" }).click();
  await expect(page).toHaveURL(/\/admin\/spend$/);
  // This month so far, by default.
  const today = new Date().toISOString().slice(0, 10);
  await expect(page.getByLabel("To")).toHaveValue(today);
  await expect(page.getByLabel("From")).toHaveValue(`${today.slice(0, 8)}01`);
  await expect(page.getByTestId("spend-total")).toContainText("$0.000");
  for (const table of ["spend-by-flow", "spend-by-worker", "spend-by-day"]) {
    await expect(page.getByTestId(table).locator("tfoot")).toContainText("Total");
  }
  await page.screenshot({ path: testInfo.outputPath("spend.png"), fullPage: true });

  // The period lives in the URL.
  await page.getByLabel("From").fill("2026-01-01");
  await page.getByLabel("To").fill("2026-01-31");
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page).toHaveURL(/from=2026-01-01&to=2026-01-31/);
  await expect(page.getByTestId("spend-total")).toContainText("from 2026-01-01 to 2026-01-31");

  // A period backwards is refused with a message, not a blank page.
  await page.goto("/admin/spend?from=2026-02-01&to=2026-01-01");
  await expect(page.getByRole("alert")).toContainText("not a period");

  // The CSV of the period shown.
  await page.goto("/admin/spend?from=2026-01-01&to=2026-01-31");
  const download = page.waitForEvent("download");
  await page.getByTestId("spend-csv").click();
  const file = await download;
  expect(file.suggestedFilename()).toBe("loupe-spend-2026-01-01-to-2026-01-31.csv");
  const body = await (await page.request.get("/admin/spend.csv?from=2026-01-01&to=2026-01-31")).text();
  expect(body.split("\r\n")[0]).toBe("recorded_at_utc,flow_definition,human_loop,worker,amount_usd");
});
