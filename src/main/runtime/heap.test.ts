import { describe, expect, it } from 'vitest';
import { heapGrowingPercent, limitHeapGrowth } from './heap';

describe('limitHeapGrowth', () => {
  it('sets a positive whole percentage and refuses anything else', () => {
    expect(heapGrowingPercent).toBe(100);
    expect(() => limitHeapGrowth()).not.toThrow();
    for (const bad of [0, -5, 1.5, Number.NaN]) expect(() => limitHeapGrowth(bad)).toThrow(RangeError);
  });
});
