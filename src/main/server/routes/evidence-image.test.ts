import { afterEach, beforeEach, expect, it } from 'vitest';
import { createTestBackend, operatorContext, testOperatorPassword } from '../../../../test/support/backend';
import type { CallContext } from '../../core/actor';
import type { Backend } from '../../runtime/backend';
import { startHttpServer, type RunningHttpServer } from '../http-server';
import { LogSink } from '../../logging/logger';
import { createAuditRecorder } from '../../audit/recorder';
import { reviewImageRoute } from './evidence-image';
import { createReviewService } from '../../review/service';
import { fixtureRecord, ingestFixtureApplication, insertFixtureInstitution } from '../../../../test/support/review-fixtures';

let backend: Backend & { cleanup(): Promise<void> };
let server: RunningHttpServer;
const fetched: string[] = [];
const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

beforeEach(async () => {
  backend = await createTestBackend();
  fetched.length = 0;
  // The institution side is a stand-in here: the route and the service's checks and cache are under test.
  const review = createReviewService({
    db: backend.db,
    clock: backend.clock,
    audit: createAuditRecorder(backend.clock, backend.auditKey),
    logger: new LogSink({ directory: null, console: 'none' }).logger('test'),
    fetchImage: async (_institutionId, imageId) => {
      fetched.push(imageId);
      return imageId.includes('ref') ? { contentType: 'text/html', body: Buffer.from('<script>') } : { contentType: 'image/png', body: png };
    },
  });
  server = await startHttpServer({ backend, port: 0, routes: [reviewImageRoute(review)] });
  const institutionId = insertFixtureInstitution(backend.db, 'HNXD');
  ingestFixtureApplication(backend.db, institutionId, fixtureRecord({ externalId: 'APP-1', face: { score: 65 } }, Date.now()), Date.now());
});
afterEach(async () => {
  await server.close();
  await backend.cleanup();
});

async function session(context: CallContext): Promise<string> {
  const password = testOperatorPassword;
  const response = await fetch(`${server.url}/api/rpc/auth:sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: context.actor?.username, password }),
  });
  return (response.headers.get('set-cookie') ?? '').split(';')[0] as string;
}

it('serves a task’s image to the reviewer holding it, from cache the second time, and to nobody else', async () => {
  const reviewer = await operatorContext(backend, 'wang', 'reviewer');
  const other = await operatorContext(backend, 'li', 'reviewer');
  const cookie = await session(reviewer);
  const otherCookie = await session(other);
  const taskId = (backend.db.$client.prepare("SELECT id FROM review_tasks WHERE queue = 'face'").get() as { id: number }).id;
  const url = `${server.url}/api/images/${taskId}/live`;

  expect((await fetch(url)).status).toBe(401);
  const before = await fetch(url, { headers: { cookie } });
  expect(before.status).toBe(403);
  expect(((await before.json()) as { error: { message: string } }).error.message).toBe('Claim this task (or renew your claim) to see its images.');
  // A supervisor who does not hold the task sees no image either.
  const supervisor = await operatorContext(backend, 'zhao', 'supervisor');
  expect((await fetch(url, { headers: { cookie: await session(supervisor) } })).status).toBe(403);

  await backend.router.call('review:claim', { taskId }, reviewer);
  const image = await fetch(url, { headers: { cookie } });
  expect(image.status).toBe(200);
  expect(image.headers.get('content-type')).toBe('image/png');
  expect(image.headers.get('cache-control')).toBe('private, no-store');
  expect(Buffer.from(await image.arrayBuffer())).toEqual(png);
  await fetch(url, { headers: { cookie } });
  expect(fetched).toEqual(['IMG.live.APP-1']);
  // Every view is recorded, the cached one too: operator, task and kind.
  const views = backend.db.$client.prepare("SELECT operator_name AS operator, target_id AS task, details FROM audit_log WHERE action = 'review.image-viewed'").all();
  expect(views).toEqual([
    { operator: 'wang', task: String(taskId), details: JSON.stringify({ kind: 'live' }) },
    { operator: 'wang', task: String(taskId), details: JSON.stringify({ kind: 'live' }) },
  ]);

  expect((await fetch(url, { headers: { cookie: otherCookie } })).status).toBe(403);
  // Something that is not an image is never passed on.
  expect((await fetch(`${server.url}/api/images/${taskId}/reference`, { headers: { cookie } })).status).toBe(502);
  expect((await fetch(`${server.url}/api/images/${taskId}/selfie`, { headers: { cookie } })).status).toBe(404);
});
