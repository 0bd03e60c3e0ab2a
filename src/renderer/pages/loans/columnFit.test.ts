import { describe, expect, it } from 'vitest';
import { fitColumns, type FitColumn } from './columnFit';

const columns: FitColumn[] = [
  { key: 'id', width: 170, priority: 1 },
  { key: 'borrower', width: 80 },
  { key: 'product', width: 100, priority: 3 },
  { key: 'amount', width: 110, sort: 'amount' },
  { key: 'date', width: 140, priority: 4, sort: 'date' },
  { key: 'apr', width: 90, priority: 2, sort: 'apr' },
];
const keys = (list: readonly FitColumn[]) => list.map((column) => column.key);

describe('which list columns fit', () => {
  it('shows everything when everything fits, or before the width is known', () => {
    expect(keys(fitColumns(columns, 690).shown)).toEqual(keys(columns));
    expect(keys(fitColumns(columns, 0).shown)).toEqual(keys(columns));
  });

  it('keeps the essential columns and brings secondary ones back by priority, in their own order on screen', () => {
    // 190 for the essentials leaves 300: id (170) then apr (90); product (100) no longer fits.
    const { shown, hidden } = fitColumns(columns, 490);
    expect(keys(shown)).toEqual(['id', 'borrower', 'amount', 'apr']);
    expect(keys(hidden)).toEqual(['product', 'date']);
  });

  it('lets a narrower column further down fill the room a wider one could not', () => {
    expect(keys(fitColumns(columns, 350).shown)).toEqual(['borrower', 'amount', 'apr']);
  });

  it('always shows the column the list is sorted by', () => {
    expect(keys(fitColumns(columns, 560, 'date').shown)).toEqual(['id', 'borrower', 'amount', 'date']);
  });

  it('never hides an essential column, even when the essentials alone are too wide', () => {
    expect(keys(fitColumns(columns, 100).shown)).toEqual(['borrower', 'amount']);
  });
});
