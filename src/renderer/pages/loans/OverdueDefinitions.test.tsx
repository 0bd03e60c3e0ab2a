// @vitest-environment jsdom
import { cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { LoansDashboard } from '../../../shared/contracts/portfolio';
import { renderWithProviders } from '../../testing';
import { OverdueDefinitions } from './OverdueDefinitions';

afterEach(cleanup);

describe('OverdueDefinitions', () => {
  it('defines the three overdue counts on screen and links the computed and the reported one to their loans', () => {
    const data = {
      overdue: { loanCount: 63 },
      buckets: [
        { bucket: 'M0', loanCount: 622, balanceFen: 0 },
        { bucket: 'M1', loanCount: 17, balanceFen: 0 },
        { bucket: 'M2', loanCount: 5, balanceFen: 0 },
        { bucket: 'M3', loanCount: 4, balanceFen: 0 },
        { bucket: 'M3+', loanCount: 36, balanceFen: 0 },
      ],
      byStatus: [
        { institutionId: 1, status: 'OVERDUE', loanCount: 40, outstandingPrincipalFen: 0 },
        { institutionId: 2, status: 'OVERDUE', loanCount: 21, outstandingPrincipalFen: 0 },
        { institutionId: 1, status: 'REPAYING', loanCount: 300, outstandingPrincipalFen: 0 },
      ],
    } as unknown as LoansDashboard;
    renderWithProviders(<OverdueDefinitions data={data} list={(filter) => `/loans/list?${new URLSearchParams(filter as Record<string, string>).toString()}`} />);
    expect(screen.getByTestId('overdue-def-computed').textContent).toBe('63');
    expect(screen.getByTestId('overdue-def-computed').getAttribute('href')).toContain('flag=overdue');
    expect(screen.getByTestId('overdue-def-pastGrace').textContent).toBe('62');
    expect(screen.getByTestId('overdue-def-reported').textContent).toBe('61');
    expect(screen.getByTestId('overdue-def-reported').getAttribute('href')).toContain('status=OVERDUE');
    expect(screen.getByText(/含宽限期内的/)).toBeTruthy();
  });
});
