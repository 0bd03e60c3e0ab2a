import { describe, expect, it } from 'vitest';
import { maxLoggedStringChars, redact, redactText } from './redact';

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

  it('masks phones written with +86, 86, 0086, dashes, spaces or full-width digits', () => {
    for (const written of ['+8615912345678', '8615912345678', '008615912345678', '+86 159-1234-5678', '159 1234 5678', '159-1234-5678', '１５９１２３４５６７８']) {
      expect([written, redactText(`call ${written} now`)]).toEqual([written, 'call 159****5678 now']);
    }
  });

  it('masks ID numbers written with spaces or glued to a label', () => {
    expect(redactText('id 110105 19491231 002X')).toBe('id 110105********002X');
    expect(redactText('id 1101 0519 4912 3100 2x')).toBe('id 110105********002X');
    expect(redactText('ID11010519491231002X')).toBe('ID110105********002X');
  });

  it('masks names after a label and short Chinese names in free text', () => {
    expect(redactText('姓名：张三 ok')).toBe('姓名:[personal] ok');
    expect(redactText('contact=Li Lei, relation mother')).toBe('contact=[personal], relation mother');
    expect(redactText('lookup 欧阳娜娜 failed')).toBe('lookup 欧*** failed');
    expect(redactText('username=admin')).toBe('username=admin');
  });

  it('keeps ordinary numbers, ids, dates and chain hashes readable', () => {
    expect(redactText('synced 1000 records in 2345 ms, page 12')).toBe('synced 1000 records in 2345 ms, page 12');
    expect(redactText('at 1764990000000, day 2026-11-25 10:00:00')).toBe('at 1764990000000, day 2026-11-25 10:00:00');
    const head = `12:${'1234567890'.repeat(6)}abcd`;
    expect(redact({ auditHead: head })).toEqual({ auditHead: head });
  });

  it('leaves plain ASCII text alone and still masks what needs a digit, a label or a Han character', () => {
    for (const text of ['review decision', 'reject', 'awaiting_second', 'rpc review:decide', "it's (a) test; <ok> ~ {x} [y] | @_", '']) {
      expect(redactText(text)).toBe(text.normalize('NFKC'));
    }
    expect(redactText('name=Li Lei')).toBe('name=[personal]');
    expect(redactText('contact:Wang')).toBe('contact:[personal]');
    expect(redactText('call 13812345678 now')).toBe('call 138****5678 now');
    expect(redactText('ok 张三 ok')).toBe('ok 张* ok');
    expect(redactText('full-width ｎａｍｅ')).toBe('full-width name');
    expect(redactText('x'.repeat(maxLoggedStringChars + 10))).toMatch(/…\[cut 10 chars\]$/);
  });

  it('cuts long strings, masking a number that crosses the cut', () => {
    const text = `${'a'.repeat(maxLoggedStringChars - 5)}13812345678${'b'.repeat(1_000_000)}`;
    const cut = redactText(text);
    expect(cut.length).toBeLessThan(maxLoggedStringChars + 40);
    expect(cut).not.toContain('1381234');
    expect(cut).toContain('[cut ');
  });
});
