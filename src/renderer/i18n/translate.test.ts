import { describe, expect, it } from 'vitest';
import { messages } from './messages';
import { translate } from './translate';

describe('English plurals', () => {
  it('say "1 task" and "0 tasks", "2 tasks", "1.5 tasks"', () => {
    expect(translate('en', 'review.total', { count: 1 })).toBe('1 task');
    expect(translate('en', 'review.total', { count: 0 })).toBe('0 tasks');
    expect(translate('en', 'review.total', { count: 2 })).toBe('2 tasks');
    expect(translate('en', 'review.total', { count: 1.5 })).toBe('1.5 tasks');
  });

  it('are decided by the named parameter, also when it comes formatted for display', () => {
    expect(translate('en', 'review.ocr.daysLeft', { days: 1 })).toBe('1 day left');
    expect(translate('en', 'review.ocr.daysLeft', { days: 30 })).toBe('30 days left');
    expect(translate('en', 'reports.export.done', { rows: '1', file: 'a.csv' })).toBe('Exported 1 row: a.csv');
    expect(translate('en', 'reports.export.done', { rows: '1,001', file: 'a.csv' })).toBe('Exported 1,001 rows: a.csv');
  });

  it('leave Chinese as it is', () => {
    expect(translate('zh-CN', 'review.total', { count: 1 })).toBe('共 1 个任务');
    expect(translate('zh-CN', 'review.total', { count: 2 })).toBe('共 2 个任务');
  });

  it('no English message says "(s)" any more', () => {
    const english = Object.values(messages).flatMap((entry) => (typeof entry.en === 'string' ? [entry.en] : [entry.en.one, entry.en.other]));
    expect(english.filter((text) => text.includes('(s)'))).toEqual([]);
  });
});
