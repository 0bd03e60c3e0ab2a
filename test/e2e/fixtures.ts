import { test as base, expect, type Page, type TestInfo } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { tempFolders } from '../support/temp-folders';

export const adminPassword = 'e2e-root-passphrase';

export interface ServerHandle {
  url: string;
  dataDir: string;
  /** Everything the server printed, attached to the report when a test fails. */
  output(): string;
}

/**
 * Starts `creditdesk serve` on a free port with its own data folder; resolves when it listens.
 * `reuse` starts it again on the port and data folder of one stopped with keepData (a restart);
 * the data folder is removed only by the stop of the server that made it.
 */
export async function startServer(
  extraArgs: string[] = [],
  reuse?: { port: number; dataDir: string },
): Promise<ServerHandle & { stop(options?: { keepData?: boolean }): Promise<void> }> {
  const folders = tempFolders('creditdesk-e2e-');
  const dataDir = reuse?.dataDir ?? folders.folder();
  const child: ChildProcess = spawn(process.execPath, ['out/main/cli.js', 'serve', '--port', String(reuse?.port ?? 0), '--data-dir', dataDir, ...extraArgs], {
    env: { ...process.env, CREDITDESK_ADMIN_PASSWORD: adminPassword },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += String(chunk)));
  child.stderr?.on('data', (chunk) => (output += String(chunk)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 120_000);
    const check = () => {
      // "CreditDesk is": with --demo the embedded institutions announce their own server first.
      const match = /CreditDesk is serving on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    dataDir,
    output: () => output,
    async stop(options: { keepData?: boolean } = {}) {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      if (!options.keepData) folders.removeAll();
    },
  };
}

/** Signs in through the real form. */
export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.getByLabel(/用户名|Username/).fill(username);
  await page.getByLabel(/^(密码|Password)$/).fill(password);
  await page.getByRole('button', { name: /^(登录|Sign in)$/ }).click();
}

/**
 * Signs in and waits for the signed-in shell and its landing page. Use it before navigating away:
 * a navigation while the sign-in request is still in flight (a busy machine) drops its response
 * and its cookie, and one made while the landing redirects (/ -> /review -> /review/contacts) are
 * still pending is overridden by them: React Router runs them as transitions, which a slow render
 * delays past the test's own page.goto.
 */
export async function signInAndWait(page: Page, username: string, password: string): Promise<void> {
  await signIn(page, username, password);
  await expect(page.getByTestId('operator-menu')).toBeVisible({ timeout: 30_000 });
  await expect.poll(() => new URL(page.url()).hash, { timeout: 30_000 }).not.toMatch(/^(#\/?|#\/review\/?)?$/);
}

/** A minimal RPC client over the server's HTTP API, keeping the session cookie and CSRF token. */
export async function apiSession(url: string, username: string, password: string) {
  const response = await fetch(`${url}/api/rpc/auth:sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] as string;
  const body = (await response.json()) as { ok: boolean; data: { csrfToken: string } };
  if (!body.ok) throw new Error(`sign-in as ${username} failed: ${JSON.stringify(body)}`);
  return async function call<T>(channel: string, input: unknown): Promise<T> {
    const result = (await (
      await fetch(`${url}/api/rpc/${channel}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': body.data.csrfToken }, body: JSON.stringify(input) })
    ).json()) as { ok: boolean; data: T; error?: { message: string } };
    if (!result.ok) throw new Error(`${channel}: ${result.error?.message}`);
    return result.data;
  };
}

type RunningServer = Awaited<ReturnType<typeof startServer>>;

/** A server of its own for each test, started with `args`; what it printed is attached when the test fails. */
function serverFixture(args: string[]) {
  return async ({}, use: (server: RunningServer) => Promise<void>, testInfo: TestInfo) => {
    const server = await startServer(args);
    await use(server);
    if (testInfo.status !== testInfo.expectedStatus) {
      await testInfo.attach('server-output', { body: server.output(), contentType: 'text/plain' });
    }
    await server.stop();
  };
}

export const test = base.extend<{ server: ServerHandle }>({ server: serverFixture([]) });

/** For flows that need data (review tasks, a loan book): the server runs the embedded demo institutions (--demo). */
export const demoTest = base.extend<{ demo: RunningServer }>({ demo: serverFixture(['--demo']) });

export { expect };
