import { request as httpRequest, type ClientRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestBackend, testAdminPassword } from '../../../test/support/backend';
import type { PushedEvent } from '../../shared/rpc/events';
import type { Actor } from '../core/actor';
import type { Backend } from '../runtime/backend';
import { EventBus } from '../runtime/events';
import { EventJournal } from './event-journal';
import { startHttpServer, type RunningHttpServer } from './http-server';

let backend: Backend & { cleanup(): Promise<void> };
let server: RunningHttpServer;
let cookie: string;

beforeAll(async () => {
  backend = await createTestBackend();
  server = await startHttpServer({ backend, port: 0 });
  const response = await fetch(`${server.url}/api/rpc/auth:sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: testAdminPassword }),
  });
  cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] as string;
});
afterAll(async () => {
  await server.close();
  await backend.cleanup();
});

interface Frame {
  id?: string;
  event?: string;
  data?: string;
}

/** An open /api/events stream, parsed into frames (comments dropped). */
function openStream(lastEventId?: string): Promise<{ frames: Frame[]; until(count: number): Promise<Frame[]>; close(): void }> {
  return new Promise((resolve, reject) => {
    let request: ClientRequest | null = null;
    request = httpRequest(`${server.url}/api/events`, { headers: { cookie, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) } }, (response) => {
      const frames: Frame[] = [];
      const waiters: Array<() => void> = [];
      let buffer = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const frame: Frame = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':') || !line) continue;
            const [field, ...rest] = line.split(': ');
            (frame as Record<string, string>)[field as string] = rest.join(': ');
          }
          if (Object.keys(frame).length > 0) frames.push(frame);
        }
        for (const wake of waiters.splice(0)) wake();
      });
      resolve({
        frames,
        until(count) {
          return new Promise((done) => {
            const check = () => (frames.length >= count ? done(frames) : waiters.push(check));
            check();
          });
        },
        close: () => request?.destroy(),
      });
    });
    request.on('error', reject);
    request.end();
  });
}

describe('resumable events', () => {
  it('numbers every event and replays what a reconnecting stream missed, in order, to its audience only', async () => {
    const first = await openStream();
    const [mark] = await first.until(1);
    expect(mark).toEqual({ id: expect.stringMatching(new RegExp(`^${server.instanceId}:\\d+$`)) });
    backend.events.emit('users:changed', { userId: 1 });
    const frames = await first.until(2);
    const lastSeen = frames[1]?.id as string;
    expect(frames[1]).toEqual({ id: `${server.instanceId}:${Number(mark?.id?.split(':')[1]) + 1}`, event: 'users:changed', data: '{"userId":1}' });
    first.close();

    // While nobody listens: two events for the admin, one for another session only.
    backend.events.emit('users:changed', { userId: 2 });
    backend.events.emit('session:ended', { reason: 'disabled' }, { sessionIds: [999_999] });
    backend.events.emit('sync:state', { institutionId: 7 });

    const second = await openStream(lastSeen);
    const replayed = await second.until(3);
    second.close();
    expect(replayed.map((frame) => frame.event ?? 'mark')).toEqual(['users:changed', 'sync:state', 'mark']);
    expect(replayed[0]?.data).toBe('{"userId":2}');
    const seqs = replayed.map((frame) => Number(frame.id?.split(':')[1]));
    expect(seqs[0]).toBe(Number(lastSeen.split(':')[1]) + 1);
    expect(seqs[1]).toBe((seqs[0] as number) + 2);
    expect(seqs[2]).toBe(seqs[1]);
  });

  it('tells a stream from another server instance to refetch everything', async () => {
    const stream = await openStream('an-earlier-instance:41');
    const [resync] = await stream.until(1);
    stream.close();
    expect(resync).toMatchObject({ event: 'events:resync', data: '{"reason":"restarted"}' });
    expect(resync?.id).toMatch(new RegExp(`^${server.instanceId}:`));
  });
});

describe('EventJournal', () => {
  const actor = { id: 1, sessionId: 1, permissions: new Set(['users:manage']) } as unknown as Actor;
  function listen(journal: EventJournal, lastEventId?: string) {
    const got: Array<{ id: string; event: PushedEvent | null }> = [];
    journal.resume(actor, lastEventId, (id, event) => got.push({ id, event }));
    got.push({ id: journal.currentId(), event: null });
    return got;
  }

  it('sends events:resync (missed) when more events passed than the ring keeps', () => {
    const bus = new EventBus();
    const journal = new EventJournal(bus, 'i', 3);
    for (let userId = 1; userId <= 6; userId++) bus.emit('users:changed', { userId });
    expect(listen(journal, 'i:2')).toEqual([
      { id: 'i:6', event: { name: 'events:resync', payload: { reason: 'missed' } } },
      { id: 'i:6', event: null },
    ]);
    expect(listen(journal, 'i:3').map((entry) => entry.event?.payload)).toEqual([{ userId: 4 }, { userId: 5 }, { userId: 6 }, undefined]);
    expect(listen(journal, 'i:9')[0]?.event?.name).toBe('events:resync');
    journal.close();
  });
});
