import type { Locale } from '../../shared/contracts/auth';

export const displayTimeZone = 'Asia/Shanghai';

const moneyFormats = new Map<string, Intl.NumberFormat>();

/** Integer fen as CNY (¥1,234.56), exact: the division happens on integers before formatting. */
export function formatFen(fen: number | null | undefined, locale: Locale): string {
  if (fen === null || fen === undefined) return '—';
  let format = moneyFormats.get(locale);
  if (!format) {
    format = new Intl.NumberFormat(locale, { style: 'currency', currency: 'CNY', minimumFractionDigits: 2 });
    moneyFormats.set(locale, format);
  }
  const sign = fen < 0 ? '-' : '';
  const absolute = Math.abs(fen);
  const yuan = Math.trunc(absolute / 100);
  const cents = absolute % 100;
  // Intl formats a decimal string exactly (no binary rounding) in modern engines.
  const exact = `${yuan}.${String(cents).padStart(2, '0')}` as Intl.StringNumericLiteral;
  return sign + format.format(exact);
}

const compactMoneyFormats = new Map<string, Intl.NumberFormat>();

/** Fen as a short CNY amount for chart axes (¥260万, CN¥2.6M); tooltips and tables keep formatFen's exact figure. */
export function formatFenCompact(fen: number, locale: Locale): string {
  let format = compactMoneyFormats.get(locale);
  if (!format) {
    format = new Intl.NumberFormat(locale, { style: 'currency', currency: 'CNY', notation: 'compact', minimumFractionDigits: 0, maximumFractionDigits: 1 });
    compactMoneyFormats.set(locale, format);
  }
  return format.format(fen / 100);
}

const dateTimeParts = new Intl.DateTimeFormat('en-US', {
  timeZone: displayTimeZone,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/**
 * Instants shown in Asia/Shanghai whatever the machine's zone, year first in both languages
 * (zh-CN 2026/12/03 13:50, en 2026-12-03 13:50, as the date fields and charts write days): the
 * English locale's own 12/03/2026 reads as 12 March to most readers outside the US.
 */
export function formatDateTime(epochMs: number | null | undefined, locale: Locale): string {
  if (epochMs === null || epochMs === undefined) return '—';
  const part = Object.fromEntries(dateTimeParts.formatToParts(epochMs).map((entry) => [entry.type, entry.value]));
  const separator = locale === 'en' ? '-' : '/';
  return `${part.year}${separator}${part.month}${separator}${part.day} ${part.hour}:${part.minute}`;
}

export function formatTime(epochMs: number, locale: Locale): string {
  return new Intl.DateTimeFormat(locale, {
    timeZone: displayTimeZone,
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(epochMs);
}

/** Basis points as a percentage with two decimals (2186 -> 21.86%). */
export function formatBps(bps: number | null | undefined): string {
  if (bps === null || bps === undefined) return '—';
  return `${(bps / 100).toFixed(2)}%`;
}

export function formatCount(value: number, locale: Locale): string {
  return new Intl.NumberFormat(locale).format(value);
}
