import { test as base, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, createPublicKey } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { request } from 'node:https';
import path from 'node:path';
import { tempFolders } from '../support/temp-folders';
import { selfSignedCertificate } from '../support/tls';
import { adminPassword, expect, signInAndWait } from './fixtures';

/**
 * A team on one server (issue 27): `creditdesk serve --demo` over HTTPS with a self-signed
 * certificate made here, on 127.0.0.1 only. Two reviewers and a supervisor in three browser
 * contexts: a task one reviewer claims leaves the other's list at once, and an open task page says
 * who took it; a four-eyes approval a reviewer starts is completed by the supervisor; the
 * supervisor sees both reviewers signed in and the task each holds, and releases the claim a
 * reviewer left when he signed out (docs/deployment.md, "A team on one machine").
 */
const certificate = selfSignedCertificate();
// Chromium trusts exactly this certificate (its public key pinned), as a desktop pins its fingerprint.
const spki = createHash('sha256')
  .update(createPublicKey(certificate.key).export({ type: 'spki', format: 'der' }))
  .digest('base64');

interface TeamServer {
  url: string;
  output(): string;
}

const test = base.extend<{ team: TeamServer }>({
  launchOptions: async ({ launchOptions }, use) => {
    await use({ ...launchOptions, args: [...(launchOptions.args ?? []), `--ignore-certificate-errors-spki-list=${spki}`] });
  },
  team: async ({}, use, testInfo) => {
    const folders = tempFolders('creditdesk-team-e2e-');
    const dataDir = folders.folder();
    writeFileSync(path.join(dataDir, 'cert.pem'), certificate.cert);
    writeFileSync(path.join(dataDir, 'key.pem'), certificate.key, { mode: 0o600 });
    const child: ChildProcess = spawn(
      process.execPath,
      ['out/main/cli.js', 'serve', '--demo', '--listen', '127.0.0.1:0', '--tls-cert', path.join(dataDir, 'cert.pem'), '--tls-key', path.join(dataDir, 'key.pem'), '--data-dir', path.join(dataDir, 'data')],
      { env: { ...process.env, CREDITDESK_ADMIN_PASSWORD: adminPassword }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout?.on('data', (chunk) => (output += String(chunk)));
    child.stderr?.on('data', (chunk) => (output += String(chunk)));
    child.once('exit', (code, signal) => (output += `\n[server exited: ${code ?? signal}]\n`));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 60_000);
      child.stdout?.on('data', () => {
        const match = /CreditDesk is serving on (https:\/\/[^\s]+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1] as string);
        }
      });
      child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
    });
    await use({ url, output: () => output });
    if (testInfo.status !== testInfo.expectedStatus) await testInfo.attach('server-output', { body: output, contentType: 'text/plain' });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
    folders.removeAll();
  },
});

/** One HTTPS call that trusts only the test's certificate. */
function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; cookie: string | null; json: { ok: boolean; data: unknown; error?: { message: string } } }> {
  return new Promise((resolve, reject) => {
    const call = request(url, { method: 'POST', ca: certificate.cert, headers: { 'content-type': 'application/json', ...headers } }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, cookie: response.headers['set-cookie']?.[0]?.split(';')[0] ?? null, json: JSON.parse(text) }));
    });
    call.on('error', reject);
    call.end(JSON.stringify(body));
  });
}

/** A signed-in API session over HTTPS (cookie + CSRF token), for accounts and setup. */
async function session(url: string, username: string, password: string) {
  const signIn = await post(`${url}/api/rpc/auth:sign-in`, { username, password });
  if (!signIn.json.ok) throw new Error(`sign-in ${username}: ${signIn.json.error?.message}`);
  const csrf = (signIn.json.data as { csrfToken: string }).csrfToken;
  const cookie = signIn.cookie ?? '';
  return async function call<T>(channel: string, input: unknown): Promise<T> {
    const answer = await post(`${url}/api/rpc/${channel}`, input, { cookie, 'x-csrf-token': csrf });
    if (!answer.json.ok) throw new Error(`${channel}: ${answer.json.error?.message}`);
    return answer.json.data as T;
  };
}

async function createOperator(url: string, admin: Awaited<ReturnType<typeof session>>, username: string, role: string): Promise<string> {
  await admin('users:create', { username, displayName: username, role, password: 'first-day-harbor-9' });
  const own = await session(url, username, 'first-day-harbor-9');
  await own('auth:change-password', { currentPassword: 'first-day-harbor-9', newPassword: 'own-quiet-lantern-7' });
  // Only the browser's session is left, so signing out there takes the operator offline.
  await own('auth:sign-out', {});
  return 'own-quiet-lantern-7';
}

async function desk(browser: Browser, url: string, username: string, password: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  await page.goto(url);
  // A browser has no back end to choose: it goes straight to sign-in.
  await expect(page.getByLabel(/用户名|Username/)).toBeVisible();
  await expect(page.getByTestId('desk-choice')).toHaveCount(0);
  await signInAndWait(page, username, password);
  return { context, page };
}

