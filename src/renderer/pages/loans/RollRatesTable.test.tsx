// @vitest-environment jsdom
import { cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { LoansDashboard } from '../../../shared/contracts/portfolio';
import { renderWithProviders } from '../../testing';
import { RollRatesTable } from './RollRatesTable';

afterEach(cleanup);

const rate = (numeratorFen: number, denominatorFen: number) => ({ ratio: denominatorFen > 0 ? numeratorFen / denominatorFen : 0, numeratorFen, denominatorFen });

describe('RollRatesTable', () => {
  it('shows each rate with its base and greys out a rate over fewer loans than the setting', () => {
    const rows: LoansDashboard['rollRates'] = [
      { monthEnd: '2026-10-31', currentToM1: rate(1_200_000, 60_000_000), m1ToM2: rate(300_000, 600_000), cohortLoans: { current: 420, m1: 3 }, reconstructed: false },
    ];
    renderWithProviders(<RollRatesTable rows={rows} minimumLoans={30} onRolled={() => undefined} />);
    const current = screen.getByTestId('roll-c1-2026-10-31');
    expect(current.textContent).toContain('2.00%');
    expect(current.textContent).toContain('420 笔');
    expect(current.getAttribute('data-tiny')).toBeNull();
    const m1 = screen.getByTestId('roll-m12-2026-10-31');
    // 50% of three loans: shown, with its base, and greyed as too small to read.
    expect(m1.textContent).toContain('50.00%');
    expect(m1.textContent).toContain('3 笔');
    expect(m1.getAttribute('data-tiny')).toBe('true');
    expect(m1.getAttribute('title')).toContain('少于 30 笔');
    expect(screen.getByText(/样本少于 30 笔/)).toBeTruthy();
  });
});
