/**
 * The trailing window: on every pass, each resource is read again from a cursor at or before the
 * institution's own time when the previous pass began, less a margin. Why: the standard's server
 * rule 2 (a change is stamped after every updated_at already served) fails when the institution's
 * server nodes disagree on the time. Once the desk has read a change stamped by a node whose clock
 * is ahead, its incremental cursor sits in the future, and later changes stamped by a node whose
 * clock is right land behind it; a node whose clock is behind does the same without any help.
 * /v1/stats shows such a change only when it moves a count, a sum or a status count; a plan whose
 * installment was paid, a penalty accruing on an overdue plan, an order or a line whose status and
 * sums stay, or two changes that cancel out move none, so nothing would ever read them again.
 *
 * Every change a node stamps is stamped no earlier than the moment it was made less that node's
 * lag behind the institution's time (the margin below). So if every record held was current when
 * pass N began, every later change is stamped after (pass N's start - margin): reading everything
 * after a cursor positioned there, on pass N+1, reads every change made since, wherever the
 * incremental cursor stands. Cursors are opaque (only the institution's own `next_cursor` may be
 * sent back), so the desk keeps the page positions it saw: each page's `next_cursor` with the
 * latest updated_at on that page (the cursor's position is not later), and keeps as the next
 * window's start the latest one at or before that instant. The institution's time is taken from
 * /v1/stats `as_of`, never later than the desk's own clock (a stats answer from the node that is
 * ahead would move the window past the changes it must cover), less the time the pass has run.
 *
 * What it costs: the records stamped after the previous pass began less the margin, i.e. what the
 * incremental pull of the previous and of this pass read plus the margin's worth of changes, and
 * every record stamped ahead of the institution's time for as long as it stays ahead (a node 3
 * days ahead keeps its changes of 3 days in the window). Each is fetched, validated and compared
 * by version; only a record held at an older version is written. A window that does not reach the
 * end of the resource (a crash, a cursor fault) leaves the start where it was: the next window is
 * longer, never shorter. A resource read from its start in this pass (a first pass, a cursor the
 * institution refused, a full re-read) needs no window this pass. The first pass of a desk that
 * has no window start yet reads the whole resource once.
 */
import { writeTransaction } from '../db/connection';
import type { SyncResource } from '../db/schema';
import { readWindow, saveWindow } from '../repositories/sync-windows';
import type { InstitutionClient } from '../institution-api/client';
import { InstitutionApiError } from '../institution-api/errors';
import type { EngineDeps, ResourcePassStats } from './engine';
import type { IngestContext } from './ingest';
import { CursorFault, pullResource, type PullOptions } from './pull';

/**
 * How far behind the institution's time a server node may stamp a change and still have it read:
 * a node whose clock lags by more than this stamps changes the window can miss. A node ahead needs
 * no margin (its stamps are later, and the window reaches every stamp ahead of the institution's time).
 */
export const windowMarginMs = 15 * 60_000;

interface Position {
  cursor: string;
  reachedAt: number;
}

/** One pass's trailing windows: the page positions its pulls saw and the resources read to their end from a known start. */
export class TrailingWindows {
  private readonly positions = new Map<SyncResource, Position[]>();
  private readonly covered = new Map<SyncResource, number>();

  constructor(
    /** When the pass began, on the desk's clock. */
    readonly passStartedAt: number,
  ) {}

  /** A page's next_cursor and the latest updated_at on it. */
  saw(resource: SyncResource, cursor: string, reachedAt: number): void {
    let list = this.positions.get(resource);
    if (!list) this.positions.set(resource, (list = []));
    list.push({ cursor, reachedAt });
  }

  /** The resource was read from its start, or from its window's start, to its end in this pass. */
  readToEnd(resource: SyncResource, records = 0): void {
    this.covered.set(resource, (this.covered.get(resource) ?? 0) + records);
  }

  /** Whether the resource was read from its start or its window's start to its end in this pass. */
  isCovered(resource: SyncResource): boolean {
    return this.covered.has(resource);
  }

  /**
   * After the pass: each resource read to its end gets the next window's start, the latest
   * position seen at or before the institution's time when this pass began less the margin
   * (the stored start when nothing later qualifies, the start of the resource when there is
   * none). Without a readable `as_of` nothing moves.
   */
  advance(deps: EngineDeps, institutionId: number, asOf: string | null): void {
    const institutionTime = asOf === null ? Number.NaN : Date.parse(asOf);
    if (Number.isNaN(institutionTime)) return;
    const now = deps.clock.now();
    const until = Math.min(institutionTime, now) - Math.max(0, now - this.passStartedAt) - windowMarginMs;
    writeTransaction(deps.db, () => {
      for (const [resource, read] of this.covered) {
        const stored = readWindow(deps.db, institutionId, resource);
        let best: { cursor: string | null; reachedAt: number | null } =
          stored && (stored.reachedAt === null || stored.reachedAt <= until) ? { cursor: stored.cursor, reachedAt: stored.reachedAt } : { cursor: null, reachedAt: null };
        for (const position of this.positions.get(resource) ?? []) {
          if (position.reachedAt <= until && (best.reachedAt === null || position.reachedAt >= best.reachedAt)) best = position;
        }
        saveWindow(deps.db, institutionId, resource, { ...best, lastRead: read }, now);
      }
    });
  }
}

export interface WindowInput {
  deps: EngineDeps;
  client: InstitutionClient;
  context: IngestContext;
  served: readonly SyncResource[];
  /** Resources whose pull stopped on a cursor fault in this pass; a fault met here is added. */
  stopped: Map<SyncResource, CursorFault>;
  signal: AbortSignal;
  resources: Partial<Record<SyncResource, ResourcePassStats>>;
  windows: TrailingWindows;
  pullOptions(resource: SyncResource): Pick<PullOptions, 'pageLimit' | 'transactionRecords' | 'onPage' | 'onCursor'>;
  onPhase?: (resource: SyncResource) => void;
}

/** Reads each resource's trailing window (those not read from their start in this pass and not stopped). */
export async function readTrailingWindows(input: WindowInput): Promise<void> {
  const { deps, client, context, signal, windows } = input;
  for (const resource of input.served) {
    if (input.stopped.has(resource) || windows.isCovered(resource)) continue;
    const start = readWindow(deps.db, context.institutionId, resource)?.cursor ?? null;
    const stats = ((input.resources[resource] ??= { fetched: 0, upserted: 0, unchanged: 0, quarantined: 0, pages: 0 }).window ??= {
      fetched: 0,
      upserted: 0,
      unchanged: 0,
      quarantined: 0,
      pages: 0,
    });
    input.onPhase?.(resource);
    const pull = (from: string | null) => pullResource(deps, client, context, resource, { start: from, target: 'window', signal, stats, ...input.pullOptions(resource) });
    try {
      try {
        await pull(start);
      } catch (error) {
        if (!(error instanceof InstitutionApiError) || error.apiCode !== 'INVALID_CURSOR' || start === null) throw error;
        // The institution no longer knows the window's cursor: the whole resource (upserts make it harmless).
        await pull(null);
      }
      windows.readToEnd(resource, stats.fetched);
    } catch (error) {
      if (!(error instanceof CursorFault)) throw error;
      input.stopped.set(resource, error);
      deps.logger?.warn('cursor fault in the trailing window; resource stopped for this pass', { resource, fault: error.fault });
    }
  }
}
