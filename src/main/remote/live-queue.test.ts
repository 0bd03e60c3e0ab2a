import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestBackend, operatorContext, testOperatorPassword } from '../../../test/support/backend';
import { tempFolders } from '../../../test/support/temp-folders';
import { selfSignedCertificate } from '../../../test/support/tls';
import type { Envelope } from '../../shared/rpc/errors';
import type { EventMap, PushedEvent } from '../../shared/rpc/events';
import { fixtureRecord, ingestFixtureApplication, insertFixtureInstitution } from '../../../test/support/review-fixtures';
import type { Backend } from '../runtime/backend';
import { startHttpServer, type RunningHttpServer } from '../server/http-server';
import { filePinStore } from './desk-settings';
import { RemoteTransport } from './transport';

let backend: Backend & { cleanup(): Promise<void> };
let server: RunningHttpServer;
const folders = tempFolders('creditdesk-desk-');
const dir = folders.folder();
const transports: RemoteTransport[] = [];

beforeAll(async () => {
  backend = await createTestBackend();
  const certificate = selfSignedCertificate();
  server = await startHttpServer({ backend, port: 0, tls: certificate });
  filePinStore(dir).set(`https://localhost:${server.port}`, new X509Certificate(certificate.cert).fingerprint256);
  await operatorContext(backend, 'wang', 'reviewer');
  await operatorContext(backend, 'li', 'reviewer');
});
afterAll(async () => {
  for (const transport of transports) transport.close();
  await server.close();
  await backend.cleanup();
  folders.removeAll();
});

async function desk(username: string): Promise<{ remote: RemoteTransport; changes: Array<EventMap['review:changed'] & { at: number }> }> {
  const remote = new RemoteTransport({ serverUrl: `https://localhost:${server.port}`, pins: filePinStore(dir) });
  transports.push(remote);
  const changes: Array<EventMap['review:changed'] & { at: number }> = [];
  remote.onEvent((event: PushedEvent) => {
    if (event.name === 'review:changed') changes.push({ ...(event.payload as EventMap['review:changed']), at: Date.now() });
  });
  await remote.connect();
  const signIn = await remote.invoke('auth:sign-in', { username, password: testOperatorPassword });
  if (!signIn.ok) throw new Error(signIn.error.message);
  return { remote, changes };
}

describe('live queues across desktops', () => {
  it('tells another reviewer within a second which task was claimed', async () => {
    const institutionId = insertFixtureInstitution(backend.db, 'HNXD');
    ingestFixtureApplication(backend.db, institutionId, fixtureRecord({ externalId: 'APP-LIVE', face: { score: 65 } }, Date.now()), Date.now());
    const wang = await desk('wang');
    const li = await desk('li');
    // li's stream is open once a push reaches it.
    for (let tries = 0; li.changes.length === 0 && tries < 100; tries++) {
      backend.events.emit('review:changed', { queues: ['face'] });
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    li.changes.length = 0;

    const claimedAt = Date.now();
    const next = (await wang.remote.invoke('review:next', { queue: 'face' })) as Envelope<{ taskId: number }>;
    if (!next.ok) throw new Error(next.error.message);
    const taskId = next.data.taskId;
    for (let waited = 0; !li.changes.some((change) => change.taskIds?.includes(taskId)) && waited < 1000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    const claimed = li.changes.find((change) => change.taskIds?.includes(taskId));
    expect(claimed).toMatchObject({ queues: ['face'], taskIds: [taskId] });
    expect((claimed?.at ?? Infinity) - claimedAt).toBeLessThan(1000);
  });
});
