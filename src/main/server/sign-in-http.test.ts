import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestBackend, ManualClock, operatorContext, testAdminPassword } from '../../../test/support/backend';
import type { Backend } from '../runtime/backend';
import { backgroundCallHeader } from '../../shared/rpc/call-options';
import { startHttpServer, type RunningHttpServer } from './http-server';

let backend: Backend & { cleanup(): Promise<void> };
let server: RunningHttpServer;
let clock: ManualClock;

beforeEach(async () => {
  clock = new ManualClock();
  backend = await createTestBackend({ clock });
  server = await startHttpServer({ backend, port: 0, eventStreams: { heartbeatMs: 200 } });
});
afterEach(async () => {
  await server.close();
  await backend.cleanup();
});

async function rpc(channel: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}/api/rpc/${channel}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

async function signIn(username: string, password: string): Promise<{ cookie: string; csrf: string }> {
  const result = await rpc('auth:sign-in', { username, password });
  if (result.status !== 200) throw new Error(`sign-in answered ${result.status}`);
  return { cookie: (result.headers.get('set-cookie') ?? '').split(';')[0] as string, csrf: (result.body.data as { csrfToken: string }).csrfToken };
}

/** Opens /api/events and resolves `ended` when the server closes the stream; `text` collects what came. */
async function openStream(cookie: string) {
  const response = await fetch(`${server.url}/api/events`, { headers: { cookie } });
  expect(response.status).toBe(200);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const state = { text: '', closed: false };
  const ended = (async () => {
    for (;;) {
      const chunk = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (chunk.done) break;
      state.text += decoder.decode(chunk.value);
    }
    state.closed = true;
  })();
  await expect.poll(() => state.text).toContain(': connected');
  return { state, ended, cancel: () => reader.cancel().catch(() => undefined) };
}

function within<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  return Promise.race([promise, new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), ms).unref())]);
}

describe('sign-in over HTTP', () => {
  it('checks only five of 20 parallel wrong passwords; the rest are refused with 429', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, () => rpc('auth:sign-in', { username: 'admin', password: 'wrong-password-x' })));
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses.filter((status) => status === 401)).toHaveLength(5);
    expect(statuses.filter((status) => status === 429)).toHaveLength(15);
  });

  it('answers a waiting unknown username with the same status and body as a waiting known one', async () => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const known = await rpc('auth:sign-in', { username: 'admin', password: 'wrong-password-x' });
      const unknown = await rpc('auth:sign-in', { username: 'no-such-user', password: 'wrong-password-x' });
      expect([unknown.status, unknown.body]).toEqual([known.status, known.body]);
    }
    const known = await rpc('auth:sign-in', { username: 'admin', password: testAdminPassword });
    const unknown = await rpc('auth:sign-in', { username: 'no-such-user', password: 'wrong-password-x' });
    expect(known.status).toBe(429);
    expect([unknown.status, unknown.body]).toEqual([known.status, known.body]);
  });

  it('records the socket’s address as the source of a failed attempt', async () => {
    await rpc('auth:sign-in', { username: 'admin', password: 'wrong-password-x' });
    const row = backend.db.$client.prepare("SELECT details FROM audit_log WHERE action = 'auth.sign-in-failed'").get() as { details: string };
    expect(JSON.parse(row.details)).toMatchObject({ reason: 'password', source: '127.0.0.1' });
  });
});

