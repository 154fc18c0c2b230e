// The worker portal as a worker uses it: the queue page, the task page with the template in its
// sandboxed frame, the keyboard, the countdown, and the output.json each answer ends up in.
import { expect, test, type Page } from "@playwright/test";
import { a2i, output, signInAsWorker } from "./helpers";

const LABELS = ["Positive", "Negative", "Neutral"];

/** The task page has hydrated and its frame shows the template. */
async function onTask(page: Page, text: string) {
  await expect(page).toHaveURL(/\/work\/task\/\d+$/);
  await expect(page.frameLocator("[data-testid=task-frame]").getByText(text)).toBeVisible({ timeout: 15_000 });
}

test("a worker classifies two reviews with the keyboard, keeps going, and the answers land in output.json", async ({ browser, baseURL }, testInfo) => {
  a2i(baseURL!, "template-flow", "e2e-classify", "classify.liquid", "1", "600");
  for (const [name, text] of [
    ["review-1", "Broke after a day. Never again."],
    ["review-2", "Does exactly what it says."],
  ]) {
    a2i(baseURL!, "start-input", "e2e-classify", name, JSON.stringify({ taskObject: text, labels: LABELS }));
  }
  const page = await signInAsWorker(browser, baseURL!);
  const queue = page.getByTestId("queue-e2e-classify");
  await expect(queue.getByTestId("waiting")).toHaveText("2 tasks waiting for you");
  await expect(queue).toContainText("10:00 per task");
  await queue.getByRole("button", { name: "Start working" }).click();

  await onTask(page, "Broke after a day. Never again.");
  await expect(page.getByTestId("countdown")).toHaveText(/^(10:00|9:5\d)$/);
  await page.screenshot({ path: testInfo.outputPath("task-page.png"), fullPage: true });
  const first = await page.getByTestId("task-page").getAttribute("data-task-id");
  // The shortcut sheet opens and closes from the keyboard.
  await page.keyboard.press("?");
  await expect(page.getByTestId("shortcuts")).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("shortcuts")).toHaveCount(0);
  // 2 picks "Negative"; Enter submits and the next task follows without a trip to the queue.
  await page.keyboard.press("2");
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("task-page")).not.toHaveAttribute("data-task-id", first!);
  await onTask(page, "Does exactly what it says.");
  await expect(page.getByTestId("done-count")).toHaveText("1 done");
  // Esc asks first; only a second Esc releases the task back to the queue.
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("release-confirm")).toBeVisible();
  await expect(page.getByTestId("task-page")).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page).toHaveURL(/\/work$/);
  await expect(queue.getByTestId("waiting")).toHaveText("1 task waiting for you");
  await queue.getByRole("button", { name: "Start working" }).click();
  await onTask(page, "Does exactly what it says.");
  await page.keyboard.press("1");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/work\?done=1$/);
  await expect(page.getByTestId("queue-notice")).toContainText("All caught up");

  const negative = output(baseURL!, "review-1");
  expect(negative.humanAnswers).toHaveLength(1);
  expect(negative.humanAnswers[0].answerContent).toEqual({ sentiment: { label: "Negative" } });
  expect(negative.humanAnswers[0].workerMetadata.identityData.sub).toBeTruthy();
  expect(negative.humanAnswers[0].timeSpentInSeconds).toBeGreaterThan(0);
  expect(negative.inputContent).toEqual({ taskObject: "Broke after a day. Never again.", labels: LABELS });
  expect(output(baseURL!, "review-2").humanAnswers[0].answerContent).toEqual({ sentiment: { label: "Positive" } });
  await page.context().close();
});

test("the template runs sandboxed: a script in the task input never runs, and the frame cannot reach the worker's page", async ({ browser, baseURL }) => {
  a2i(baseURL!, "template-flow", "e2e-hostile", "classify.liquid", "1", "600");
  const hostile = '<img src=x onerror="parent.document.title=\'owned\'"><script>parent.document.title="owned"</script>';
  a2i(baseURL!, "start-input", "e2e-hostile", "hostile-1", JSON.stringify({ taskObject: hostile, labels: LABELS }));
  const page = await signInAsWorker(browser, baseURL!);
  await page.getByTestId("queue-e2e-hostile").getByRole("button", { name: "Start working" }).click();
  await onTask(page, "<script>parent.document.title");
  const frame = page.frameLocator("[data-testid=task-frame]");
  await expect(frame.locator("classification-target script")).toHaveCount(0);
  expect(await page.title()).not.toContain("owned");
  // The frame document is served with its own policy and sandbox.
  const id = await page.getByTestId("task-page").getAttribute("data-task-id");
  const response = await page.request.get(`/work/frame/${id}`);
  expect(response.headers()["content-security-policy"]).toContain("sandbox allow-scripts");
  expect(response.headers()["content-security-policy"]).toContain("connect-src 'none'");
  expect(await response.text()).not.toContain("assets.crowd.aws");
  await page.getByTestId("release").click();
  await expect(page).toHaveURL(/\/work$/);
  await expect(page.getByTestId("queue-e2e-hostile").getByTestId("waiting")).toHaveText("1 task waiting for you");
  await page.context().close();
});

