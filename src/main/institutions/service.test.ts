import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestBackend, operatorContext } from '../../../test/support/backend';
import type { CallContext } from '../core/actor';
import type { Backend } from '../runtime/backend';

let backend: Backend & { cleanup(): Promise<void> };
let admin: CallContext;
let id: number;
const requested: string[] = [];

beforeAll(async () => {
  backend = await createTestBackend({
    backgroundJobs: false,
    // Nothing answers: the test is about where signed requests would go, not what comes back.
    fetch: async (url) => {
      requested.push(url);
      throw new TypeError('fetch failed');
    },
    clientTuning: { timeoutMs: 200, retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1 } },
  });
  admin = await operatorContext(backend, 'inst-admin', 'admin');
  const created = await backend.router.call('institutions:create', { code: 'ALPHA', name: 'Alpha', baseUrl: 'https://alpha.example/credit', appId: 'app-1', secret: 'alpha-secret-1234' }, admin);
  if (!created.ok) throw new Error(created.error.message);
  id = (created.data as { id: number }).id;
});
afterAll(async () => {
  await backend.cleanup();
});

describe('the stored secret stays with the stored base URL', () => {
  it('refuses to test a stored institution against another URL without the secret, sending nothing', async () => {
    requested.length = 0;
    const result = await backend.router.call('institutions:test-connection', { id, baseUrl: 'https://evil.example/collect' }, admin);
    expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION', details: { field: 'secret', reason: 'secret-required-for-new-url' } } });
    expect(requested).toEqual([]);
  });

  it('tests the stored URL (however it is written) with the stored secret, and another URL with a typed one', async () => {
    requested.length = 0;
    const same = await backend.router.call('institutions:test-connection', { id, baseUrl: 'https://ALPHA.example/credit/' }, admin);
    expect(same).toMatchObject({ ok: true, data: { ok: false } });
    expect(requested.every((url) => url.toLowerCase().startsWith('https://alpha.example/credit'))).toBe(true);
    expect(requested.length).toBeGreaterThan(0);
    requested.length = 0;
    expect((await backend.router.call('institutions:test-connection', { id, baseUrl: 'https://beta.example/credit', secret: 'typed-again-1234' }, admin)).ok).toBe(true);
    expect(requested.every((url) => url.startsWith('https://beta.example/credit'))).toBe(true);
  });

  it('refuses to move a stored institution to another URL without the secret', async () => {
    const moved = await backend.router.call('institutions:update', { id, baseUrl: 'https://evil.example/collect' }, admin);
    expect(moved).toMatchObject({ ok: false, error: { code: 'VALIDATION', details: { reason: 'secret-required-for-new-url' } } });
    const renamed = await backend.router.call('institutions:update', { id, name: 'Alpha 2', baseUrl: 'https://alpha.example/credit' }, admin);
    expect(renamed.ok).toBe(true);
    const withSecret = await backend.router.call('institutions:update', { id, baseUrl: 'https://alpha2.example/credit', secret: 'alpha-secret-5678' }, admin);
    expect(withSecret.ok).toBe(true);
  });
});
