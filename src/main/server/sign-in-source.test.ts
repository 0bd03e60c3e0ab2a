import { afterEach, beforeEach, expect, it } from 'vitest';
import { createTestBackend, ManualClock } from '../../../test/support/backend';
import type { Backend } from '../runtime/backend';
import { startHttpServer, type RunningHttpServer } from './http-server';

let backend: Backend & { cleanup(): Promise<void> };
let server: RunningHttpServer;

beforeEach(async () => {
  backend = await createTestBackend({ clock: new ManualClock() });
  // Behind a TLS-terminating proxy on this machine: the client address comes from X-Forwarded-For.
  server = await startHttpServer({ backend, port: 0, behindProxy: ['127.0.0.1'], publicUrl: 'https://desk.example.com' });
});
afterEach(async () => {
  await server.close();
  await backend.cleanup();
});

async function guess(client: string, username: string): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${server.port}/api/rpc/auth:sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', host: 'desk.example.com', 'x-forwarded-for': client, 'x-forwarded-proto': 'https' },
    body: JSON.stringify({ username, password: 'wrong-password-x' }),
  });
  await response.body?.cancel();
  return response.status;
}

it('counts a password sprayer’s IPv6 addresses of one /64 as one source, and records each address', async () => {
  // One host on IPv6 holds a whole /64: a new address per guess must not buy a fresh source.
  const statuses: number[] = [];
  for (let index = 1; index <= 21; index++) statuses.push(await guess(`2001:db8:1:2::${index.toString(16)}`, `user${index}`));
  expect(statuses.slice(0, 20)).toEqual(Array.from({ length: 20 }, () => 401));
  expect(statuses[20]).toBe(429);
  expect(await guess('2001:db8:1:2:ffff:ffff:ffff:fffe', 'someone')).toBe(429);
  // Another network is somebody else.
  expect(await guess('2001:db8:1:3::1', 'someone')).toBe(401);
  // IPv4 addresses stay one source each.
  expect(await guess('203.0.113.9', 'someone')).toBe(401);
  const sources = (backend.db.$client.prepare("SELECT details FROM audit_log WHERE action = 'auth.sign-in-failed' ORDER BY id").all() as Array<{ details: string }>).map(
    (row) => (JSON.parse(row.details) as { source: string }).source,
  );
  expect(sources.slice(0, 2)).toEqual(['2001:db8:1:2::1', '2001:db8:1:2::2']);
});
