/**
 * What the tolerant readers of /v1/capabilities and /v1/stats could not use for one institution
 * (institution-api/tolerant.ts), for the Sync page: additions the standard allows within v1 that
 * this client ignores (a new resource or product, an unknown status or key) and figures it cannot
 * compare (a sum beyond 2^53). The last capabilities read is stored on the institution row, the
 * last stats read with each resource's reconciliation row (the same list on every row of a pass).
 * Entries stored before the notes were data (English sentences) are left out.
 */
import { z } from 'zod';
import { toleranceNoteSchema } from '../../shared/institution-api';
import type { SyncIgnoredNote } from '../../shared/contracts/sync';

const storedNotes = z.object({ ignored: z.array(z.unknown()).optional() });

function notesOf(json: string | null | undefined, source: SyncIgnoredNote['source']): SyncIgnoredNote[] {
  if (json == null) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return [];
  }
  const stored = storedNotes.safeParse(parsed);
  if (!stored.success) return [];
  return (stored.data.ignored ?? []).flatMap((entry) => {
    const note = toleranceNoteSchema.safeParse(entry);
    return note.success ? [{ source, ...note.data }] : [];
  });
}

/** The institution's notes: from its stored capabilities, then from the newest reconciliation row's stats. */
export function ignoredNotes(capabilitiesJson: string | null | undefined, reconciliations: ReadonlyArray<{ details: string; checkedAt: number }>): SyncIgnoredNote[] {
  const newest = reconciliations.reduce<{ details: string; checkedAt: number } | null>((best, row) => (best === null || row.checkedAt > best.checkedAt ? row : best), null);
  return [...notesOf(capabilitiesJson, 'capabilities'), ...notesOf(newest?.details, 'stats')];
}
