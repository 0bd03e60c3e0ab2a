/**
 * Credit lines as reported plus what CreditDesk derives (availability, state, flags), and each
 * line's version history.
 */
import type { Db } from '../db/connection';
import type { CreditLineRow } from '../db/schema';
import { prepared } from './sync';

/** The reported fields of a line, in the order the history lists them. */
export const reportedLineFields = [
  'applicationExternalId',
  'platformUserId',
  'productCode',
  'mode',
  'limitFen',
  'usedFen',
  'availableFen',
  'partialDrawAllowed',
  'validFrom',
  'validTo',
  'status',
  'frozenReason',
  'grantedAt',
] as const;

export type ReportedLine = Pick<CreditLineRow, (typeof reportedLineFields)[number]>;

export interface LineDerivedColumns {
  derivedUsedFen: number;
  derivedAvailableFen: number;
  derivedState: CreditLineRow['derivedState'];
  flags: string;
}

const selectColumns = `id, version, remote_updated_at AS remoteUpdatedAt, application_external_id AS applicationExternalId, platform_user_id AS platformUserId,
  product_code AS productCode, mode, limit_fen AS limitFen, used_fen AS usedFen, available_fen AS availableFen, partial_draw_allowed AS partialDrawAllowed,
  valid_from AS validFrom, valid_to AS validTo, status, frozen_reason AS frozenReason, granted_at AS grantedAt, borrower_id AS borrowerId,
  derived_used_fen AS derivedUsedFen, derived_available_fen AS derivedAvailableFen, derived_state AS derivedState, flags`;

export type StoredLine = ReportedLine &
  LineDerivedColumns & { id: number; version: number; remoteUpdatedAt: number; borrowerId: number | null };

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

export interface LineWrite extends ReportedLine, LineDerivedColumns {
  institutionId: number;
  externalId: string;
  version: number;
  remoteUpdatedAt: number;
  borrowerId: number | null;
  derivedAt: number;
  syncedAt: number;
}

/** Inserts or replaces a line (reported and derived columns in one write, so read models update once). */
export function writeLine(db: Db, row: LineWrite): number {
  const result = prepared(
    db,
    `INSERT INTO credit_lines (institution_id, external_id, version, remote_updated_at, application_external_id, borrower_id, platform_user_id, product_code, mode,
       limit_fen, used_fen, available_fen, partial_draw_allowed, valid_from, valid_to, status, frozen_reason, granted_at,
       derived_used_fen, derived_available_fen, derived_state, flags, derived_at, synced_at)
     VALUES (@institutionId, @externalId, @version, @remoteUpdatedAt, @applicationExternalId, @borrowerId, @platformUserId, @productCode, @mode,
       @limitFen, @usedFen, @availableFen, @partialDrawAllowed, @validFrom, @validTo, @status, @frozenReason, @grantedAt,
       @derivedUsedFen, @derivedAvailableFen, @derivedState, @flags, @derivedAt, @syncedAt)
     ON CONFLICT (institution_id, external_id) DO UPDATE SET version = excluded.version, remote_updated_at = excluded.remote_updated_at,
       application_external_id = excluded.application_external_id, borrower_id = excluded.borrower_id, platform_user_id = excluded.platform_user_id,
       product_code = excluded.product_code, mode = excluded.mode, limit_fen = excluded.limit_fen, used_fen = excluded.used_fen, available_fen = excluded.available_fen,
       partial_draw_allowed = excluded.partial_draw_allowed, valid_from = excluded.valid_from, valid_to = excluded.valid_to, status = excluded.status,
       frozen_reason = excluded.frozen_reason, granted_at = excluded.granted_at, derived_used_fen = excluded.derived_used_fen,
       derived_available_fen = excluded.derived_available_fen, derived_state = excluded.derived_state, flags = excluded.flags,
       derived_at = excluded.derived_at, synced_at = excluded.synced_at
     RETURNING id`,
  ).get({ ...row, partialDrawAllowed: row.partialDrawAllowed ? 1 : 0 }) as { id: number };
  return result.id;
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
