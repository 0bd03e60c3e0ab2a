/**
 * Calendar dates for CreditDesk. A calendar date is a 'YYYY-MM-DD' string read in Asia/Shanghai
 * (UTC+8, no daylight saving since 1991), so date arithmetic is plain proleptic-Gregorian
 * arithmetic on day numbers and never depends on the machine's time zone.
 */

/** A calendar date 'YYYY-MM-DD' in Asia/Shanghai. */
export type IsoDate = string;

const MS_PER_DAY = 86_400_000;
const MS_PER_HOUR = 3_600_000;

/** Asia/Shanghai is UTC+8 with no daylight saving since 1991 (also for SQL: `(at + ${shanghaiOffsetMs}) / 1000`). */
export const shanghaiOffsetMs = 8 * MS_PER_HOUR;

interface DateParts {
  year: number;
  month: number;
  day: number;
}

/** True for Gregorian leap years. */
export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Number of days in a month (month 1-12). */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** True when `s` is exactly 'YYYY-MM-DD' and names a real calendar day (year 0001-9999). */
export function isValidIsoDate(s: string): boolean {
  return parseParts(s) !== null;
}

/**
 * The day a person typed, as an IsoDate, or null when the text names no real day: accepts
 * 2026-12-03, 2026/12/3, 2026.12.03 and 20261203 (what date fields let an operator type).
 */
export function parseTypedDate(text: string): IsoDate | null {
  const match = /^(\d{4})(?:([-/.])(\d{1,2})\2(\d{1,2})|(\d{2})(\d{2}))$/.exec(text.trim());
  if (!match) return null;
  const year = Number(match[1]);
  const month = Number(match[3] ?? match[5]);
  const day = Number(match[4] ?? match[6]);
  const candidate = formatParts({ year, month, day });
  return isValidIsoDate(candidate) ? candidate : null;
}

/** Splits a valid IsoDate into numbers; throws a RangeError on anything else. */
export function isoDateParts(date: IsoDate): DateParts {
  const parts = parseParts(date);
  if (parts === null) throw new RangeError(`Not a valid calendar date (YYYY-MM-DD): "${date}"`);
  return parts;
}

/** Builds an IsoDate from numbers; throws a RangeError when they do not name a real day. */
export function isoDateFromParts(year: number, month: number, day: number): IsoDate {
  const text = formatParts({ year, month, day });
  if (!isValidIsoDate(text)) {
    throw new RangeError(`Not a valid calendar date: ${year}-${month}-${day}`);
  }
  return text;
}

/** The Asia/Shanghai calendar date of an instant. */
export function shanghaiDate(epochMs: number): IsoDate {
  if (!Number.isFinite(epochMs)) throw new RangeError(`Not a finite instant: ${epochMs}`);
  return formatParts(partsFromDayNumber(Math.floor((epochMs + shanghaiOffsetMs) / MS_PER_DAY)));
}

/** Epoch ms of 00:00 on `date` in Asia/Shanghai (that is, 16:00 UTC the day before). */
export function shanghaiStartOfDay(date: IsoDate): number {
  return dayNumber(isoDateParts(date)) * MS_PER_DAY - shanghaiOffsetMs;
}

/** Epoch ms of the Shanghai wall time `hours`:`minutes` on `date` (shanghaiAt('2026-12-08', 9) is 01:00 UTC). */
export function shanghaiAt(date: IsoDate, hours: number, minutes = 0): number {
  return shanghaiStartOfDay(date) + hours * MS_PER_HOUR + minutes * 60_000;
}

/** A Date whose UTC fields read Shanghai wall time (for formats that store local time, such as ZIP's DOS time). */
export function shanghaiWallClock(epochMs: number): Date {
  return new Date(epochMs + shanghaiOffsetMs);
}

/** 'YYYY-MM-DD HH:mm:ss': the wall time in Shanghai of an instant. */
export function shanghaiDateTime(epochMs: number): string {
  const iso = shanghaiWallClock(epochMs).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

/** '2026-11-25T09:30:00.000+08:00': an instant as the institution API writes it, with the Shanghai offset. */
export function shanghaiInstant(epochMs: number): string {
  return `${shanghaiWallClock(epochMs).toISOString().slice(0, 23)}+08:00`;
}

/** `date` plus `days` calendar days (negative goes back). */
export function addDays(date: IsoDate, days: number): IsoDate {
  if (!Number.isInteger(days)) throw new RangeError(`Days must be an integer: ${days}`);
  return formatParts(partsFromDayNumber(dayNumber(isoDateParts(date)) + days));
}

/**
 * `date` plus `months` calendar months, with the day clamped to the target month's length:
 * 2024-01-31 + 1 = 2024-02-29, 2023-01-31 + 1 = 2023-02-28. Always computed from the given
 * date, so a monthly series from the 31st keeps returning to the 31st where the month has one.
 */
export function addMonthsClamped(date: IsoDate, months: number): IsoDate {
  if (!Number.isInteger(months)) throw new RangeError(`Months must be an integer: ${months}`);
  const { year, month, day } = isoDateParts(date);
  const monthIndex = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(monthIndex / 12);
  const targetMonth = monthIndex - targetYear * 12 + 1;
  return isoDateFromParts(targetYear, targetMonth, Math.min(day, daysInMonth(targetYear, targetMonth)));
}

/** Whole calendar days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return dayNumber(isoDateParts(to)) - dayNumber(isoDateParts(from));
}

/** The last day of `date`'s month. */
export function monthEnd(date: IsoDate): IsoDate {
  const { year, month } = isoDateParts(date);
  return formatParts({ year, month, day: daysInMonth(year, month) });
}

/** Negative, zero or positive as `a` is before, equal to or after `b` (also a sort comparator). */
export function compareIsoDates(a: IsoDate, b: IsoDate): number {
  return daysBetween(b, a);
}

/** The value of the decimal digits s[from, to), or -1 when any is not a digit. */
function digitsAt(s: string, from: number, to: number): number {
  let value = 0;
  for (let index = from; index < to; index++) {
    const digit = s.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

// Dates are parsed on every installment, plan comparison and DPD computation of a sync: by
// character codes (exactly /^\d{4}-\d{2}-\d{2}$/, then a real day), several times cheaper than that regex.
function parseParts(s: string): DateParts | null {
  if (s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return null;
  const year = digitsAt(s, 0, 4);
  const month = digitsAt(s, 5, 7);
  const day = digitsAt(s, 8, 10);
  // digitsAt's -1 (not a digit) fails these bounds too.
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return { year, month, day };
}

function formatParts({ year, month, day }: DateParts): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

// Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's days_from_civil),
// used instead of Date so years below 100 and the host time zone cannot interfere.
function dayNumber({ year, month, day }: DateParts): number {
  const shiftedYear = month <= 2 ? year - 1 : year;
  const era = Math.floor(shiftedYear / 400);
  const yearOfEra = shiftedYear - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function partsFromDayNumber(days: number): DateParts {
  const shifted = days + 719_468;
  const era = Math.floor(shifted / 146_097);
  const dayOfEra = shifted - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthPrime = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthPrime + 2) / 5) + 1;
  const month = monthPrime < 10 ? monthPrime + 3 : monthPrime - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return { year, month, day };
}
