/**
 * Instants for the simulator's wire format and its day arithmetic (Asia/Shanghai, UTC+8, no DST).
 * `isoInstant` is its own formatter, not shared/time.ts's `shanghaiInstant`: it is hot and caches
 * the day's text between calls. The offset itself comes from shared/time.ts.
 */
import { shanghaiOffsetMs } from '../../shared/time';

export const minuteMs = 60_000;
export const hourMs = 3_600_000;
export const dayMs = 86_400_000;

/** An instant after every simulated event (year 2200), for "final state" replays. */
export const farFutureMs = Date.UTC(2200, 0, 1);

let cachedDay = Number.NaN;
let cachedDayText = '';

/** '2026-11-25T09:30:00.000+08:00' for an epoch-ms instant (hot: every served record has several). */
export function isoInstant(epochMs: number): string {
  const local = epochMs + shanghaiOffsetMs;
  const day = Math.floor(local / dayMs);
  if (day !== cachedDay) {
    cachedDay = day;
    cachedDayText = new Date(day * dayMs).toISOString().slice(0, 10);
  }
  let rest = local - day * dayMs;
  const hours = Math.floor(rest / hourMs);
  rest -= hours * hourMs;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  const millis = rest - seconds * 1000;
  return `${cachedDayText}T${pad2(hours)}:${pad2(minutes)}:${pad2(seconds)}.${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}+08:00`;
}

function pad2(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

/** The first Asia/Shanghai midnight strictly after `epochMs`. */
export function nextMidnightAfter(epochMs: number): number {
  return startOfDayNumber(dayNumberOf(epochMs) + 1);
}

/** Asia/Shanghai day number of an instant (days since 1970-01-01 in UTC+8). */
export function dayNumberOf(epochMs: number): number {
  return Math.floor((epochMs + shanghaiOffsetMs) / dayMs);
}

/** Day number of a valid 'YYYY-MM-DD' (no validation: callers pass dates they produced). */
export function dayNumberOfDate(date: string): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / dayMs;
}

/** Epoch ms of 00:00 Asia/Shanghai on a day number. */
export function startOfDayNumber(day: number): number {
  return day * dayMs - shanghaiOffsetMs;
}