describe('event streams per session', () => {
  it('closes the session’s streams at sign-out', async () => {
    const { cookie, csrf } = await signIn('admin', testAdminPassword);
    const stream = await openStream(cookie);
    await rpc('auth:sign-out', {}, { cookie, 'x-csrf-token': csrf });
    expect(await within(stream.ended, 2_000)).not.toBe('timeout');
    expect(stream.state.text).toContain('event: session:ended\ndata: {"reason":"signed-out"}');
  });

  it('closes a disabled operator’s streams at once', async () => {
    const admin = await signIn('admin', testAdminPassword);
    const reviewer = await operatorContext(backend, 'bo', 'reviewer');
    const own = await signIn('bo', 'quiet-harbor-lantern-7');
    const stream = await openStream(own.cookie);
    await rpc('users:update', { id: reviewer.actor?.id, disabled: true }, { cookie: admin.cookie, 'x-csrf-token': admin.csrf });
    expect(await within(stream.ended, 2_000)).not.toBe('timeout');
    expect(stream.state.text).toContain('"reason":"disabled"');
  });

  it('holds at most four streams per session: a fifth closes the oldest', async () => {
    const { cookie } = await signIn('admin', testAdminPassword);
    const streams = [];
    for (let index = 0; index < 5; index++) streams.push(await openStream(cookie));
    expect(await within(streams[0]?.ended as Promise<void>, 2_000)).not.toBe('timeout');
    expect(streams.slice(1).every((stream) => !stream.state.closed)).toBe(true);
    for (const stream of streams) await stream.cancel();
  });

  it('holds at most 16 streams per operator across sessions: signing in again and again cannot pile up streams', async () => {
    const streams = [];
    for (let session = 0; session < 5; session++) {
      const { cookie } = await signIn('admin', testAdminPassword);
      for (let index = 0; index < 4; index++) streams.push(await openStream(cookie));
    }
    for (const stream of streams.slice(0, 4)) expect(await within(stream.ended, 2_000)).not.toBe('timeout');
    expect(streams.slice(4).every((stream) => !stream.state.closed)).toBe(true);
    expect(streams[0]?.state.text).toContain('retry: 60000');
    for (const stream of streams) await stream.cancel();
  });

  it('lets a session with an open stream and no calls end at its idle timeout (heartbeats are not calls)', async () => {
    const { cookie, csrf } = await signIn('admin', testAdminPassword);
    const stream = await openStream(cookie);
    // Two hours and ten minutes in ten-minute steps, each with a few heartbeats and pushed events.
    for (let step = 0; step < 13 && !stream.state.closed; step++) {
      clock.advance(10 * 60_000);
      backend.events.emit('sync:data-changed', { institutionIds: [] });
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(await within(stream.ended, 3_000)).not.toBe('timeout');
    expect(stream.state.text).toContain('"reason":"expired"');
    expect((await rpc('auth:session', {}, { cookie, 'x-csrf-token': csrf })).body).toMatchObject({ ok: true, data: { operator: null } });
  });

  it('lets a session that only gets background calls (timed refreshes, nobody at the window) end at its idle timeout', async () => {
    const { cookie, csrf } = await signIn('admin', testAdminPassword);
    const background = { cookie, 'x-csrf-token': csrf, [backgroundCallHeader]: '1' };
    // A dashboard refreshing every ten minutes while nobody is there: the session ends at its
    // idle timeout (120 minutes after sign-in), not at its twelve-hour lifetime.
    for (let step = 0; step < 11; step++) {
      clock.advance(10 * 60_000);
      expect((await rpc('auth:session', {}, background)).body).toMatchObject({ ok: true, data: { operator: { username: 'admin' } } });
    }
    clock.advance(20 * 60_000);
    expect((await rpc('auth:session', {}, background)).body).toMatchObject({ ok: true, data: { operator: null } });
  });

  it('keeps a session alive while its calls are the operator’s own', async () => {
    const { cookie, csrf } = await signIn('admin', testAdminPassword);
    for (let step = 0; step < 13; step++) {
      clock.advance(10 * 60_000);
      expect((await rpc('auth:session', {}, { cookie, 'x-csrf-token': csrf })).body).toMatchObject({ ok: true, data: { operator: { username: 'admin' } } });
    }
  });

  it('closes a stream whose session passed its lifetime', async () => {
    const { cookie } = await signIn('admin', testAdminPassword);
    const stream = await openStream(cookie);
    clock.advance(12 * 3_600_000);
    expect(await within(stream.ended, 3_000)).not.toBe('timeout');
    expect(stream.state.text).toContain('"reason":"expired"');
  });
});
