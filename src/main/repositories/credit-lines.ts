/**
 * Credit lines as reported plus what CreditDesk derives (availability, state, flags), and each
 * line's version history.
 */
import type { Db } from '../db/connection';
import type { LineDerivedColumns, LineWrite, StoredLine } from '../db/schema';
import { prepared, writeIngestedRow } from './sync';

const selectColumns = `id, version, remote_updated_at AS remoteUpdatedAt, application_external_id AS applicationExternalId, platform_user_id AS platformUserId,
  product_code AS productCode, mode, limit_fen AS limitFen, used_fen AS usedFen, available_fen AS availableFen, partial_draw_allowed AS partialDrawAllowed,
  valid_from AS validFrom, valid_to AS validTo, status, frozen_reason AS frozenReason, granted_at AS grantedAt, borrower_id AS borrowerId,
  derived_used_fen AS derivedUsedFen, derived_available_fen AS derivedAvailableFen, derived_state AS derivedState, flags`;

function fromSql(row: (Omit<StoredLine, 'partialDrawAllowed'> & { partialDrawAllowed: number }) | undefined): StoredLine | undefined {
  return row === undefined ? undefined : { ...row, partialDrawAllowed: Boolean(row.partialDrawAllowed) };
}

export function findLineByExternalId(db: Db, institutionId: number, externalId: string): StoredLine | undefined {
  return fromSql(prepared(db, `SELECT ${selectColumns} FROM credit_lines WHERE institution_id = ? AND external_id = ?`).get(institutionId, externalId) as never);
}

export function findLineById(db: Db, id: number): (StoredLine & { institutionId: number; externalId: string }) | undefined {
  const row = prepared(db, `SELECT ${selectColumns}, institution_id AS institutionId, external_id AS externalId FROM credit_lines WHERE id = ?`).get(id) as
    | (Omit<StoredLine, 'partialDrawAllowed'> & { partialDrawAllowed: number; institutionId: number; externalId: string })
    | undefined;
  return row === undefined ? undefined : { ...row, partialDrawAllowed: Boolean(row.partialDrawAllowed) };
}

export function lineIdByExternalId(db: Db, institutionId: number, externalId: string): number | undefined {
  const row = prepared(db, `SELECT id FROM credit_lines WHERE institution_id = ? AND external_id = ?`).get(institutionId, externalId) as { id: number } | undefined;
  return row?.id;
}

const lineColumns = [
  ['institution_id', 'institutionId'],
  ['external_id', 'externalId'],
  ['version', 'version'],
  ['remote_updated_at', 'remoteUpdatedAt'],
  ['application_external_id', 'applicationExternalId'],
  ['borrower_id', 'borrowerId'],
  ['platform_user_id', 'platformUserId'],
  ['product_code', 'productCode'],
  ['mode', 'mode'],
  ['limit_fen', 'limitFen'],
  ['used_fen', 'usedFen'],
  ['available_fen', 'availableFen'],
  ['partial_draw_allowed', 'partialDrawAllowed'],
  ['valid_from', 'validFrom'],
  ['valid_to', 'validTo'],
  ['status', 'status'],
  ['frozen_reason', 'frozenReason'],
  ['granted_at', 'grantedAt'],
  ['derived_used_fen', 'derivedUsedFen'],
  ['derived_available_fen', 'derivedAvailableFen'],
  ['derived_state', 'derivedState'],
  ['flags', 'flags'],
  ['derived_at', 'derivedAt'],
  ['synced_at', 'syncedAt'],
] as const;

/** Writes a line version the caller checked is newer, reported and derived columns in one write (read models update once). */
export function writeLine(db: Db, row: LineWrite, existingId: number | undefined): number {
  return writeIngestedRow(db, 'credit_lines', lineColumns, { ...row, partialDrawAllowed: row.partialDrawAllowed ? 1 : 0 }, existingId);
}

/** Writes derived columns only when they differ from what is stored (no churn for read-model triggers). */
export function updateLineDerived(db: Db, id: number, derived: LineDerivedColumns, derivedAt: number): boolean {
  return (
    prepared(
      db,
      `UPDATE credit_lines SET derived_used_fen = ?, derived_available_fen = ?, derived_state = ?, flags = ?, derived_at = ?
       WHERE id = ? AND (derived_used_fen IS NOT ? OR derived_available_fen IS NOT ? OR derived_state IS NOT ? OR flags IS NOT ?)`,
    ).run(
      derived.derivedUsedFen,
      derived.derivedAvailableFen,
      derived.derivedState,
      derived.flags,
      derivedAt,
      id,
      derived.derivedUsedFen,
      derived.derivedAvailableFen,
      derived.derivedState,
      derived.flags,
    ).changes > 0
  );
}

export function insertLineHistory(db: Db, lineId: number, version: number, seenAt: number, remoteUpdatedAt: number, changes: Record<string, [unknown, unknown]>): void {
  prepared(db, `INSERT INTO credit_line_history (credit_line_id, version, seen_at, remote_updated_at, changes) VALUES (?, ?, ?, ?, ?)`).run(
    lineId,
    version,
    seenAt,
    remoteUpdatedAt,
    JSON.stringify(changes),
  );
}

export function lineHistory(db: Db, lineId: number): Array<{ version: number; seenAt: number; remoteUpdatedAt: number; changes: Record<string, [unknown, unknown]> }> {
  return (
    prepared(db, `SELECT version, seen_at AS seenAt, remote_updated_at AS remoteUpdatedAt, changes FROM credit_line_history WHERE credit_line_id = ? ORDER BY version, id`).all(lineId) as Array<{
      version: number;
      seenAt: number;
      remoteUpdatedAt: number;
      changes: string;
    }>
  ).map((row) => ({ ...row, changes: JSON.parse(row.changes) as Record<string, [unknown, unknown]> }));
}

/** Line ids in id order from `afterId` (the daily pass walks them in chunks). */
export function lineIdsAfter(db: Db, afterId: number, limit: number): number[] {
  return (prepared(db, `SELECT id FROM credit_lines WHERE id > ? ORDER BY id LIMIT ?`).all(afterId, limit) as Array<{ id: number }>).map((row) => row.id);
}
