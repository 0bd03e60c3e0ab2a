import type { Page } from '@playwright/test';
import { adminPassword, demoTest, expect, signIn, signInAndWait, startServer, test } from './fixtures';

/**
 * The desk as its people use it (issue 28): deep links that cannot load say so, the language picked
 * at sign-in sticks, errors and limits speak the operator's language, and a server that goes away
 * is said once, blocks decisions and is recovered from without a reload.
 */

/** Text of the whole page, for "no raw English reached the Chinese UI". */
async function visibleText(page: Page): Promise<string> {
  return page.locator('body').innerText();
}

test('a deep link to a record that does not exist, or with an id that is not one, says "not found" with a way back', async ({ page, server }) => {
  // Eight deep links, each a route load and a failed look-up: on a loaded machine that passed 60 s.
  test.slow();
  await page.goto(server.url);
  await signInAndWait(page, 'admin', adminPassword);
  const links: Array<[string, RegExp, string]> = [
    ['/review/task/abc', /找不到该审核任务/, '/review'],
    ['/review/task/999999', /找不到该审核任务/, '/review'],
    ['/loans/abc', /找不到该借据/, '/loans/list'],
    ['/loans/999999', /找不到该借据/, '/loans/list'],
    ['/lines/abc', /找不到该授信额度/, '/lines/list'],
    ['/lines/999999', /找不到该授信额度/, '/lines/list'],
    ['/borrowers/abc', /找不到该借款人/, '/borrowers'],
    ['/borrowers/999999', /找不到该借款人/, '/borrowers'],
  ];
  for (const [link, title, back] of links) {
    await page.goto(`${server.url}/#${link}`);
    const notFound = page.getByTestId('not-found');
    await expect(notFound, link).toBeVisible();
    await expect(notFound.getByRole('heading')).toHaveText(title);
    // The server's English ("Loan 999999 does not exist.") never reaches the Chinese screen.
    expect(await visibleText(page)).not.toMatch(/does not exist|No review task|not found/i);
    await expect(page.getByTestId('not-found-back')).toHaveAttribute('href', `#${back}`);
  }
  await page.getByTestId('not-found-back').click();
  await expect(page).toHaveURL(/#\/borrowers$/);
  await expect(page.getByTestId('borrower-search')).toBeVisible();
});

test('the language picked on the sign-in page wins over the account’s and is saved with it', async ({ page, server }) => {
  await page.goto(server.url);
  // A new account is stored as zh-CN; the operator picks English before signing in.
  await page.getByText('English', { exact: true }).click();
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await signInAndWait(page, 'admin', adminPassword);
  await expect(page.getByTestId('nav-settings')).toHaveText(/Settings/);
  // Still English a moment later (the account's zh-CN used to replace it right after sign-in)...
  await page.waitForTimeout(500);
  await expect(page.getByTestId('nav-settings')).toHaveText(/Settings/);
  // ...and saved to the account: a fresh browser profile without the local choice comes up English.
  await page.evaluate(() => (globalThis as unknown as { localStorage: { clear(): void } }).localStorage.clear());
  await page.reload();
  await expect(page.getByTestId('nav-settings')).toHaveText(/Settings/);
});

test('inputs stop at their limits with a counter, and an unreachable server is one translated banner that goes by itself', async ({ page, server }) => {
  await page.goto(server.url);
  await signInAndWait(page, 'admin', adminPassword);
  await page.goto(`${server.url}/#/borrowers`);
  const search = page.getByTestId('borrower-search');
  await search.fill('1'.repeat(80));
  await expect(search).toHaveValue('1'.repeat(64));
  await expect(page.getByTestId('borrower-search-count')).toHaveText('64 / 64');
  expect(await visibleText(page)).not.toMatch(/Invalid input|Too big/);

  // The server cannot be reached: one banner, in Chinese, and nothing in English.
  await page.route('**/api/rpc/**', (route) => route.abort('connectionrefused'));
  await page.route('**/healthz', (route) => route.abort('connectionrefused'));
  await search.fill('张');
  const banner = page.getByTestId('connection-banner');
  await expect(banner).toBeVisible({ timeout: 15_000 });
  await expect(banner).toHaveText(/与服务器的连接已断开/);
  await expect(page.getByTestId('connection-banner')).toHaveCount(1);
  expect(await visibleText(page)).not.toMatch(/cannot be reached|server/i);

  // It comes back: the banner goes without a click, and the search answers again.
  await page.unroute('**/api/rpc/**');
  await page.unroute('**/healthz');
  await expect(banner).toHaveCount(0, { timeout: 15_000 });
  await page.getByTestId('borrower-search').fill('张三');
  await expect(page.getByText('未找到借款人。').or(page.getByRole('listbox'))).toBeVisible({ timeout: 15_000 });
});

demoTest('a decision is confirmed by the next task, not by a notice over the toolbar; offline, decisions wait; a long note is kept and refused, not cut', async ({ page, demo }) => {
  demoTest.setTimeout(180_000);
  await page.goto(demo.url);
  await signInAndWait(page, 'admin', adminPassword);
  await page.goto(`${demo.url}/#/review/contacts`);
  await expect(page.getByTestId('queue-row').first()).toBeVisible({ timeout: 120_000 });
  await page.keyboard.press('j');
  const workspace = page.getByTestId('task-page');
  await expect(workspace).toBeVisible();
  const first = (await workspace.getAttribute('data-task-id')) as string;

  // A pasted note longer than 1,000 characters stays whole, is marked and cannot be sent.
  await page.keyboard.press('s');
  const dialog = page.getByTestId('decision-dialog');
  await expect(dialog).toBeVisible();
  await page.keyboard.press('1');
  await page.getByTestId('decision-note').fill('备'.repeat(1200));
  await expect(page.getByTestId('decision-note')).toHaveValue('备'.repeat(1200));
  await expect(page.getByTestId('note-count')).toHaveText('1,200 / 1,000');
  await expect(page.getByTestId('decision-submit')).toBeDisabled();
  await page.getByTestId('decision-note').fill('补件');
  await page.getByTestId('decision-submit').click();
  await expect(workspace).not.toHaveAttribute('data-task-id', first, { timeout: 15_000 });
  // The next task is the confirmation: no notice appears, on the toolbar or anywhere.
  await page.waitForTimeout(800);
  await expect(page.locator('.mantine-Notification-root')).toHaveCount(0);

  // The server goes away (stopped, then started again on its port and data): the banner, and the
  // decision buttons are disabled until it answers again; then everything recovers by itself.
  const port = Number(new URL(demo.url).port);
  await demo.stop({ keepData: true });
  await expect(page.getByTestId('connection-banner')).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId('action-approve')).toBeDisabled();
  await expect(page.getByTestId('action-escalate')).toBeDisabled();
  await page.keyboard.press('a');
  await expect(dialog).toHaveCount(0);
  expect(await visibleText(page)).not.toMatch(/cannot be reached/);
  const restarted = await startServer(['--demo'], { port, dataDir: demo.dataDir });
  try {
    await expect(page.getByTestId('connection-banner')).toHaveCount(0, { timeout: 20_000 });
    await expect(page.getByTestId('action-approve')).toBeEnabled();
  } finally {
    await restarted.stop({ keepData: true });
  }
});