test("two workers share a TaskCount 2 loop: each answers once, and one worker never gets both tasks", async ({ browser, baseURL }) => {
  a2i(baseURL!, "template-flow", "e2e-pair", "pair.liquid", "2", "600");
  a2i(baseURL!, "start-input", "e2e-pair", "pair-1", JSON.stringify({ taskObject: "A red bicycle" }));
  const first = await signInAsWorker(browser, baseURL!);
  const second = await signInAsWorker(browser, baseURL!, "second@e2e.local");

  await first.getByTestId("queue-e2e-pair").getByRole("button", { name: "Start working" }).click();
  await onTask(first, "A red bicycle");
  // Submit with the required field empty: the form says why, and nothing is sent.
  await first.getByTestId("submit").click();
  await expect(first.frameLocator("[data-testid=task-frame]").getByText(/required|fill/i).first()).toBeVisible();
  await first.frameLocator("[data-testid=task-frame]").locator("crowd-input input").fill("bicycle");
  await first.getByTestId("submit").click();
  // The loop's other task is not offered to the worker who answered it, nor counted for them.
  await expect(first).toHaveURL(/\/work\?done=1$/);
  await expect(first.getByTestId("queue-e2e-pair").getByTestId("waiting")).toHaveText("0 tasks waiting for you");

  await second.reload();
  await expect(second.getByTestId("queue-e2e-pair").getByTestId("waiting")).toHaveText("1 task waiting for you");
  await second.getByTestId("queue-e2e-pair").getByRole("button", { name: "Start working" }).click();
  await onTask(second, "A red bicycle");
  await second.frameLocator("[data-testid=task-frame]").locator("crowd-input input").fill("a bike");
  await second.getByTestId("submit").click();
  await expect(second).toHaveURL(/\/work\?done=1$/);

  const written = output(baseURL!, "pair-1");
  expect(written.humanAnswers.map((a: { answerContent: unknown }) => a.answerContent)).toEqual(
    expect.arrayContaining([{ note: "bicycle" }, { note: "a bike" }]),
  );
  const workers = new Set(written.humanAnswers.map((a: { workerId: string }) => a.workerId));
  expect(workers.size).toBe(2);
  await first.context().close();
  await second.context().close();
});

test("a task left open past its time limit cannot be submitted and goes back to the queue", async ({ browser, baseURL }) => {
  test.setTimeout(90_000);
  a2i(baseURL!, "template-flow", "e2e-timeout", "pair.liquid", "1", "30");
  a2i(baseURL!, "start-input", "e2e-timeout", "slow-1", JSON.stringify({ taskObject: "A slow item" }));
  const page = await signInAsWorker(browser, baseURL!);
  await page.getByTestId("queue-e2e-timeout").getByRole("button", { name: "Start working" }).click();
  await onTask(page, "A slow item");
  const id = await page.getByTestId("task-page").getAttribute("data-task-id");
  await page.frameLocator("[data-testid=task-frame]").locator("crowd-input input").fill("too late");
  await expect(page.getByTestId("countdown")).toHaveClass(/warning/, { timeout: 5_000 });
  await expect(page.getByTestId("time-up")).toBeVisible({ timeout: 40_000 });
  await expect(page.getByTestId("countdown")).toHaveClass(/expired/);
  await expect(page.getByTestId("submit")).toBeDisabled();
  // The server refuses a late answer too, whatever the page does.
  const late = await page.request.post(`/work/api/tasks/${id}/submit`, {
    headers: { "sec-fetch-site": "same-origin" },
    data: { answer: { note: "too late" } },
  });
  expect(late.status()).toBe(409);
  expect((await late.json()).code).toMatch(/TimeUp|NotHeld/);
  await expect(async () => {
    await page.goto("/work");
    await expect(page.getByTestId("queue-e2e-timeout").getByTestId("waiting")).toHaveText("1 task waiting for you", { timeout: 1000 });
  }).toPass({ timeout: 20_000 });
});
