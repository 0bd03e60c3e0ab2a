/**
 * The one schema for a calendar date in any channel's input: 'YYYY-MM-DD', a real day, within a
 * range the app can compute with. Every date filter uses it, so a month 13, a 31 November or a
 * year 9999 is a VALIDATION answer at the router instead of an exception in a handler.
 */
import { z } from 'zod';
import { isValidIsoDate } from '../time';

/** Earliest and latest day a filter may name: outside it no loan, task or log entry exists. */
export const earliestCalendarDate = '2000-01-01';
export const latestCalendarDate = '2099-12-31';

export const calendarDateSchema = z
  .string()
  .refine((value) => isValidIsoDate(value), 'Use a calendar date YYYY-MM-DD')
  .refine((value) => !isValidIsoDate(value) || (value >= earliestCalendarDate && value <= latestCalendarDate), {
    message: `Use a date from ${earliestCalendarDate} to ${latestCalendarDate}`,
  });

/**
 * Whether an object-level check may compare two dates: both present and both valid. zod runs an
 * object's refinements even when a field failed, so a range check must not assume valid dates.
 */
export function comparableDates(from: string | undefined, to: string | undefined): boolean {
  return from !== undefined && to !== undefined && calendarDateSchema.safeParse(from).success && calendarDateSchema.safeParse(to).success;
}