test('a team on one HTTPS server: a claimed task leaves the other reviewer’s list and page, a supervisor completes a four-eyes case, sees who holds what, and releases a stale claim', async ({ browser, team }) => {
  // About 50 s on an idle machine; the shared CI machine may be several times slower.
  test.setTimeout(240_000);
  const admin = await session(team.url, 'admin', adminPassword);
  const [wangPassword, liPassword, zhaoPassword] = await Promise.all([
    createOperator(team.url, admin, 'wang', 'reviewer'),
    createOperator(team.url, admin, 'li', 'reviewer'),
    createOperator(team.url, admin, 'zhao', 'supervisor'),
  ]);
  // The demo institutions' first sync brings face tasks, one of them in the reject band (four-eyes on approval).
  await expect
    .poll(async () => (await admin<{ total: number }>('review:list', { queue: 'face', findingCode: 'face_score_reject', limit: 1 })).total, { timeout: 120_000, intervals: [1000] })
    .toBeGreaterThan(0);

  const [wang, li, zhao] = await Promise.all([
    desk(browser, team.url, 'wang', wangPassword),
    desk(browser, team.url, 'li', liPassword),
    desk(browser, team.url, 'zhao', zhaoPassword),
  ]);
  await Promise.all([wang.page.goto(`${team.url}/#/review/face`), li.page.goto(`${team.url}/#/review/face`)]);
  await expect(li.page.getByTestId('queue-row').first()).toBeVisible();
  await expect(wang.page.getByTestId('queue-row').first()).toBeVisible();

  // wang takes the next face task; it leaves li's list within a second or two, without li doing anything.
  await wang.page.keyboard.press('j');
  // The claim's own answer may wait on a busy shared machine; the live removal below is what is timed.
  await expect(wang.page.getByTestId('task-page')).toBeVisible({ timeout: 30_000 });
  const claimed = (await wang.page.getByTestId('task-application').textContent()) as string;
  await expect(li.page.getByTestId('queue-row').filter({ hasText: claimed })).toHaveCount(0, { timeout: 2000 });
  await expect(li.page.getByTestId('queue-row').first()).toBeVisible();

  // li has a task open, not claimed; wang takes it: li's page says who took it and offers the next one.
  const viewed = (await li.page.getByTestId('queue-row').first().textContent())?.match(/APP\d+/)?.[0] as string;
  await li.page.getByTestId('queue-row').first().click();
  await expect(li.page.getByTestId('task-application')).toHaveText(viewed);
  await wang.page.goto(li.page.url());
  await wang.page.getByTestId('claim').click();
  await expect(wang.page.getByTestId('claim')).toHaveCount(0);
  await expect(li.page.getByTestId('task-taken')).toContainText('wang', { timeout: 2000 });
  await expect(li.page.getByTestId('taken-next')).toBeVisible();

  // wang approves a reject-band face: it waits for a supervisor's second decision.
  await wang.page.goto(`${team.url}/#/review/face?findingCode=face_score_reject`);
  await wang.page.getByTestId('queue-row').first().click();
  await wang.page.getByTestId('claim').click();
  await expect(wang.page.getByTestId('claim')).toHaveCount(0);
  const fourEyes = (await wang.page.getByTestId('task-application').textContent()) as string;
  await wang.page.keyboard.press('a');
  await expect(wang.page.getByTestId('decision-dialog').getByText('需要另一位主管复核')).toBeVisible();
  await wang.page.keyboard.press('Enter');
  await expect(wang.page.getByTestId('task-application')).not.toHaveText(fourEyes, { timeout: 15_000 });
  // The decision moved wang on to the next task, which he now holds.
  await expect(wang.page.getByTestId('claim')).toHaveCount(0);
  const held = (await wang.page.getByTestId('task-application').textContent()) as string;
  const heldTaskId = (await wang.page.getByTestId('task-page').getAttribute('data-task-id')) as string;

  // zhao, in a third context, sees the team and completes the four-eyes case.
  await zhao.page.goto(`${team.url}/#/review/inbox`);
  await expect(zhao.page.getByTestId('presence-wang')).toHaveAttribute('data-online', 'true');
  await expect(zhao.page.getByTestId('presence-li')).toHaveAttribute('data-online', 'true');
  await expect(zhao.page.getByTestId('decisions-wang')).toHaveText('1');
  await expect(zhao.page.getByTestId('presence-wang')).toContainText(held);
  await zhao.page.getByTestId('inbox-second').getByRole('link', { name: fourEyes }).click();
  await expect(zhao.page.getByTestId('waiting-decision')).toContainText('wang');
  await zhao.page.getByTestId('action-confirm').click();
  await zhao.page.getByTestId('decision-submit').click();
  await expect(zhao.page.getByTestId('inbox-second')).toBeVisible();
  await expect(zhao.page.getByTestId('inbox-second').getByRole('link', { name: fourEyes })).toHaveCount(0);
  const outbox = await admin<{ rows: Array<{ subjectId: string }> }>('sync:outbox', { limit: 50 });
  expect(outbox.rows.filter((row) => row.subjectId === fourEyes)).toHaveLength(1);

  // wang signs out in another tab, his task page still open: the claim he left is stale, and zhao releases it.
  const elsewhere = await wang.context.newPage();
  await elsewhere.goto(team.url);
  await elsewhere.getByTestId('operator-menu').click();
  await elsewhere.getByRole('menuitem', { name: /退出登录|Sign out/ }).click();
  await expect(elsewhere.getByLabel(/用户名|Username/)).toBeVisible();
  await expect(zhao.page.getByTestId('presence-wang')).toHaveAttribute('data-online', 'false', { timeout: 20_000 });
  await expect(zhao.page.getByTestId('presence-wang')).toContainText('已失效');
  await zhao.page.getByTestId(`release-${heldTaskId}`).click();
  await zhao.page.getByTestId('release-reason').fill('wang signed out holding it');
  await zhao.page.getByTestId('release-confirm').click();
  await expect(zhao.page.getByTestId('presence-wang')).not.toContainText(held);
  const task = await admin<{ task: { claimedBy: unknown } }>('review:task', { taskId: Number(heldTaskId) });
  expect(task.task.claimedBy).toBeNull();

  for (const { context } of [wang, li, zhao]) await context.close();
});
