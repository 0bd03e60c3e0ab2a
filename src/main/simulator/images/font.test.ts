import { describe, expect, it } from 'vitest';
import { registerCjkFont } from './font';

describe('registerCjkFont', () => {
  it('registers a family the canvas can draw with', () => {
    expect(registerCjkFont()).toBe('CreditDesk CJK');
  });
});
