import { describe, expect, it } from 'vitest';
import { decodeQuotedPlan, encodeQuotedPlan, quotedInstallmentsOf } from './json-columns';

const wireRows = [
  { period: 1, due_date: '2026-07-10', principal_fen: 50_000, interest_fen: 500, fee_fen: 100, total_fen: 50_600 },
  { period: 2, due_date: '2026-08-10', principal_fen: 50_000, interest_fen: 250, fee_fen: 100, total_fen: 50_350 },
];

describe('the quoted plan column', () => {
  it('reads back what it wrote, in camelCase', () => {
    const decoded = decodeQuotedPlan(encodeQuotedPlan(wireRows));
    expect(decoded).toEqual(quotedInstallmentsOf(wireRows));
    expect(decoded[1]).toEqual({ period: 2, dueDate: '2026-08-10', principalFen: 50_000, interestFen: 250, feeFen: 100, totalFen: 50_350 });
  });

  it('reads an unreadable value as no plan instead of throwing', () => {
    expect(decodeQuotedPlan('not json')).toEqual([]);
    expect(decodeQuotedPlan('{"period":1}')).toEqual([]);
    expect(decodeQuotedPlan(JSON.stringify([{ ...wireRows[0], total_fen: '50600' }]))).toEqual([]);
    expect(decodeQuotedPlan(JSON.stringify([{ period: 1, due_date: '2026-07-10' }]))).toEqual([]);
  });
});
