import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestBackend } from '../../../test/support/backend';
import { contractVersion, serverVersionSchema, versionMismatch } from '../../shared/rpc/version';
import { readAppVersion, type Backend } from '../runtime/backend';
import { startHttpServer, type RunningHttpServer } from './http-server';

let backend: Backend & { cleanup(): Promise<void> };
let server: RunningHttpServer;

beforeAll(async () => {
  backend = await createTestBackend();
  server = await startHttpServer({ backend, port: 0 });
});
afterAll(async () => {
  await server.close();
  await backend.cleanup();
});

describe('the version handshake', () => {
  it('reports the contract version, the release and the instance without signing in', async () => {
    const response = await fetch(`${server.url}/api/version`);
    expect(response.status).toBe(200);
    const body = serverVersionSchema.parse(await response.json());
    expect(body).toEqual({ contractVersion, appVersion: readAppVersion(), instanceId: server.instanceId });
    expect(body.appVersion).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('gives every start of the server a new instance id', async () => {
    const other = await startHttpServer({ backend, port: 0 });
    try {
      expect(other.instanceId).not.toBe(server.instanceId);
    } finally {
      await other.close();
    }
  });

  it('says which side to update', () => {
    expect(versionMismatch(3, { contractVersion: 3 })).toBeNull();
    expect(versionMismatch(3, { contractVersion: 4 })).toBe('desktop');
    expect(versionMismatch(3, { contractVersion: 2 })).toBe('server');
  });
});
