// @vitest-environment jsdom
import { cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { renderWithProviders } from '../../testing';
import { BucketBadge, FigureCard, LineFlagBadges } from './shared';

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

describe('FigureCard', () => {
  it('lets a long label take a second line instead of cutting it after one, and keeps it whole on hover', () => {
    renderWithProviders(<FigureCard label="APR over 36.00% (non-compliant)" value={203} testId="apr-36" />, { locale: 'en' });
    const label = screen.getByTestId('apr-36-label');
    expect(label.getAttribute('title')).toBe('APR over 36.00% (non-compliant)');
    expect(label.style.getPropertyValue('--text-line-clamp')).toBe('2');
  });
});

describe('LineFlagBadges in a list cell', () => {
  it('puts an overdue freeze first whatever order the flags came in, the rest as +N and all of them on hover', () => {
    renderWithProviders(<LineFlagBadges flags={['expiring_soon', 'frozen_overdue', 'exhausted']} max={1} />);
    const badges = screen.getAllByText(/./, { selector: '.mantine-Badge-label' });
    expect(badges.map((badge) => badge.textContent)).toEqual(['逾期冻结', '+2']);
    expect(screen.getByTitle('逾期冻结、额度用尽、30 天内到期')).toBeTruthy();
  });
});
