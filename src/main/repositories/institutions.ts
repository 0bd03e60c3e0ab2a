import { asc, eq } from 'drizzle-orm';
import type { SyncFailure } from '../../shared/contracts/sync';
import type { Db } from '../db/connection';
import { institutionsTable, type InstitutionRow } from '../db/schema';

export type InstitutionInsert = typeof institutionsTable.$inferInsert;
export type InstitutionState = InstitutionRow['state'];

export function listInstitutions(db: Db): InstitutionRow[] {
  return db.select().from(institutionsTable).orderBy(asc(institutionsTable.code)).all();
}

export function findInstitutionById(db: Db, id: number): InstitutionRow | undefined {
  return db.select().from(institutionsTable).where(eq(institutionsTable.id, id)).get();
}

export function findInstitutionByCode(db: Db, code: string): InstitutionRow | undefined {
  return db.select().from(institutionsTable).where(eq(institutionsTable.code, code)).get();
}

export function insertInstitution(db: Db, values: InstitutionInsert): InstitutionRow {
  return db.insert(institutionsTable).values(values).returning().get();
}

export function updateInstitution(db: Db, id: number, values: Partial<InstitutionInsert>): InstitutionRow | undefined {
  return db.update(institutionsTable).set(values).where(eq(institutionsTable.id, id)).returning().get();
}

/** No reason: the columns of a state that needs none (idle, syncing, disabled), for writers that set the state with other columns. */
export const noStateReason = { stateReason: null, stateReasonCode: null, stateReasonStatus: null } as const;

/**
 * The sync state shown on the Sync page. `reason` says why, as a closed code (and HTTP status)
 * that screens word in the user's language, its text kept as the technical detail; a state set
 * without one has none (the previous reason goes).
 */
export function setInstitutionState(
  db: Db,
  id: number,
  state: InstitutionState,
  fields: { reason?: SyncFailure | null; circuitOpenUntil?: number | null; lastAttemptAt?: number; lastSuccessAt?: number; capabilities?: string },
): void {
  const reason = fields.reason ?? null;
  db.update(institutionsTable)
    .set({
      state,
      ...(reason === null ? noStateReason : { stateReason: reason.text, stateReasonCode: reason.code, stateReasonStatus: reason.status }),
      ...(fields.circuitOpenUntil !== undefined ? { circuitOpenUntil: fields.circuitOpenUntil } : {}),
      ...(fields.lastAttemptAt !== undefined ? { lastAttemptAt: fields.lastAttemptAt } : {}),
      ...(fields.lastSuccessAt !== undefined ? { lastSuccessAt: fields.lastSuccessAt } : {}),
      ...(fields.capabilities !== undefined ? { capabilities: fields.capabilities } : {}),
    })
    .where(eq(institutionsTable.id, id))
    .run();
}
