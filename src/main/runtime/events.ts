import { eventAudience, type EventMap, type EventName, type PushedEvent } from '../../shared/rpc/events';
import type { Actor } from '../core/actor';

/** Narrows who receives one emission; events go to their declared audience by default. */
export interface EventTarget {
  sessionIds?: number[];
  operatorIds?: number[];
}

export interface EventSubscriber {
  /** The operator this subscriber (a window or an SSE stream) belongs to, re-read on each event. */
  actor(): Actor | null;
  send(event: PushedEvent): void;
  /** The session a stream was opened for: when it ends, the stream is told and closed (`close`). */
  sessionId?: number;
  close?(): void;
}

/** Whether an operator may receive one emission: its audience, narrowed by the emission's target. */
export function mayReceive(actor: Actor, name: EventName, target?: EventTarget): boolean {
  const audience = eventAudience[name];
  if (target?.sessionIds && !target.sessionIds.includes(actor.sessionId)) return false;
  if (target?.operatorIds && !target.operatorIds.includes(actor.id)) return false;
  if (audience === 'session' && !target) return false;
  if (audience !== 'all' && audience !== 'session' && !actor.permissions.has(audience)) return false;
  return true;
}

/** Sees every emission before any audience filter (the HTTP server's resumable event journal). */
export type EventTap = (event: PushedEvent, target: EventTarget | undefined) => void;

/**
 * Fan-out of back-end pushes to every connected window and stream, filtered by each event's
 * audience. Delivery is best effort: a subscriber that throws is dropped, never the emitter.
 */
export class EventBus {
  private readonly subscribers = new Set<EventSubscriber>();
  private readonly taps = new Set<EventTap>();

  tap(listener: EventTap): () => void {
    this.taps.add(listener);
    return () => this.taps.delete(listener);
  }

  subscribe(subscriber: EventSubscriber): () => void {
    this.subscribers.add(subscriber);
    return () => this.subscribers.delete(subscriber);
  }

  emit<E extends EventName>(name: E, payload: EventMap[E], target?: EventTarget): void {
    for (const tap of this.taps) tap({ name, payload } as PushedEvent, target);
    for (const subscriber of this.subscribers) {
      const actor = subscriber.actor();
      if (!actor || !mayReceive(actor, name, target)) continue;
      try {
        subscriber.send({ name, payload } as PushedEvent);
      } catch {
        this.subscribers.delete(subscriber);
      }
    }
  }

  /**
   * Sessions ended on the server (sign-out, disabled, password changed or reset): their streams
   * get a last 'session:ended' and are closed at once, instead of waiting for the next event.
   */
  endSessions(sessionIds: number[], reason: EventMap['session:ended']['reason']): void {
    const ended = new Set(sessionIds);
    for (const subscriber of [...this.subscribers]) {
      if (subscriber.sessionId === undefined || !ended.has(subscriber.sessionId)) continue;
      this.subscribers.delete(subscriber);
      try {
        subscriber.send({ name: 'session:ended', payload: { reason } });
      } catch {
        // The stream is going away anyway.
      }
      subscriber.close?.();
    }
    this.emit('session:ended', { reason }, { sessionIds });
  }

  get size(): number {
    return this.subscribers.size;
  }
}
