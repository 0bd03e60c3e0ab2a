import { describe, expect, it } from 'vitest';
import { shanghaiStartOfDay } from '../time';
import { lineAvailability, type CreditLine } from './lines';

const OPTIONS = { expiringWithinDays: 30, singleBatchExpiringDays: 3 };
const revolving: CreditLine = {
  mode: 'revolving',
  limitFen: 2_000_000,
  validFrom: shanghaiStartOfDay('2025-01-01'),
  validTo: shanghaiStartOfDay('2026-01-01'),
};
const MID_YEAR = shanghaiStartOfDay('2025-06-01');

describe('revolving lines', () => {
  it('makes the limit minus outstanding drawn principal available', () => {
    const result = lineAvailability(revolving, [{ principalFen: 500_000, outstandingPrincipalFen: 300_000, overdue: false }], MID_YEAR, OPTIONS);
    expect(result).toMatchObject({ usedFen: 300_000, availableFen: 1_700_000, state: 'active', freezeReason: null, flags: [], minimumDrawFen: 1 });
  });

  it('restores the limit as drawdowns are repaid', () => {
    const before = lineAvailability(revolving, [{ principalFen: 2_000_000, outstandingPrincipalFen: 2_000_000, overdue: false }], MID_YEAR, OPTIONS);
    expect(before).toMatchObject({ availableFen: 0, state: 'exhausted', flags: ['exhausted'] });
    const after = lineAvailability(revolving, [{ principalFen: 2_000_000, outstandingPrincipalFen: 0, overdue: false }], MID_YEAR, OPTIONS);
    expect(after).toMatchObject({ availableFen: 2_000_000, state: 'active' });
  });

  it('freezes drawing while any drawdown is overdue, even with limit left', () => {
    const result = lineAvailability(
      revolving,
      [
        { principalFen: 100_000, outstandingPrincipalFen: 50_000, overdue: true },
        { principalFen: 100_000, outstandingPrincipalFen: 100_000, overdue: false },
      ],
      MID_YEAR,
      OPTIONS,
    );
    expect(result).toMatchObject({ state: 'frozen', freezeReason: 'overdue', availableFen: 0, remainingLimitFen: 1_850_000, flags: ['frozen_overdue'] });
  });

  it('flags expiry within N days and refuses drawing after the validity end', () => {
    const soon = lineAvailability(revolving, [], shanghaiStartOfDay('2025-12-02'), OPTIONS);
    expect(soon).toMatchObject({ state: 'active', daysToExpiry: 29, flags: ['expiring_soon'] });
    const notYet = lineAvailability(revolving, [], shanghaiStartOfDay('2025-11-30'), OPTIONS);
    expect(notYet.flags).toEqual([]);
    const lastDay = lineAvailability(revolving, [], revolving.validTo - 1, OPTIONS);
    expect(lastDay).toMatchObject({ state: 'active', daysToExpiry: 0 });
    const over = lineAvailability(revolving, [], revolving.validTo, OPTIONS);
    expect(over).toMatchObject({ state: 'expired', availableFen: 0, flags: ['expired'] });
  });

  it('is not usable before it starts', () => {
    expect(lineAvailability(revolving, [], revolving.validFrom - 1, OPTIONS)).toMatchObject({ state: 'not_started', availableFen: 0 });
  });
});

describe('single batch lines', () => {
  const batch: CreditLine = {
    mode: 'single_batch',
    limitFen: 500_000,
    validFrom: shanghaiStartOfDay('2025-06-01'),
    validTo: shanghaiStartOfDay('2025-06-15'),
  };

  it('offers all or nothing within its window', () => {
    const result = lineAvailability(batch, [], shanghaiStartOfDay('2025-06-02'), OPTIONS);
    expect(result).toMatchObject({ state: 'active', availableFen: 500_000, minimumDrawFen: 500_000 });
    // A 14-day line is always within 30 days of its end: expiring_soon is expected.
    expect(result.flags).toEqual(['expiring_soon']);
  });

  it('allows a smaller amount where the product does', () => {
    const result = lineAvailability({ ...batch, allowPartialDraw: true }, [], shanghaiStartOfDay('2025-06-02'), OPTIONS);
    expect(result).toMatchObject({ availableFen: 500_000, minimumDrawFen: 1 });
  });

  it('is consumed after one draw, even a partial one', () => {
    const result = lineAvailability({ ...batch, allowPartialDraw: true }, [{ principalFen: 300_000, outstandingPrincipalFen: 300_000, overdue: false }], shanghaiStartOfDay('2025-06-03'), OPTIONS);
    expect(result).toMatchObject({ state: 'consumed', usedFen: 300_000, availableFen: 0, flags: [] });
  });

  it('flags an unused batch about to expire, then expires', () => {
    const soon = lineAvailability(batch, [], shanghaiStartOfDay('2025-06-12'), OPTIONS);
    expect(soon.flags).toEqual(['expiring_soon', 'unused_single_batch_expiring']);
    expect(soon.daysToExpiry).toBe(2);
    const expired = lineAvailability(batch, [], shanghaiStartOfDay('2025-06-15'), OPTIONS);
    expect(expired).toMatchObject({ state: 'expired', availableFen: 0, flags: ['expired'] });
  });
});
