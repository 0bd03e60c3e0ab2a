import { describe, expect, it } from 'vitest';
import { redact, redactText } from './redact';

describe('log redaction', () => {
  it('drops secrets by key whatever they hold', () => {
    expect(redact({ password: 'hunter22', appSecret: 'abc', token: 't', nested: { Authorization: 'Bearer x' } })).toEqual({
      password: '[redacted]',
      appSecret: '[redacted]',
      token: '[redacted]',
      nested: { Authorization: '[redacted]' },
    });
  });

  it('hides personal fields and masks ID and phone numbers inside free text', () => {
    expect(redact({ name: '张三', phone: '13812345678', count: 3 })).toEqual({ name: '[personal]', phone: '[personal]', count: 3 });
    expect(redactText('borrower 11010519491231002X called from 13812345678')).toBe('borrower 110105********002X called from 138****5678');
    expect(redactText('card 6222020200112233445 ok')).toBe('card 6222****3445 ok');
  });

  it('keeps ordinary numbers and ids readable', () => {
    expect(redactText('synced 1000 records in 2345 ms, page 12')).toBe('synced 1000 records in 2345 ms, page 12');
  });
});
