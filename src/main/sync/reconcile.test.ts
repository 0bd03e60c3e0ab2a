import { describe, expect, it } from 'vitest';
import { readStats } from '../../shared/institution-api/tolerant';
import type { LocalFigures } from '../repositories/sync-rereads';
import { judge, remoteFigures, type RemoteFigures } from './reconcile';

const at = Date.UTC(2026, 10, 20, 4, 0, 0);

function local(overrides: Partial<LocalFigures> = {}): LocalFigures {
  return { count: 100, amounts: { principalFen: 5_000_000 }, byStatus: { REPAYING: 60, CLOSED: 40 }, maxUpdatedAt: at, ...overrides };
}

function remote(overrides: Partial<RemoteFigures> = {}): RemoteFigures {
  return { count: 100, amounts: { principalFen: 5_000_000 }, notCompared: [], byStatus: { REPAYING: 60, CLOSED: 40 }, maxUpdatedAt: at, ...overrides };
}

describe('judge: local figures against /v1/stats', () => {
  it('agrees when count, sums, statuses and the latest updated_at agree', () => {
    expect(judge(local(), remote(), 0)).toEqual({ judgement: 'matched', amounts: [{ name: 'principalFen', local: 5_000_000, remote: 5_000_000 }], statuses: [], unexplained: 0 });
  });

  it('is behind when the institution holds a later updated_at (pull again from the cursor), with the missing count', () => {
    const result = judge(local(), remote({ count: 103, maxUpdatedAt: at + 60_000, byStatus: { REPAYING: 63, CLOSED: 40 } }), 0);
    expect(result.judgement).toBe('behind');
    expect(result.unexplained).toBe(3);
    expect(result.statuses).toEqual([{ status: 'REPAYING', local: 60, remote: 63 }]);
  });

  it('is behind when nothing was read yet and the institution has records', () => {
    expect(judge(local({ count: 0, amounts: {}, byStatus: {}, maxUpdatedAt: null }), remote(), 0).judgement).toBe('behind');
  });

  it('calls a gap of exactly the records held only in quarantine explained', () => {
    const result = judge(local({ count: 98, byStatus: { REPAYING: 58, CLOSED: 40 }, amounts: { principalFen: 4_900_000 } }), remote(), 2);
    expect(result).toMatchObject({ judgement: 'explained', unexplained: 0 });
  });

  it('does not let quarantine explain a gap of another size: the rest is unexplained', () => {
    const result = judge(local({ count: 95 }), remote(), 2);
    expect(result).toMatchObject({ judgement: 'unexplained', unexplained: 3 });
  });

  it('reports more records here than the institution serves (deleted upstream) as unexplained with a negative count, never as agreement or as explained by quarantine', () => {
    const result = judge(local({ count: 104, byStatus: { REPAYING: 64, CLOSED: 40 } }), remote(), 0);
    expect(result).toMatchObject({ judgement: 'unexplained', unexplained: -4 });
    expect(result.statuses).toEqual([{ status: 'REPAYING', local: 64, remote: 60 }]);
    // Quarantine never explains a surplus, whatever it holds.
    expect(judge(local({ count: 104 }), remote(), 4)).toMatchObject({ judgement: 'unexplained', unexplained: -8 });
  });

  it('sees a stale record whose count agrees: a status count that differs', () => {
    const result = judge(local({ byStatus: { REPAYING: 61, CLOSED: 39 } }), remote(), 0);
    expect(result.judgement).toBe('unexplained');
    expect(result.unexplained).toBe(0);
    expect(result.statuses).toEqual([
      { status: 'REPAYING', local: 61, remote: 60 },
      { status: 'CLOSED', local: 39, remote: 40 },
    ]);
  });

  it('counts a status only one side knows (a status new in the institution, none here)', () => {
    const result = judge(local(), remote({ count: 101, byStatus: { REPAYING: 60, CLOSED: 40, WRITTEN_OFF: 1 } }), 0);
    expect(result.statuses).toEqual([{ status: 'WRITTEN_OFF', local: 0, remote: 1 }]);
    expect(result.judgement).toBe('unexplained');
  });

  it('sees a stale record through a sum that differs', () => {
    const result = judge(local({ amounts: { principalFen: 4_999_000 } }), remote(), 0);
    expect(result).toMatchObject({ judgement: 'unexplained', amounts: [{ name: 'principalFen', local: 4_999_000, remote: 5_000_000 }] });
  });

  it('leaves a sum beyond 2^53 uncompared (named, not a difference), and compares the rest', () => {
    const read = readStats({
      as_of: '2026-11-20T12:00:00.000+08:00',
      applications: { count: 0, max_updated_at: null, by_status: {} },
      credit_lines: { count: 0, max_updated_at: null, by_status: {}, limit_fen: 0, used_fen: 0 },
      orders: { count: 0, max_updated_at: null, by_status: {}, principal_fen: 0 },
      repayment_plans: null,
      repayments: { count: 100, max_updated_at: '2026-11-20T12:00:00.000+08:00', amount_fen: 2 ** 53 + 2 },
    });
    if (!read.success) throw new Error('stats not read');
    const figures = remoteFigures(read.data, 'repayments');
    expect(figures).toMatchObject({ count: 100, amounts: {}, notCompared: ['amountFen'] });
    if (figures === null) return;
    const here = { count: 100, amounts: { amountFen: 123 }, byStatus: {}, maxUpdatedAt: at };
    expect(judge(here, figures, 0)).toEqual({ judgement: 'matched', amounts: [], statuses: [], unexplained: 0 });
    // The count still counts.
    expect(judge({ ...here, count: 99 }, figures, 0)).toMatchObject({ judgement: 'unexplained', unexplained: 1 });
  });

  it('does not compare statuses an institution does not report', () => {
    expect(judge(local({ byStatus: { REPAYING: 1 } }), remote({ byStatus: null }), 0).judgement).toBe('matched');
  });
});
