import type { ReportFilter } from '../../shared/contracts/reports';
import { addDays, daysBetween, shanghaiStartOfDay } from '../../shared/time';
import type { ReportScope } from '../repositories/reports';

/** A report filter's calendar days (Asia/Shanghai, inclusive) as an instant range. */
export function scopeOf(filter: ReportFilter): ReportScope {
  return { fromAt: shanghaiStartOfDay(filter.from), toAt: shanghaiStartOfDay(addDays(filter.to, 1)), institutionId: filter.institutionId };
}

/** Every calendar day of the filter, in order. */
export function daysOf(filter: ReportFilter): string[] {
  const count = daysBetween(filter.from, filter.to) + 1;
  return Array.from({ length: count }, (_unused, index) => addDays(filter.from, index));
}
