import type { Db } from '../../src/main/db/connection';
import { applicationsTable, borrowersTable, institutionsTable } from '../../src/main/db/schema';

const defaultNow = 1_790_000_000_000;

/**
 * Minimal rows for tests that need an institution, a borrower or an application to hang other
 * data on. The sync engine writes real ones; these only satisfy the foreign keys. The one builder
 * for each kind: the review fixtures and the loan rows build theirs through these.
 */
export function insertInstitution(db: Db, code = 'TEST', now = defaultNow, name = `${code} institution`): number {
  return db
    .insert(institutionsTable)
    .values({
      code,
      name,
      baseUrl: 'http://127.0.0.1:1',
      appId: `${code.toLowerCase()}-app`,
      secretCiphertext: Buffer.from('not-a-real-secret'),
      secretScheme: 'key-file',
      createdAt: now,
      updatedAt: now,
    })
    .returning({ id: institutionsTable.id })
    .get().id;
}

/** Who a borrower row is; each field has a default (王小明, platform user `U` + the id number's last 8). */
export interface BorrowerValues {
  idNumber?: string;
  name?: string;
  phone?: string;
  platformUserId?: string;
}

/** A borrower row, its id number stored as given (the sync engine's normalization is not this builder's). */
export function insertBorrower(db: Db, values: BorrowerValues = {}, now = defaultNow): number {
  const idNumber = values.idNumber ?? '110101199003078670';
  return db
    .insert(borrowersTable)
    .values({
      idNumber,
      idTail: idNumber.slice(-6),
      idValid: true,
      name: values.name ?? '王小明',
      phone: values.phone ?? '13800138000',
      platformUserId: values.platformUserId ?? `U${idNumber.slice(-8)}`,
      firstSeenAt: now,
      updatedAt: now,
    })
    .returning({ id: borrowersTable.id })
    .get().id;
}

export function insertApplication(
  db: Db,
  ids: { institutionId: number; borrowerId: number },
  externalId = 'APP-1',
  now = defaultNow,
): number {
  return db
    .insert(applicationsTable)
    .values({
      institutionId: ids.institutionId,
      externalId,
      version: 1,
      remoteUpdatedAt: now,
      borrowerId: ids.borrowerId,
      platformUserId: 'U1',
      productCode: 'P1',
      productName: 'Product',
      lineMode: 'revolving',
      requestedAmountFen: 1_000_000,
      requestedTermMonths: 12,
      status: 'MANUAL_REVIEW',
      riskResult: 'manual_review',
      appliedAt: now,
      record: '{}',
      evidenceHash: 'h1',
      syncedAt: now,
    })
    .returning({ id: applicationsTable.id })
    .get().id;
}
