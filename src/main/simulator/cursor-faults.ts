/**
 * Faults of the paging cursor, as gateways and clustered servers produce them:
 * - `pageAhead`: the page after the one asked for is answered (a cache answering a re-read with a
 *   later page, a cursor that skips): the records of the skipped page are never on the client's way;
 * - `cursorRepeat`: the page comes with `next_cursor` equal to the cursor given and `has_more: true`;
 * - `cursorCycle`: `next_cursor` points back to the cursor of the previous list request of that
 *   resource, so two cursors point at each other (at rate 1, for ever).
 * They are drawn from their own stream (seeded like the others, by sequence number), so enabling
 * them moves none of the other faults.
 */
import type { ResourceName } from '../../shared/institution-api';
import type { SimInstitution, WireRecord } from './institution';
import { Rng } from './rng';

export const cursorFaultKinds = ['pageAhead', 'cursorRepeat', 'cursorCycle'] as const;
export type CursorFault = (typeof cursorFaultKinds)[number];

/** The three rates, each with the given schema (the config's defaults or the update's plain rate). */
export function cursorFaultRates<T>(rate: T): Record<CursorFault, T> {
  return { pageAhead: rate, cursorRepeat: rate, cursorCycle: rate };
}

/** At most one cursor fault per request; rates are checked in a fixed order on one draw each. */
export function drawCursorFault(config: Record<CursorFault, number>, seed: string, sequence: number): CursorFault | null {
  const rng = Rng.for(seed, 'cursor-faults', sequence);
  for (const kind of cursorFaultKinds) if (rng.next() < config[kind]) return kind;
  return null;
}

type Page = ReturnType<SimInstitution['page']>;

/** The cursor of each resource's previous list request, per institution (what a cycle points back to). */
const previousCursors = new WeakMap<SimInstitution, Map<ResourceName, string | null>>();

/**
 * One page of `resource` after `cursor`, with `fault` applied. `note` records what was done: the
 * skipped records' ids for `pageAhead`, the cursors for the other two.
 */
export function pageWithCursorFault(
  institution: SimInstitution,
  resource: ResourceName,
  cursor: string | null,
  limit: number,
  fault: CursorFault | null,
  note: (kind: CursorFault, extra: Record<string, unknown>) => void,
): Page {
  let previous = previousCursors.get(institution);
  if (previous === undefined) {
    previous = new Map();
    previousCursors.set(institution, previous);
  }
  const before = previous.get(resource) ?? null;
  previous.set(resource, cursor);
  const page = institution.page(resource, cursor, limit);
  switch (fault) {
    case null:
      return page;
    case 'pageAhead': {
      if (!page.hasMore || page.nextCursor === null) return page;
      note('pageAhead', { resource, record_ids: page.records.map((record: WireRecord) => record.id) });
      return institution.page(resource, page.nextCursor, limit);
    }
    case 'cursorRepeat': {
      if (cursor === null) return page;
      note('cursorRepeat', { resource, cursor });
      return { ...page, nextCursor: cursor, hasMore: true };
    }
    case 'cursorCycle': {
      if (cursor === null || before === null || before === cursor) return page;
      note('cursorCycle', { resource, cursor, next_cursor: before });
      return { ...page, nextCursor: before, hasMore: true };
    }
    default: {
      const unknown: never = fault;
      throw new Error(`Unknown cursor fault ${String(unknown)}`);
    }
  }
}
