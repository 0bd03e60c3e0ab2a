// Money as the screens show it: exact in tables and tooltips, short on chart axes.
import { describe, expect, it } from 'vitest';
import { formatFen, formatFenCompact } from '../../src/renderer/i18n/format';

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
