import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestBackend } from '../../../test/support/backend';
import { insertLineRow, insertOrderRow } from '../../../test/support/loan-rows';
import { insertApplication, insertBorrower, insertInstitution } from '../../../test/support/rows';
import { applicationsOfBorrower, linesOfBorrower, loansOfBorrower } from './review-evidence';

let backend: Awaited<ReturnType<typeof createTestBackend>>;
let borrowerId: number;
beforeAll(async () => {
  backend = await createTestBackend();
  const db = backend.db;
  const qinghe = insertInstitution(db, 'QINGHE');
  const dongfang = insertInstitution(db, 'DONGFANG');
  borrowerId = insertBorrower(db, { idNumber: '110101199003078670' });
  const someoneElse = insertBorrower(db, { idNumber: '440308199901101512' });
  // Three of each across two institutions, written out of time order, and one of another borrower's.
  const day = 86_400_000;
  for (const [index, at] of [2, 0, 1].entries()) {
    const institutionId = index === 0 ? dongfang : qinghe;
    const when = 1_790_000_000_000 + at * day;
    insertApplication(db, { institutionId, borrowerId }, `APP-${at}`, when);
    insertLineRow(db, { institutionId, externalId: `L-${at}`, borrowerId, grantedAt: when });
    insertOrderRow(db, { institutionId, externalId: `O-${at}`, borrowerId, appliedAt: when });
  }
  insertApplication(db, { institutionId: qinghe, borrowerId: someoneElse }, 'APP-OTHER', 1_790_000_000_000 + 9 * day);
  insertLineRow(db, { institutionId: qinghe, externalId: 'L-OTHER', borrowerId: someoneElse, grantedAt: 1_790_000_000_000 + 9 * day });
  insertOrderRow(db, { institutionId: qinghe, externalId: 'O-OTHER', borrowerId: someoneElse, appliedAt: 1_790_000_000_000 + 9 * day });
});
afterAll(async () => {
  await backend.cleanup();
});

describe("a borrower's applications, lines and loans across institutions", () => {
  it('lists only that borrower’s, newest first, up to the limit, each with its institution', () => {
    const expected = [
      { externalId: '2', institutionCode: 'DONGFANG', institutionName: 'DONGFANG institution' },
      { externalId: '1', institutionCode: 'QINGHE', institutionName: 'QINGHE institution' },
    ];
    const shape = (rows: Array<{ externalId: string; institutionCode: string; institutionName: string }>) =>
      rows.map((row) => ({ externalId: row.externalId.split('-')[1], institutionCode: row.institutionCode, institutionName: row.institutionName }));
    expect(shape(applicationsOfBorrower(backend.db, borrowerId, 2))).toEqual(expected);
    expect(shape(linesOfBorrower(backend.db, borrowerId, 2))).toEqual(expected);
    expect(shape(loansOfBorrower(backend.db, borrowerId, 2))).toEqual(expected);
    expect(loansOfBorrower(backend.db, borrowerId, 20).map((loan) => [loan.externalId, loan.principalFen])).toEqual([
      ['O-2', 1_000_000],
      ['O-1', 1_000_000],
      ['O-0', 1_000_000],
    ]);
  });
});
