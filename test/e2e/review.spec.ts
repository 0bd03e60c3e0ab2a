import { test as base, type Page } from '@playwright/test';
import { adminPassword, expect, signIn, signInAndWait, startServer, type ServerHandle } from './fixtures';

/**
 * The manual-review queues end to end, on the demo institutions' simulator data synced by
 * `creditdesk serve --demo`: a reviewer works each queue by keyboard alone, a rejection without a
 * reason is refused, a supervisor completes a four-eyes approval, and every decision reaches the
 * simulator exactly once.
 */
const test = base.extend<{ demo: ServerHandle & { simulatorUrl: string } }>({
  demo: async ({}, use, testInfo) => {
    const server = await startServer(['--demo']);
    const simulator = /Demo institutions serving on (http:\/\/127\.0\.0\.1:\d+)/.exec(server.output());
    await use({ ...server, simulatorUrl: simulator?.[1] ?? '' });
    if (testInfo.status !== testInfo.expectedStatus) await testInfo.attach('server-output', { body: server.output(), contentType: 'text/plain' });
    await server.stop();
  },
});

/** A signed-in API session (cookie + CSRF token), for setting up accounts and reading state. */
async function session(url: string, username: string, password: string) {
  const response = await fetch(`${url}/api/rpc/auth:sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] as string;
  const body = (await response.json()) as { ok: boolean; data: { csrfToken: string }; error?: { message: string } };
  if (!body.ok) throw new Error(`sign-in ${username}: ${body.error?.message}`);
  return async function call<T>(channel: string, input: unknown): Promise<T> {
    const result = await fetch(`${url}/api/rpc/${channel}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': body.data.csrfToken },
      body: JSON.stringify(input),
    });
    const envelope = (await result.json()) as { ok: boolean; data: T; error?: { message: string } };
    if (!envelope.ok) throw new Error(`${channel}: ${envelope.error?.message}`);
    return envelope.data;
  };
}

async function createOperator(url: string, admin: Awaited<ReturnType<typeof session>>, username: string, role: string): Promise<string> {
  await admin('users:create', { username, displayName: username, role, password: 'first-day-harbor-9' });
  const own = await session(url, username, 'first-day-harbor-9');
  await own('auth:change-password', { currentPassword: 'first-day-harbor-9', newPassword: 'own-quiet-lantern-7' });
  return 'own-quiet-lantern-7';
}

interface Counts {
  queues: Record<'contacts' | 'face' | 'ocr', { open: number }>;
}

async function taskOnScreen(page: Page): Promise<{ id: string; application: string }> {
  const workspace = page.getByTestId('task-page');
  await expect(workspace).toBeVisible();
  return { id: (await workspace.getAttribute('data-task-id')) as string, application: (await page.getByTestId('task-application').textContent()) as string };
}

/** Waits until the workspace shows another task than `previous`. */
async function nextTaskOpens(page: Page, previous: string): Promise<{ id: string; application: string }> {
  await expect(page.getByTestId('task-page')).not.toHaveAttribute('data-task-id', previous, { timeout: 15_000 });
  return taskOnScreen(page);
}

