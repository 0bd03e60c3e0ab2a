import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PushedEvent } from '../../shared/rpc/events';
import type { Actor } from '../core/actor';
import type { Backend } from '../runtime/backend';
import type { EventJournal } from './event-journal';

export interface EventStreamOptions {
  /** Open streams one session may hold; opening one more closes its oldest. */
  maxPerSession?: number;
  /**
   * Open streams one operator may hold over all their sessions (a sign-in is not throttled when
   * the password is right, so sessions are cheap); opening one more closes their oldest.
   */
  maxPerOperator?: number;
  /** Heartbeat period; each heartbeat also checks that the session still lives. */
  heartbeatMs?: number;
}

interface Stream {
  response: ServerResponse;
  stop(): void;
}

/** Asks a stream closed for being one too many not to come straight back (a browser reconnects an EventSource by itself). */
function closeAsSurplus(stream: Stream, why: string): void {
  stream.response.write(`: closed: ${why}\nretry: 60000\n\n`);
  stream.stop();
}

/**
 * Server-sent event streams, bound to the session that opened them. A stream ends when its
 * session ends (sign-out, disabled, password changed or reset: at once, through the event bus;
 * idle timeout or lifetime: at the next heartbeat). A session holds at most `maxPerSession`
 * streams, and an operator at most `maxPerOperator` over all their sessions: a new one closes
 * the oldest, so a reloaded tab never finds itself refused.
 */
export function createEventStreams(backend: Backend, headers: Record<string, string>, options: EventStreamOptions = {}, journal?: EventJournal) {
  const maxPerSession = options.maxPerSession ?? 4;
  const maxPerOperator = options.maxPerOperator ?? 16;
  const heartbeatMs = options.heartbeatMs ?? 25_000;
  const bySession = new Map<number, Stream[]>();
  const byOperator = new Map<number, Stream[]>();

  /** A stream for the session of `token`, which the caller has just resolved to `actor`. */
  function open(request: IncomingMessage, response: ServerResponse, token: string, actor: Actor, lastEventId?: string): void {
    const { sessionId, id: operatorId } = actor;
    response.writeHead(200, {
      ...headers,
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    response.write(': connected\n\n');
    // Numbered events (event-journal.ts): replay what a reconnecting stream missed, then mark where it stands.
    const write = (id: string | null, event: PushedEvent) =>
      response.write(`${id ? `id: ${id}\n` : ''}event: ${event.name}\ndata: ${JSON.stringify(event.payload)}\n\n`);
    if (journal) {
      journal.resume(actor, lastEventId, write);
      response.write(`id: ${journal.currentId()}\n\n`);
    }
    let stopped = false;
    const stream: Stream = { response, stop };
    const unsubscribe = backend.events.subscribe({
      sessionId,
      // Re-resolved per event, so a disabled or signed-out operator stops receiving at once.
      actor: () => backend.services.auth.resolveSession(token, 'push')?.actor ?? null,
      send(event: PushedEvent) {
        write(journal?.currentId() ?? null, event);
      },
      close: stop,
    });
    const heartbeat = setInterval(() => {
      if (backend.services.auth.resolveSession(token, 'push')) {
        response.write(': keep-alive\n\n');
        return;
      }
      response.write(`event: session:ended\ndata: ${JSON.stringify({ reason: 'expired' })}\n\n`);
      stop();
    }, heartbeatMs);
    heartbeat.unref();

    function stop(): void {
      if (stopped) return;
      stopped = true;
      clearInterval(heartbeat);
      unsubscribe();
      for (const [map, key] of [
        [bySession, sessionId],
        [byOperator, operatorId],
      ] as const) {
        const streams = map.get(key) ?? [];
        const index = streams.indexOf(stream);
        if (index >= 0) streams.splice(index, 1);
        if (streams.length === 0) map.delete(key);
      }
      response.end();
    }

    const streams = bySession.get(sessionId) ?? [];
    streams.push(stream);
    bySession.set(sessionId, streams);
    const operatorStreams = byOperator.get(operatorId) ?? [];
    operatorStreams.push(stream);
    byOperator.set(operatorId, operatorStreams);
    // stop() takes a stream out of these same arrays. The browser reconnects a closed
    // EventSource; a long retry keeps a forgotten tab from taking the slot straight back.
    while (streams.length > maxPerSession) closeAsSurplus(streams[0] as Stream, `this session opened more than ${maxPerSession} event streams`);
    while (operatorStreams.length > maxPerOperator) closeAsSurplus(operatorStreams[0] as Stream, `this operator opened more than ${maxPerOperator} event streams`);
    request.on('close', stop);
    response.on('error', stop);
  }

  /** Streams open now for a session (tests and diagnostics). */
  function countFor(sessionId: number): number {
    return bySession.get(sessionId)?.length ?? 0;
  }

  function closeAll(): void {
    for (const streams of [...bySession.values()]) for (const stream of [...streams]) stream.stop();
  }

  return { open, countFor, closeAll };
}
