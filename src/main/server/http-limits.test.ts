import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestBackend } from '../../../test/support/backend';
import type { Backend } from '../runtime/backend';
import { startHttpServer, type RunningHttpServer } from './http-server';

let backend: Backend & { cleanup(): Promise<void> };
let server: RunningHttpServer;

beforeAll(async () => {
  backend = await createTestBackend();
  server = await startHttpServer({ backend, port: 0, maxBodyBytes: 10_000 });
});
afterAll(async () => {
  await server.close();
  await backend.cleanup();
});

describe('headless server request limits', () => {
  it('answers an oversized body with 413 and a VALIDATION envelope, and stays healthy', async () => {
    const response = await fetch(`${server.url}/api/rpc/auth:sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'x'.repeat(20_000) }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});
