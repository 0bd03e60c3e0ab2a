import type { PushedEvent } from '../../shared/rpc/events';
import type { Actor } from '../core/actor';
import { mayReceive, type EventBus, type EventTarget } from '../runtime/events';

/** How many emissions a reconnecting stream can catch up on; older gaps get `events:resync`. */
export const defaultJournalCapacity = 2048;

interface Entry {
  seq: number;
  event: PushedEvent;
  target: EventTarget | undefined;
}

/**
 * The server's numbered record of back-end pushes, so a stream that reconnects with
 * Last-Event-ID loses nothing: every emission gets `<instance>:<seq>` (seq counts up per server
 * process), the last `capacity` are kept in a ring, and a reconnect replays what the operator may
 * see after its last id, or sends `events:resync` when that cannot be done (another instance, or
 * older than the ring). Audience rules are runtime/events.ts `mayReceive`, the same as the bus.
 */
export class EventJournal {
  private readonly ring: Array<Entry | undefined>;
  private seq = 0;
  private readonly untap: () => void;

  constructor(
    bus: EventBus,
    readonly instanceId: string,
    private readonly capacity = defaultJournalCapacity,
  ) {
    this.ring = new Array<Entry | undefined>(capacity);
    // Taps run before the bus's subscribers: while a stream's send runs, currentId() is this emission's id.
    this.untap = bus.tap((event, target) => {
      const entry: Entry = { seq: ++this.seq, event, target };
      this.ring[entry.seq % this.capacity] = entry;
    });
  }

  private idOf(seq: number): string {
    return `${this.instanceId}:${seq}`;
  }

  /** The id of the latest emission (during a bus delivery: the one being delivered). */
  currentId(): string {
    return this.idOf(this.seq);
  }

  /**
   * For a stream that reconnects with the Last-Event-ID it sent: replays what the operator may
   * see after it, or sends `events:resync` when that cannot be done. Call it in the same turn as
   * the stream's bus subscription, so nothing slips between.
   */
  resume(actor: Actor | null, lastEventId: string | undefined, send: (id: string, event: PushedEvent) => void): void {
    if (!lastEventId || !actor) return;
    const resumeFrom = this.resumePoint(lastEventId);
    if (resumeFrom === null) {
      const reason = lastEventId.startsWith(`${this.instanceId}:`) ? 'missed' : 'restarted';
      send(this.currentId(), { name: 'events:resync', payload: { reason } });
      return;
    }
    for (let seq = resumeFrom + 1; seq <= this.seq; seq++) {
      const entry = this.ring[seq % this.capacity] as Entry;
      if (mayReceive(actor, entry.event.name, entry.target)) send(this.idOf(seq), entry.event);
    }
  }

  /** The last seq the stream saw, when everything after it is still in the ring; null otherwise. */
  private resumePoint(lastEventId: string): number | null {
    const separator = lastEventId.lastIndexOf(':');
    if (separator < 0 || lastEventId.slice(0, separator) !== this.instanceId) return null;
    const seq = Number(lastEventId.slice(separator + 1));
    if (!Number.isInteger(seq) || seq < 0 || seq > this.seq) return null;
    return this.seq - seq <= this.capacity ? seq : null;
  }

  close(): void {
    this.untap();
  }
}
