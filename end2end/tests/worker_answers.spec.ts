import { expect, test } from "@playwright/test";
import { a2i, signInAsAdmin } from "./helpers";

test("a worker answers through the worker API and the admin reads the completed loop's output.json", async ({ page, browser, baseURL }, testInfo) => {
  a2i(baseURL!, "setup", "e2e-answered");
  a2i(baseURL!, "start", "e2e-answered", "answered-1");

  // The worker, signed in in a browser of their own, uses the same JSON API the worker pages use.
  const worker = await browser.newContext({ baseURL });
  const theirs = await worker.newPage();
  await theirs.goto("/login");
  await theirs.getByLabel("Email").fill("worker@e2e.local");
  await theirs.getByLabel("Password", { exact: true }).fill("worker password 123");
  await theirs.getByRole("button", { name: "Sign in" }).click();
  await expect(theirs).toHaveURL(/\/work$/);
  const csrf = (await worker.cookies()).find((c) => c.name === "loupe_csrf")!.value;
  const headers = { "x-csrf-token": csrf };

  const queues = await (await theirs.request.get("/work/api/queues")).json();
  expect(queues.find((q: { flow: string }) => q.flow === "e2e-answered").available).toBe(1);
  const claim = await theirs.request.post("/work/api/tasks/claim", { headers, data: { flow: "e2e-answered" } });
  expect(claim.status()).toBe(200);
  const { taskId, humanLoopName } = await claim.json();
  expect(humanLoopName).toBe("answered-1");
  const task = await (await theirs.request.get(`/work/api/tasks/${taskId}`)).json();
  expect(task.input.taskObject).toBe("Item answered-1");
  expect(task.html).toContain("Item answered-1");
  const submitted = await theirs.request.post(`/work/api/tasks/${taskId}/submit`, {
    headers,
    data: { answer: { sentiment: "positive" }, timeSpentInSeconds: 7 },
  });
  expect(await submitted.json()).toEqual({ humanLoopStatus: "Completed" });
  await worker.close();

  // The admin finds it completed, with the answer, and opens output.json once it is written.
  await signInAsAdmin(page);
  await page.goto("/admin/loops?flow=e2e-answered&status=Completed");
  await page.getByRole("link", { name: "answered-1" }).click();
  await expect(page.getByTestId("loop-status")).toHaveText("Completed");
  await expect(page.getByTestId("loop-answer")).toContainText("positive");
  await expect(page.getByRole("heading", { name: "Answer 1 — worker@e2e.local" })).toBeVisible();
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("loop-output")).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  await page.screenshot({ path: testInfo.outputPath("completed-loop.png"), fullPage: true });
  const [output] = await Promise.all([page.waitForEvent("popup"), page.getByTestId("loop-output").click()]);
  await expect(output.locator("body")).toContainText('"humanAnswers"');
  await expect(output.locator("body")).toContainText('"sentiment":"positive"');
  await expect(output.locator("body")).toContainText('"timeSpentInSeconds":7');
});
