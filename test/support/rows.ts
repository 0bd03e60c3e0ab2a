import type { Db } from '../../src/main/db/connection';
import { applicationsTable, borrowersTable, institutionsTable } from '../../src/main/db/schema';

/**
 * Minimal rows for tests that need an institution, a borrower or an application to hang other
 * data on. The sync engine writes real ones; these only satisfy the foreign keys.
 */
export function insertInstitution(db: Db, code = 'TEST', now = 1_790_000_000_000): number {
  return db
    .insert(institutionsTable)
    .values({
      code,
      name: `${code} institution`,
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

export function insertBorrower(db: Db, idNumber = '110101199003078670', now = 1_790_000_000_000): number {
  return db
    .insert(borrowersTable)
    .values({
      idNumber,
      idTail: idNumber.slice(-6),
      idValid: true,
      name: '王小明',
      phone: '13800138000',
      platformUserId: `U${idNumber.slice(-8)}`,
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
  now = 1_790_000_000_000,
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