test('each role starts where its work is, reviewers with a hint, and the navigation names its counts', async ({ page, server }) => {
  test.setTimeout(150_000);
  const signInResponse = await fetch(`${server.url}/api/rpc/auth:sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: adminPassword }) });
  const cookie = (signInResponse.headers.get('set-cookie') ?? '').split(';')[0] as string;
  const { data } = (await signInResponse.json()) as { data: { csrfToken: string } };
  const call = (channel: string, input: unknown) =>
    fetch(`${server.url}/api/rpc/${channel}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': data.csrfToken }, body: JSON.stringify(input) });
  for (const [username, role] of [['kefu', 'support'], ['shenhe', 'reviewer']] as const) {
    await call('users:create', { username, displayName: username, role, password: `Initial-Pass-${role}-7391` });
    const own = await fetch(`${server.url}/api/rpc/auth:sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: `Initial-Pass-${role}-7391` }) });
    const ownCookie = (own.headers.get('set-cookie') ?? '').split(';')[0] as string;
    const ownToken = ((await own.json()) as { data: { csrfToken: string } }).data.csrfToken;
    await fetch(`${server.url}/api/rpc/auth:change-password`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: ownCookie, 'x-csrf-token': ownToken },
      body: JSON.stringify({ currentPassword: `Initial-Pass-${role}-7391`, newPassword: `Desk-Pass-${role}-8462` }),
    });
  }
  const starts: Array<[string, string, RegExp]> = [
    ['admin', adminPassword, /#\/review\/inbox$/],
    ['kefu', 'Desk-Pass-support-8462', /#\/borrowers$/],
    ['shenhe', 'Desk-Pass-reviewer-8462', /#\/review\/contacts$/],
  ];
  for (const [username, password, start] of starts) {
    await page.context().clearCookies();
    await page.goto(server.url);
    await signIn(page, username, password);
    await expect(page).toHaveURL(start, { timeout: 30_000 });
  }
  // The reviewer sees the one-line hint, and the navigation says which queue each number counts.
  await expect(page.getByTestId('start-hint')).toHaveText(/按 J 开始审核/);
  await expect(page.getByTestId('nav-count-contacts')).toHaveText(/联系人 \d+/);
  await expect(page.getByTestId('nav-count-ocr')).toHaveText(/OCR \d+/);
});
