/**
 * Dashboard figures from summary rows (pure). The same functions run on the trigger-kept
 * summaries and on live aggregates, so a report built on live rows shows the dashboard's numbers.
 */
import type { PortfolioLineSummaryRow, PortfolioOrderSummaryRow } from '../db/schema';
import { bucketSchema, type Bucket } from '../../shared/domain/delinquency';
import {
  disbursedLoanStatuses,
  lineFlags,
  openLoanStatuses,
  type BucketFigure,
  type LineTotals,
  type LinesDashboard,
  type LoansDashboard,
  type RatioFigure,
} from '../../shared/contracts/portfolio';

const openStatuses: ReadonlySet<string> = new Set(openLoanStatuses);
const disbursedStatuses: ReadonlySet<string> = new Set(disbursedLoanStatuses);
const buckets = bucketSchema.options;

function ratio(numeratorFen: number, denominatorFen: number): RatioFigure {
  return { ratio: denominatorFen === 0 ? 0 : numeratorFen / denominatorFen, numeratorFen, denominatorFen };
}

export type LoanFigures = Omit<LoansDashboard, 'asOf' | 'institutions' | 'rollRates' | 'rollRateMinimumCohortLoans' | 'bucketsOverTime'>;

/**
 * Loan figures: counts and outstanding by institution and status; over open loans the buckets,
 * PAR30/60/90 (bucket M2 and worse is exactly dpd > 30 because grace is at most 3 days) and overdue
 * amounts; over disbursed loans the compliance flags.
 */
export function loanFigures(rows: readonly PortfolioOrderSummaryRow[], thresholds: { warningBps: number; nonCompliantBps: number }): LoanFigures {
  const byStatus = new Map<string, LoanFigures['byStatus'][number]>();
  const bucketTotals = new Map<Bucket, BucketFigure>(buckets.map((bucket) => [bucket, { bucket, loanCount: 0, balanceFen: 0 }]));
  const byInstitution = new Map<string, LoanFigures['bucketsByInstitution'][number]>();
  const open = { loanCount: 0, outstandingPrincipalFen: 0 };
  const overdue = { loanCount: 0, principalFen: 0, interestFen: 0, feeFen: 0, penaltyFen: 0 };
  const compliance = { disbursedCount: 0, aprWarning: 0, aprNonCompliant: 0, aprUnknown: 0, planMissing: 0, planMismatch: 0, ...thresholds };
  const atRisk = { 30: 0, 60: 0, 90: 0 };

  for (const row of rows) {
    const statusKey = `${row.institutionId}|${row.status}`;
    const status = byStatus.get(statusKey) ?? {
      institutionId: row.institutionId,
      status: row.status as LoanFigures['byStatus'][number]['status'],
      loanCount: 0,
      outstandingPrincipalFen: 0,
    };
    status.loanCount += row.loanCount;
    status.outstandingPrincipalFen += row.outstandingPrincipalFen;
    byStatus.set(statusKey, status);

    if (disbursedStatuses.has(row.status)) {
      compliance.disbursedCount += row.loanCount;
      if (row.aprFlag === 'warning' || row.aprFlag === 'non_compliant') compliance.aprWarning += row.loanCount;
      if (row.aprFlag === 'non_compliant') compliance.aprNonCompliant += row.loanCount;
      if (row.aprFlag === 'unknown') compliance.aprUnknown += row.loanCount;
      if (row.planState === 'missing') compliance.planMissing += row.loanCount;
      if (row.planMismatch) compliance.planMismatch += row.loanCount;
    }
    if (!openStatuses.has(row.status)) continue;

    const bucket = bucketSchema.parse(row.bucket);
    const total = bucketTotals.get(bucket) as BucketFigure;
    total.loanCount += row.loanCount;
    total.balanceFen += row.outstandingPrincipalFen;
    const institutionKey = `${row.institutionId}|${bucket}`;
    const perInstitution = byInstitution.get(institutionKey) ?? { institutionId: row.institutionId, bucket, loanCount: 0, balanceFen: 0 };
    perInstitution.loanCount += row.loanCount;
    perInstitution.balanceFen += row.outstandingPrincipalFen;
    byInstitution.set(institutionKey, perInstitution);

    open.loanCount += row.loanCount;
    open.outstandingPrincipalFen += row.outstandingPrincipalFen;
    if (bucket === 'M2' || bucket === 'M3' || bucket === 'M3+') atRisk[30] += row.outstandingPrincipalFen;
    if (bucket === 'M3' || bucket === 'M3+') atRisk[60] += row.outstandingPrincipalFen;
    if (bucket === 'M3+') atRisk[90] += row.outstandingPrincipalFen;

    overdue.loanCount += row.overdueCount;
    overdue.principalFen += row.overduePrincipalFen;
    overdue.interestFen += row.overdueInterestFen;
    overdue.feeFen += row.overdueFeeFen;
    overdue.penaltyFen += row.overduePenaltyFen;
  }
  return {
    byStatus: [...byStatus.values()].sort((a, b) => a.institutionId - b.institutionId || a.status.localeCompare(b.status)),
    buckets: buckets.map((bucket) => bucketTotals.get(bucket) as BucketFigure),
    bucketsByInstitution: [...byInstitution.values()].sort((a, b) => a.institutionId - b.institutionId || buckets.indexOf(a.bucket) - buckets.indexOf(b.bucket)),
    open,
    par: {
      par30: ratio(atRisk[30], open.outstandingPrincipalFen),
      par60: ratio(atRisk[60], open.outstandingPrincipalFen),
      par90: ratio(atRisk[90], open.outstandingPrincipalFen),
    },
    overdue,
    compliance,
  };
}

