/**
 * The whole contract under generated input: every channel, as an admin and as a reviewer, with
 * inputs of the declared shape, mutated ones and arbitrary JSON, against a back end holding a
 * synced simulator world. Every answer must be an envelope with a code from the closed set and
 * never INTERNAL (an INTERNAL answer is a bug: a handler or a schema that threw), the router must
 * never reject, and the back end must still answer and hold an intact database afterwards.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelNames, contract, type ChannelName } from '../../src/shared/rpc/contract';
import { errorCodes, type Envelope } from '../../src/shared/rpc/errors';
import type { CallContext } from '../../src/main/core/actor';
import type { FetchLike } from '../../src/main/institution-api/client';
import { channelInput } from '../support/arbitrary';
import { operatorContext, signedInContext, testAdminPassword } from '../support/backend';
import { startSyncWorld, type SyncWorld } from './sync-support';

/** Institution requests reach the loopback simulator only; any other URL is a network that is down. */
const loopbackOnly: FetchLike = (url, init) => {
  if (!/^http:\/\/127\.0\.0\.1:\d+\//.test(url)) return Promise.reject(new TypeError('fetch failed: network unreachable in this test'));
  return fetch(url, init);
};

/** Channels whose every call hashes a password (scrypt): fewer runs keep the test quick. */
const slowChannels = new Set<ChannelName>(['auth:sign-in', 'auth:change-password', 'users:create', 'users:reset-password']);

let world: SyncWorld;
let roles: Record<'admin' | 'reviewer', CallContext>;

beforeAll(async () => {
  world = await startSyncWorld({ borrowers: 80, seed: 'contract-fuzz', backend: { fetch: loopbackOnly } });
  await world.backend.services.sync.runOnce({ trigger: 'manual' });
  roles = {
    admin: await signedInContext(world.backend, 'admin', testAdminPassword),
    reviewer: await operatorContext(world.backend, 'fuzz-reviewer', 'reviewer'),
  };
}, 120_000);
afterAll(async () => world.close());

function isEnvelope(value: unknown): value is Envelope<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const envelope = value as { ok?: unknown; data?: unknown; error?: { code?: unknown; message?: unknown } };
  if (envelope.ok === true) return 'data' in envelope;
  return envelope.ok === false && typeof envelope.error?.message === 'string' && (errorCodes as readonly unknown[]).includes(envelope.error.code);
}

describe('every channel under generated input', () => {
  it('answers an envelope, never INTERNAL, as an admin and as a reviewer, and the back end stays healthy', { timeout: 120_000 }, async () => {
    const internal: string[] = [];
    let calls = 0;
    for (const role of ['admin', 'reviewer'] as const) {
      for (const channel of channelNames) {
        await fc.assert(
          fc.asyncProperty(channelInput(contract[channel].input), async (input) => {
            calls += 1;
            const answer = await world.backend.router.call(channel, input, roles[role]);
            expect(isEnvelope(answer), `${channel} as ${role} answered ${JSON.stringify(answer)?.slice(0, 200)}`).toBe(true);
            if (!answer.ok && answer.error.code === 'INTERNAL') internal.push(`${role} ${channel} ${JSON.stringify(input)?.slice(0, 200)}`);
          }),
          { numRuns: slowChannels.has(channel) ? 4 : 30 },
        );
      }
    }
    expect(internal).toEqual([]);
    expect(calls).toBeGreaterThan(channelNames.length * 2 * 20);
    const info = await world.backend.router.call('system:info', {}, roles.admin);
    expect(info.ok).toBe(true);
    expect(world.backend.db.$client.pragma('quick_check', { simple: true })).toBe('ok');
  });
});
