// @vitest-environment jsdom
import { cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { renderWithProviders } from '../../testing';
import { BucketBadge } from './shared';

afterEach(cleanup);

describe('BucketBadge', () => {
  it('gives a closed loan no delinquency bucket (no "M0" on a settled loan)', () => {
    renderWithProviders(<BucketBadge bucket="M0" dpd={0} status="CLOSED" />);
    expect(screen.queryByText('M0')).toBeNull();
    expect(screen.getByTestId('no-bucket').textContent).toBe('—');
  });

  it('shows an open loan’s bucket and days past due', () => {
    renderWithProviders(<BucketBadge bucket="M1" dpd={12} status="OVERDUE" />);
    expect(screen.getByText(/M1/)).toBeTruthy();
  });
});