test('reviewers work every queue by keyboard, a supervisor gives a four-eyes approval, the simulator receives each decision once', async ({ page, browser, demo }) => {
  test.setTimeout(240_000);
  const admin = await session(demo.url, 'admin', adminPassword);
  const reviewerPassword = await createOperator(demo.url, admin, 'wang', 'reviewer');
  const supervisorPassword = await createOperator(demo.url, admin, 'zhao', 'supervisor');
  await expect
    .poll(async () => Object.values((await admin<Counts>('review:counts', {})).queues).map((queue) => queue.open >= 3), { timeout: 120_000, intervals: [2000] })
    .toEqual([true, true, true]);

  await page.goto(demo.url);
  await signIn(page, 'wang', reviewerPassword);
  // The start page is the first queue; "J" starts reviewing.
  await expect(page.getByTestId('queue-list')).toBeVisible();
  await expect(page.getByTestId('review-nav-counts')).toBeVisible();
  await page.keyboard.press('j');
  const rejected: string[] = [];

  for (const queue of ['contacts', 'face', 'ocr'] as const) {
    if (queue !== 'contacts') {
      await page.goto(`${demo.url}/#/review/${queue}`);
      await expect(page.getByTestId('queue-list')).toBeVisible();
      await page.keyboard.press('j');
    }
    let task = await taskOnScreen(page);
    await expect(page.getByTestId('task-page')).toHaveAttribute('data-queue', queue);
    if (queue === 'contacts') {
      // Esc closes the shortcut help (or a decision dialog) and nothing else: the task stays open.
      await page.keyboard.press('?');
      await expect(page.getByRole('dialog')).toBeVisible();
      await page.keyboard.press('Escape');
      await expect(page.getByRole('dialog')).toHaveCount(0);
      await page.keyboard.press('r');
      await expect(page.getByTestId('decision-dialog')).toBeVisible();
      await page.keyboard.press('Escape');
      await expect(page.getByTestId('decision-dialog')).toHaveCount(0);
      await expect(page.getByTestId('task-page')).toHaveAttribute('data-task-id', task.id);
    }

    // 1. A rejection without a reason is refused, then given one with "1".
    await page.keyboard.press('r');
    const dialog = page.getByTestId('decision-dialog');
    await expect(dialog).toBeVisible();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('decision-error')).toHaveText('请先选择原因：拒绝、补件和升级都必须注明原因。');
    await page.keyboard.press('1');
    await page.keyboard.press('Enter');
    rejected.push(task.application);
    task = await nextTaskOpens(page, task.id);

    // 2. An approval: the next task opens (it may wait for a supervisor when a high-severity finding is involved).
    await page.keyboard.press('a');
    await expect(dialog).toBeVisible();
    await page.keyboard.press('Enter');
    task = await nextTaskOpens(page, task.id);

    // 3. "J" skips to the next task, "K" goes back to the skipped one.
    await page.keyboard.press('j');
    const skippedTo = await nextTaskOpens(page, task.id);
    await page.keyboard.press('k');
    await expect(page.getByTestId('task-page')).toHaveAttribute('data-task-id', task.id);
    void skippedTo;
  }
  // Keyboard help is one key away.
  await page.keyboard.press('?');
  await expect(page.getByTestId('keyboard-help')).toBeVisible();
  await page.keyboard.press('Escape');

  // Approving against a reject-band face score (an automatic rejection the institution holds for
  // a person) needs a supervisor's second decision.
  await page.goto(`${demo.url}/#/review/face?findingCode=face_score_reject`);
  await page.getByTestId('queue-row').first().click();
  await expect(page.getByTestId('task-page')).toBeVisible();
  await page.getByTestId('claim').click();
  await expect(page.getByTestId('claim')).toHaveCount(0);
  const fourEyesTask = await taskOnScreen(page);
  const fourEyesApplication = fourEyesTask.application;
  await page.keyboard.press('a');
  const approveDialog = page.getByTestId('decision-dialog');
  await expect(approveDialog.getByText('需要另一位主管复核')).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('task-page')).not.toHaveAttribute('data-task-id', fourEyesTask.id, { timeout: 15_000 });

  // The supervisor finds the approval waiting in the inbox and confirms it.
  const supervisorContext = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const supervisorPage = await supervisorContext.newPage();
  await supervisorPage.goto(demo.url);
  await signInAndWait(supervisorPage, 'zhao', supervisorPassword);
  await supervisorPage.goto(`${demo.url}/#/review/inbox`);
  const waiting = supervisorPage.getByTestId('inbox-second').getByRole('link', { name: fourEyesApplication });
  await waiting.click();
  await expect(supervisorPage.getByTestId('waiting-decision')).toContainText('wang');
  await supervisorPage.getByTestId('action-confirm').click();
  await supervisorPage.getByTestId('decision-submit').click();
  await expect(supervisorPage.getByTestId('inbox-second')).toBeVisible();
  await expect(supervisorPage.getByTestId('inbox-second').getByRole('link', { name: fourEyesApplication })).toHaveCount(0);

  // Every application decision CreditDesk queued reaches the simulator, exactly once.
  type Received = Record<string, Array<{ application_id: string; applied: boolean; status_code: number }>>;
  const received = async () => Object.values((await (await fetch(`${demo.simulatorUrl}/admin/decisions`)).json()) as Received).flat();
  const queued = (await admin<{ rows: Array<{ subjectId: string }> }>('sync:outbox', { limit: 500 })).rows.map((row) => row.subjectId);
  expect(queued).toEqual(expect.arrayContaining(rejected));
  await expect
    .poll(async () => (await admin<{ rows: unknown[] }>('sync:outbox', { state: 'delivered', limit: 500 })).rows.length, { timeout: 90_000, intervals: [2000] })
    .toBe(queued.length);
  const applied = (await received()).filter((row) => row.applied);
  expect(applied.map((row) => row.application_id).sort()).toEqual([...queued].sort());
  // The delivery is on the task's timeline too.
  await page.goto(`${demo.url}/#/review/contacts?status=decided`);
  await page.getByTestId('queue-row').filter({ hasText: rejected[0] as string }).click();
  await expect(page.getByTestId('timeline').locator('[data-kind="delivered"]')).toHaveCount(1, { timeout: 15_000 });
  await supervisorContext.close();
});
