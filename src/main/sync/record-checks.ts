/**
 * What a record must hold beyond its schema before it is written: the invariants the database
 * enforces (a plan's installment periods are its installments' primary key), so such a record is
 * refused to quarantine with its reason instead of breaking the page's transaction. Pure; run by
 * prepare.ts on every record the schema accepted, so each check is a single walk of the record.
 */
import type { RepaymentPlanRecord, ResourceName } from '../../shared/institution-api';
import type { QuarantineIssue } from './prepare';

function repeatedPeriods(items: ReadonlyArray<{ period: number }>, path: string): QuarantineIssue[] {
  const seen = new Set<number>();
  const issues: QuarantineIssue[] = [];
  for (let index = 0; index < items.length; index++) {
    const period = (items[index] as { period: number }).period;
    if (seen.has(period)) issues.push({ path: `${path}.${index}.period`, code: 'duplicate_period', message: `Installment period ${period} appears more than once` });
    seen.add(period);
  }
  return issues;
}

/** The invariants a schema-valid record of `resource` breaks (empty: none). */
export function recordInvariantIssues(resource: ResourceName, record: unknown): QuarantineIssue[] {
  switch (resource) {
    case 'repayment-plans':
      // installments: PRIMARY KEY (plan_id, period).
      return repeatedPeriods((record as RepaymentPlanRecord).installments, 'installments');
    case 'applications':
    case 'credit-lines':
    case 'orders':
    case 'repayments':
      return [];
    default: {
      const unreachable: never = resource;
      throw new Error(`Unknown resource ${String(unreachable)}`);
    }
  }
}
