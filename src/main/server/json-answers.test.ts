import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTestBackend, ManualClock, operatorContext, testOperatorPassword } from '../../../test/support/backend';
import { fixtureRecord, ingestFixtureApplication, insertFixtureInstitution } from '../../../test/support/review-fixtures';
import { silentLogger } from '../logging/logger';
import { createHandlers } from '../rpc/handlers';
import { createRouter } from '../rpc/router';
import { startHttpServer, type RunningHttpServer } from './http-server';

let backend: Awaited<ReturnType<typeof createTestBackend>>;
let server: RunningHttpServer;
let clock: ManualClock;

beforeEach(async () => {
  clock = new ManualClock(Date.UTC(2026, 10, 25, 2, 0, 0));
  // As `serve` runs: a read worker, and the handlers' answers not checked against the contract.
  backend = await createTestBackend({ clock, readWorkers: 1, validateOutput: false });
  server = await startHttpServer({ backend, port: 0 });
});
afterEach(async () => {
  await server.close();
  await backend.cleanup();
});

async function rpc(channel: string, body: unknown, headers: Record<string, string> = {}): Promise<{ text: string; cookie: string | null }> {
  const response = await fetch(`${server.url}/api/rpc/${channel}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { text: await response.text(), cookie: response.headers.get('set-cookie') };
}

describe('a read worker’s answer over HTTP', () => {
  it('leaves as the worker encoded it: never parsed on the main thread, the same bytes as the main thread’s own answer', async () => {
    const institutionId = insertFixtureInstitution(backend.db, 'HNXD');
    ingestFixtureApplication(backend.db, institutionId, fixtureRecord({ externalId: 'APP-1', face: { score: 65 }, borrower: { name: '张三', idNumber: '440308199901101512', phone: '13700000001' } }, clock.now()), clock.now());
    await operatorContext(backend, 'wang', 'reviewer');
    const signedIn = await rpc('auth:sign-in', { username: 'wang', password: testOperatorPassword });
    const headers = { cookie: (signedIn.cookie ?? '').split(';')[0] as string, 'x-csrf-token': (JSON.parse(signedIn.text) as { data: { csrfToken: string } }).data.csrfToken };
    const taskId = (backend.db.$client.prepare("SELECT id FROM review_tasks WHERE queue = 'face'").get() as { id: number }).id;
    await expect.poll(() => backend.readPool?.stats().ready, { timeout: 60_000 }).toBe(1);

    const parse = vi.spyOn(JSON, 'parse');
    let task: string;
    let page: string;
    let parsed: string[];
    try {
      task = (await rpc('review:task', { taskId }, headers)).text;
      page = (await rpc('review:list', { queue: 'face' }, headers)).text;
      parsed = parse.mock.calls.map(([text]) => String(text));
    } finally {
      parse.mockRestore();
    }
    expect(backend.readPool?.stats().served).toBe(2);
    // The request bodies are parsed; no answer is.
    expect(parsed).toContain(JSON.stringify({ taskId }));
    expect(parsed.filter((text) => text.includes('evidenceHash') || text.includes('"rows"'))).toEqual([]);

    const session = backend.services.auth.resolveSession(headers.cookie.split('=')[1]);
    if (!session) throw new Error('no session');
    const mainThread = createRouter(createHandlers(backend.services), silentLogger);
    const context = { actor: session.actor, csrfToken: session.csrfToken, transport: 'test' as const, source: 'test', session: { bind() {}, clear() {} } };
    expect(task).toBe(JSON.stringify(await mainThread.call('review:task', { taskId }, context)));
    expect(page).toBe(JSON.stringify(await mainThread.call('review:list', { queue: 'face' }, context)));
    expect(task).toContain('"ok":true');
    expect(task).toContain('"borrowerName":"张*"');
  }, 90_000);
});
