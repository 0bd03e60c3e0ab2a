/**
 * What a record must hold beyond its schema before it is written: the invariants the database
 * enforces (a plan's installment periods are its installments' primary key), so such a record is
 * refused to quarantine with its reason instead of breaking the page's transaction. Pure; run by
 * prepare.ts on every record the schema accepted, so each check is a single walk of the record.
 */
import type { ApplicationRecord, RepaymentPlanRecord, ResourceName } from '../../shared/institution-api';
import { normalizeIdNumber } from './normalize';
import type { QuarantineIssue } from './prepare';

/**
 * A resident ID number a borrower can be linked by: 15 to 18 characters of digits, the last
 * possibly X, not one digit repeated. Borrowers are one row per ID number (borrowers_id_number_unique),
 * so an empty or placeholder number would merge everyone who gave it into one person. A number
 * of the right shape with a wrong check character or date still links (an applicant who mistyped
 * it keeps it on every application, and the finding says it is invalid).
 */
function idNumberIssues(idNumber: string): QuarantineIssue[] {
  const normalized = normalizeIdNumber(idNumber);
  if (/^\d{14,17}[\dX]$/.test(normalized) && !/^(\d)\1*X?$/.test(normalized)) return [];
  return [
    {
      path: 'borrower.id_number',
      code: 'unusable_id_number',
      message: `"${normalized.length > 4 ? `${normalized.slice(0, 2)}…${normalized.slice(-2)}` : normalized}" (${normalized.length} characters) is not a resident ID number: the borrower could not be told apart from others who gave it`,
    },
  ];
}

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
      return idNumberIssues((record as ApplicationRecord).borrower.id_number);
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
