import { describe, expect, it } from 'vitest';
import { limitHeapGrowth } from './heap';

// What the setting does to a sync pass's peak RSS is measured by `npm run bench` (sync suite),
// not here: V8 offers no way to read a flag back, and memory targets are never checked by tests.
describe('limitHeapGrowth', () => {
  it('refuses anything but a positive whole percentage before touching V8', () => {
    for (const bad of [0, -5, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => limitHeapGrowth(bad)).toThrow(RangeError);
  });
});
