// Money as the screens show it: exact in tables and tooltips, short on chart axes.
import { describe, expect, it } from 'vitest';
import { formatDateTime, formatFen, formatFenCompact, formatTime } from '../../src/renderer/i18n/format';

describe('formatFen', () => {
  it('shows integer fen exactly, whatever their size', () => {
    expect(formatFen(123456, 'zh-CN')).toBe('¥1,234.56');
    expect(formatFen(-5, 'zh-CN')).toBe('-¥0.05');
    expect(formatFen(900719925474099, 'zh-CN')).toBe('¥9,007,199,254,740.99');
    expect(formatFen(null, 'en')).toBe('—');
  });
});

describe('formatFenCompact', () => {
  it('shortens axis amounts in each language, without trailing zeros', () => {
    expect(formatFenCompact(260_000_000, 'zh-CN')).toBe('¥260万');
    expect(formatFenCompact(12_000_000_000, 'zh-CN')).toBe('¥1.2亿');
    expect(formatFenCompact(0, 'zh-CN')).toBe('¥0');
    expect(formatFenCompact(260_000_000, 'en')).toBe('CN¥2.6M');
  });
});

describe('formatDateTime', () => {
  // 2026-12-03 05:50 UTC is 13:50 in Shanghai.
  const instant = Date.UTC(2026, 11, 3, 5, 50);

  it('shows an instant in Asia/Shanghai, year first in both languages, so 3 December never reads as 12 March', () => {
    expect(formatDateTime(instant, 'zh-CN')).toBe('2026/12/03 13:50');
    expect(formatDateTime(instant, 'en')).toBe('2026-12-03 13:50');
    expect(formatDateTime(Date.UTC(2026, 0, 31, 16, 5), 'en')).toBe('2026-02-01 00:05');
    expect(formatDateTime(null, 'en')).toBe('—');
  });
});

describe('formatTime', () => {
  it('says 00:05 after midnight in Shanghai, not 24:05', () => {
    expect(formatTime(Date.UTC(2026, 0, 31, 16, 5, 9), 'en')).toBe('00:05:09');
    expect(formatTime(Date.UTC(2026, 0, 31, 16, 5, 9), 'zh-CN')).toBe('00:05:09');
  });
});