/** Flags of a line as stored (comma-separated). */
export function splitFlags(flags: string): string[] {
  return flags === '' ? [] : flags.split(',');
}

/** A line is in force when not reported closed, already started, and not flagged expired. */
export function isInForce(row: Pick<PortfolioLineSummaryRow, 'status' | 'derivedState' | 'flags'>): boolean {
  return row.status !== 'closed' && row.derivedState !== 'not_started' && !splitFlags(row.flags).includes('expired');
}

export type LineFigures = Pick<LinesDashboard, 'totals' | 'flags'>;

/** Totals of lines in force per institution and mode, and every line per flag. */
export function lineFigures(rows: readonly PortfolioLineSummaryRow[]): LineFigures {
  const totals = new Map<string, LineTotals>();
  const flags = new Map(lineFlags.map((flag) => [flag as string, { flag, lineCount: 0, limitFen: 0 }]));
  for (const row of rows) {
    for (const flag of splitFlags(row.flags)) {
      const entry = flags.get(flag);
      if (!entry) continue;
      entry.lineCount += row.lineCount;
      entry.limitFen += row.limitFen;
    }
    if (!isInForce(row)) continue;
    const key = `${row.institutionId}|${row.mode}`;
    const total = totals.get(key) ?? {
      institutionId: row.institutionId,
      mode: row.mode as LineTotals['mode'],
      lineCount: 0,
      limitFen: 0,
      usedFen: 0,
      availableFen: 0,
    };
    total.lineCount += row.lineCount;
    total.limitFen += row.limitFen;
    total.usedFen += row.usedFen;
    total.availableFen += row.availableFen;
    totals.set(key, total);
  }
  return {
    totals: [...totals.values()].sort((a, b) => a.institutionId - b.institutionId || a.mode.localeCompare(b.mode)),
    flags: [...flags.values()],
  };
}

/** Roll rates C->M1 and M1->M2 from summed transitions of one month-end. */
export function rollRatesOf(
  transitions: ReadonlyArray<{ monthEnd: string; fromBucket: string; toBucket: string; balanceFen: number; loanCount: number; reconstructed: boolean }>,
): LoansDashboard['rollRates'] {
  const months = new Map<string, { m0: number; m0ToM1: number; m0Loans: number; m1: number; m1ToM2: number; m1Loans: number; reconstructed: boolean }>();
  for (const row of transitions) {
    const month = months.get(row.monthEnd) ?? { m0: 0, m0ToM1: 0, m0Loans: 0, m1: 0, m1ToM2: 0, m1Loans: 0, reconstructed: false };
    if (row.fromBucket === 'M0') {
      month.m0 += row.balanceFen;
      month.m0Loans += row.loanCount;
      if (row.toBucket === 'M1') month.m0ToM1 += row.balanceFen;
    }
    if (row.fromBucket === 'M1') {
      month.m1 += row.balanceFen;
      month.m1Loans += row.loanCount;
      if (row.toBucket === 'M2') month.m1ToM2 += row.balanceFen;
    }
    month.reconstructed ||= row.reconstructed;
    months.set(row.monthEnd, month);
  }
  return [...months.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([monthEnd, month]) => ({
      monthEnd,
      currentToM1: ratio(month.m0ToM1, month.m0),
      m1ToM2: ratio(month.m1ToM2, month.m1),
      cohortLoans: { current: month.m0Loans, m1: month.m1Loans },
      reconstructed: month.reconstructed,
    }));
}
