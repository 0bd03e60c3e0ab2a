/**
 * Line and loan dashboards, lists and details. Figures come from the trigger-kept summaries
 * (live aggregates when a disbursement-date scope is asked for); lists are filtered, sorted and
 * paged in SQL with the same definitions as the figures, so a figure and the list it opens agree.
 */
import { AppError } from '../../shared/rpc/errors';
import { maskName } from '../../shared/domain/mask';
import { comparePlans, planInstallmentOf } from '../../shared/domain/apr';
import type { DomainSettings } from '../../shared/domain/settings';
import {
  lineFlagSchema,
  type LineDetail,
  type LineListInput,
  type LinesDashboard,
  type LoanDetail,
  type LoanListFilter,
  type LoanListInput,
  type LoansDashboard,
  type PortfolioScope,
} from '../../shared/contracts/portfolio';
import { addDays, addMonthsClamped, daysBetween, monthEnd, shanghaiDate } from '../../shared/time';
import type { Db } from '../db/connection';
import { decodeQuotedPlan } from '../db/json-columns';
import type { Clock } from '../core/clock';
import {
  countLines,
  dailyLines,
  drawdownsOfLine,
  findLine,
  findLineByExternalId,
  grantsByMonth,
  historyOfLine,
  lineFilterConditions,
  linePage,
  lineProducts,
  readLineSummary,
  type LineListRecord,
} from '../repositories/portfolio-lines';
import {
  borrowerNameOf,
  countLoans,
  findOrder,
  installmentsOfOrder,
  institutionRefs,
  liveOrderSummary,
  loanFilterConditions,
  loanPage,
  orderProducts,
  readOrderSummary,
  repaymentsOfOrder,
  type LoanListRecord,
} from '../repositories/portfolio-loans';
import { dailyBuckets, rollTransitions } from '../repositories/portfolio-snapshots';
import { isInForce, lineFigures, loanFigures, rollRatesOf, splitFlags } from './figures';
import { parseAllocation } from './history';
import { z } from 'zod';

export interface PortfolioServiceOptions {
  db: Db;
  clock: Clock;
  settings: () => DomainSettings;
  /** Days of daily snapshots on the charts (default 400, so a year of month-ends shows too). */
  chartDays?: number;
}

export interface PortfolioService {
  filterOptions(): { institutions: Array<{ id: number; code: string; name: string }>; products: Array<{ institutionId: number; productCode: string }> };
  linesDashboard(scope: PortfolioScope): LinesDashboard;
  linesList(input: LineListInput): { total: number; offset: number; rows: ReturnType<typeof lineRowOf>[] };
  lineDetail(id: number): LineDetail;
  loansDashboard(scope: PortfolioScope & { disbursedFrom?: string; disbursedTo?: string }): LoansDashboard;
  loansList(input: LoanListInput): { total: number; offset: number; rows: ReturnType<typeof loanRowOf>[] };
  /** Loans matching a filter, counted exactly as the list counts them. */
  countLoans(filter: LoanListFilter): number;
  loanDetail(id: number): LoanDetail;
}

function lineRowOf(record: LineListRecord) {
  return {
    id: record.id,
    institutionId: record.institutionId,
    externalId: record.externalId,
    borrowerId: record.borrowerId,
    borrowerNameMasked: record.borrowerName === null ? null : maskName(record.borrowerName),
    productCode: record.productCode,
    mode: record.mode,
    limitFen: record.limitFen,
    usedFen: record.derivedUsedFen,
    availableFen: record.derivedAvailableFen,
    state: record.derivedState,
    flags: splitFlags(record.flags).flatMap((flag) => {
      const parsed = lineFlagSchema.safeParse(flag);
      return parsed.success ? [parsed.data] : [];
    }),
    validFrom: record.validFrom,
    validTo: record.validTo,
    grantedAt: record.grantedAt,
  };
}

function loanRowOf(record: LoanListRecord) {
  return {
    id: record.id,
    institutionId: record.institutionId,
    externalId: record.externalId,
    borrowerId: record.borrowerId,
    borrowerNameMasked: record.borrowerName === null ? null : maskName(record.borrowerName),
    productCode: record.productCode,
    status: record.status,
    principalFen: record.principalFen,
    outstandingPrincipalFen: record.outstandingPrincipalFen,
    termMonths: record.termMonths,
    disbursedAt: record.disbursedAt,
    dpd: record.dpd,
    bucket: record.bucket,
    inGrace: record.inGrace,
    aprNominalBps: record.aprNominalBps,
    aprFlag: record.aprFlag,
    planState: record.planState,
    planMismatch: record.planMismatch,
    nextDueDate: record.nextDueDate,
    nextDueFen: record.nextDueFen,
  };
}

const feesSchema = z.array(
  z.object({ code: z.string(), name: z.string(), collection: z.string(), amount_fen: z.number().int() }).transform((fee) => ({
    code: fee.code,
    name: fee.name,
    collection: fee.collection,
    amountFen: fee.amount_fen,
  })),
);
const bankCardSchema = z
  .object({ bank_name: z.string(), card_number_masked: z.string(), bound_at: z.union([z.number(), z.string()]).nullable().optional() })
  .transform((card) => ({
    bankName: card.bank_name,
    cardNumberMasked: card.card_number_masked,
    boundAt: typeof card.bound_at === 'number' ? card.bound_at : typeof card.bound_at === 'string' ? Date.parse(card.bound_at) || null : null,
  }));
const differenceSchema = z.array(
  z.object({
    period: z.number().int(),
    field: z.string(),
    quotedFen: z.number().int().nullable().optional(),
    bookedFen: z.number().int().nullable().optional(),
    quotedDate: z.string().nullable().optional(),
    bookedDate: z.string().nullable().optional(),
  }),
);

/** A plan difference as the loan detail shows it, stored or recomputed: every amount and date present, null where none. */
function shownDifference(difference: z.infer<typeof differenceSchema>[number]) {
  return {
    period: difference.period,
    field: difference.field,
    quotedFen: difference.quotedFen ?? null,
    bookedFen: difference.bookedFen ?? null,
    quotedDate: difference.quotedDate ?? null,
    bookedDate: difference.bookedDate ?? null,
  };
}

function parseJson<T>(schema: z.ZodType<T>, text: string | null, fallback: T): T {
  if (text === null) return fallback;
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : fallback;
  } catch {
    return fallback;
  }
}

/**
 * A filter keeping at least this share of the table is read in sort order (the page is found
 * within a few hundred rows); a rarer one through its own index and a sort of its matches.
 */
const broadShare = 0.05;

/** The previous month's last day. */
function previousMonthEnd(date: string): string {
  return monthEnd(addMonthsClamped(`${date.slice(0, 8)}01`, -1));
}

export function createPortfolioService(options: PortfolioServiceOptions): PortfolioService {
  const { db, clock } = options;
  const chartDays = options.chartDays ?? 400;

  function loanConditions(filter: LoanListFilter) {
    return loanFilterConditions(filter, filter.rolled ? previousMonthEnd(filter.rolled.monthEnd) : undefined);
  }

  /** The count from the summary when the filter only uses its grain (exact: the triggers keep it so). */
  function summaryLoanCount(filter: LoanListFilter): number | null {
    if (
      filter.disbursedFrom !== undefined ||
      filter.disbursedTo !== undefined ||
      filter.borrowerId !== undefined ||
      filter.creditLineId !== undefined ||
      filter.rolled !== undefined ||
      filter.flag === 'in_grace'
    ) {
      return null;
    }
    if (filter.parDays !== undefined && filter.scope !== 'open') return null;
    const open = new Set(['LOAN_SUCCESS', 'REPAYING', 'OVERDUE']);
    const disbursed = new Set([...open, 'CLOSED']);
    let count = 0;
    for (const row of readOrderSummary(db, filter)) {
      if (filter.bucket !== undefined && row.bucket !== filter.bucket) continue;
      if (filter.status !== undefined && row.status !== filter.status) continue;
      if (filter.scope === 'open' && !open.has(row.status)) continue;
      if (filter.scope === 'disbursed' && !disbursed.has(row.status)) continue;
      if (filter.parDays !== undefined) {
        const atRisk = filter.parDays === 30 ? ['M2', 'M3', 'M3+'] : filter.parDays === 60 ? ['M3', 'M3+'] : ['M3+'];
        if (!atRisk.includes(row.bucket)) continue;
      }
      switch (filter.flag) {
        case undefined:
          count += row.loanCount;
          break;
        case 'overdue':
          count += row.overdueCount;
          break;
        case 'apr_warning':
          if (row.aprFlag === 'warning' || row.aprFlag === 'non_compliant') count += row.loanCount;
          break;
        case 'apr_non_compliant':
          if (row.aprFlag === 'non_compliant') count += row.loanCount;
          break;
        case 'apr_unknown':
          if (row.aprFlag === 'unknown') count += row.loanCount;
          break;
        case 'plan_missing':
          if (row.planState === 'missing') count += row.loanCount;
          break;
        case 'plan_mismatch':
          if (row.planMismatch) count += row.loanCount;
          break;
        default: {
          const exhaustive: never = filter.flag;
          throw new Error(`Unknown loan flag ${String(exhaustive)}`);
        }
      }
    }
    return count;
  }

  function countLoansOf(filter: LoanListFilter): number {
    return summaryLoanCount(filter) ?? countLoans(db, loanConditions(filter));
  }

  function summaryLineCount(filter: LineListInput): number | null {
    if (filter.borrowerId !== undefined) return null;
    let count = 0;
    for (const row of readLineSummary(db, filter)) {
      if (filter.mode !== undefined && row.mode !== filter.mode) continue;
      if (filter.state !== undefined && row.derivedState !== filter.state) continue;
      if (filter.flag !== undefined && !splitFlags(row.flags).includes(filter.flag)) continue;
      if (filter.inForce !== undefined && isInForce(row) !== filter.inForce) continue;
      count += row.lineCount;
    }
    return count;
  }

  return {
    filterOptions() {
      const products = new Map<string, { institutionId: number; productCode: string }>();
      for (const product of [...orderProducts(db), ...lineProducts(db)]) products.set(`${product.institutionId}|${product.productCode}`, product);
      return {
        institutions: institutionRefs(db),
        products: [...products.values()].sort((a, b) => a.institutionId - b.institutionId || a.productCode.localeCompare(b.productCode)),
      };
    },

    linesDashboard(scope) {
      const asOf = clock.now();
      const since = addDays(shanghaiDate(asOf), -chartDays);
      return {
        asOf,
        institutions: institutionRefs(db),
        ...lineFigures(readLineSummary(db, scope)),
        granted: grantsByMonth(db, scope),
        utilisation: scope.productCode === undefined ? dailyLines(db, scope.institutionId, since) : [],
      };
    },

    linesList(input) {
      const conditions = lineFilterConditions(input);
      const total = summaryLineCount(input) ?? countLines(db, conditions);
      if (total === 0 || input.offset >= total) return { total, offset: input.offset, rows: [] };
      // A flag's partial index already holds its lines in grant order (expiring ones also by end of validity).
      const flagIndexFits = input.flag !== undefined && (input.sort === 'grantedAt' || (input.flag === 'expiring_soon' && input.sort === 'validTo'));
      const readInSortOrder = !flagIndexFits && total >= broadShare * readLineSummary(db, {}).reduce((sum, row) => sum + row.lineCount, 0);
      return { total, offset: input.offset, rows: linePage(db, conditions, input, { readInSortOrder }).map(lineRowOf) };
    },

    lineDetail(id) {
      const line = findLine(db, id);
      if (!line) throw new AppError('NOT_FOUND', `Credit line ${id} does not exist.`);
      const institution = institutionRefs(db).find((entry) => entry.id === line.institutionId) ?? { id: line.institutionId, code: '?', name: '?' };
      const drawdowns = drawdownsOfLine(db, line.institutionId, line.externalId);
      const history = historyOfLine(db, line.id).map((entry) => {
        const changes = parseJson(z.record(z.string(), z.tuple([z.unknown(), z.unknown()])), entry.changes, {});
        return {
          version: entry.version,
          seenAt: entry.seenAt,
          remoteUpdatedAt: entry.remoteUpdatedAt,
          changes: Object.entries(changes).map(([field, [before, after]]) => ({ field, before, after })),
        };
      });
      return {
        line: {
          ...lineRowOf({ ...line, borrowerName: borrowerNameOf(db, line.borrowerId) }),
          institution,
          applicationExternalId: line.applicationExternalId,
          partialDrawAllowed: line.partialDrawAllowed,
          reported: { status: line.status, usedFen: line.usedFen, availableFen: line.availableFen, frozenReason: line.frozenReason },
          remainingLimitFen: Math.max(0, line.limitFen - line.derivedUsedFen),
          // validTo is exclusive: the last usable day is the day of validTo - 1 ms (as lineAvailability counts).
          daysToExpiry: daysBetween(shanghaiDate(clock.now()), shanghaiDate(line.validTo - 1)),
          derivedAt: line.derivedAt,
          syncedAt: line.syncedAt,
          version: line.version,
        },
        drawdowns,
        history,
      };
    },

    loansDashboard(scope) {
      const asOf = clock.now();
      const settings = options.settings();
      const live = scope.disbursedFrom !== undefined || scope.disbursedTo !== undefined;
      const rows = live ? liveOrderSummary(db, scope) : readOrderSummary(db, scope);
      const today = shanghaiDate(asOf);
      const since = addDays(today, -chartDays);
      return {
        asOf,
        institutions: institutionRefs(db),
        ...loanFigures(rows, { warningBps: settings.aprWarningBps, nonCompliantBps: settings.aprNonCompliantBps }),
        // History has no disbursement-date dimension: shown only for institution/product scopes.
        rollRates: live ? [] : rollRatesOf(rollTransitions(db, scope, since)),
        rollRateMinimumCohortLoans: settings.rollRateMinimumCohortLoans,
        bucketsOverTime: live
          ? []
          : dailyBuckets(db, scope, since).map((row) => ({ ...row, bucket: row.bucket as LoansDashboard['buckets'][number]['bucket'] })),
      };
    },

    loansList(input) {
      const conditions = loanConditions(input);
      const total = summaryLoanCount(input) ?? countLoans(db, conditions);
      if (total === 0 || input.offset >= total) return { total, offset: input.offset, rows: [] };
      const readInSortOrder = total >= broadShare * readOrderSummary(db, {}).reduce((sum, row) => sum + row.loanCount, 0);
      return { total, offset: input.offset, rows: loanPage(db, conditions, input, { readInSortOrder }).map(loanRowOf) };
    },

    countLoans: countLoansOf,

    loanDetail(id) {
      const order = findOrder(db, id);
      if (!order) throw new AppError('NOT_FOUND', `Loan ${id} does not exist.`);
      const institution = institutionRefs(db).find((entry) => entry.id === order.institutionId) ?? { id: order.institutionId, code: '?', name: '?' };
      const today = shanghaiDate(clock.now());
      const booked = order.planState === 'missing' ? null : installmentsOfOrder(db, order.institutionId, order.externalId);
      const installments =
        booked?.map((row) => {
          const unpaid =
            row.principalFen - row.paidPrincipalFen + (row.interestFen - row.paidInterestFen) + (row.feeFen - row.paidFeeFen) + (row.penaltyFen - row.paidPenaltyFen) > 0;
          return {
            period: row.period,
            dueDate: row.dueDate,
            principalFen: row.principalFen,
            interestFen: row.interestFen,
            feeFen: row.feeFen,
            penaltyFen: row.penaltyFen,
            paidPrincipalFen: row.paidPrincipalFen,
            paidInterestFen: row.paidInterestFen,
            paidFeeFen: row.paidFeeFen,
            paidPenaltyFen: row.paidPenaltyFen,
            status: row.status,
            paidOffAt: row.paidOffAt,
            dpd: unpaid ? Math.max(0, daysBetween(row.dueDate, today)) : 0,
          };
        }) ?? null;
      const quotedPlan = decodeQuotedPlan(order.quotedPlan);
      let planDifferences = parseJson(differenceSchema, order.planDifferences, []).map(shownDifference);
      // Stored differences are the sync engine's; recompute from the two plans when it stored none.
      if (order.planMismatch && planDifferences.length === 0 && booked) {
        planDifferences = comparePlans(quotedPlan, booked.map(planInstallmentOf)).differences.map(shownDifference);
      }
      const line = findLineByExternalId(db, order.institutionId, order.creditLineExternalId);
      return {
        loan: {
          ...loanRowOf({ ...order, borrowerName: borrowerNameOf(db, order.borrowerId) }),
          institution,
          applicationExternalId: order.applicationExternalId,
          receivedFen: order.receivedFen,
          repaymentMethod: order.repaymentMethod,
          monthlyInterestRate: order.monthlyInterestRate,
          penaltyDailyRate: order.penaltyDailyRate,
          declaredAnnualRate: order.declaredAnnualRate,
          aprEffectiveBps: order.aprEffectiveBps,
          aprBasis: order.aprBasis,
          fees: parseJson(feesSchema, order.fees, []),
          appliedAt: order.appliedAt,
          closedAt: order.closedAt,
          bankCard: parseJson(bankCardSchema.nullable(), order.bankCard, null),
          overduePrincipalFen: order.overduePrincipalFen,
          overdueInterestFen: order.overdueInterestFen,
          overdueFeeFen: order.overdueFeeFen,
          overduePenaltyFen: order.overduePenaltyFen,
          derivedAt: order.derivedAt,
          syncedAt: order.syncedAt,
        },
        line: line ? { id: line.id, externalId: line.externalId, mode: line.mode, limitFen: line.limitFen, state: line.derivedState } : null,
        quotedPlan,
        installments,
        planDifferences,
        repayments: repaymentsOfOrder(db, order.institutionId, order.externalId).map((repayment) => ({
          id: repayment.id,
          externalId: repayment.externalId,
          amountFen: repayment.amountFen,
          paidAt: repayment.paidAt,
          channel: repayment.channel,
          kind: repayment.kind,
          allocation: parseAllocation(repayment.allocation),
        })),
      };
    },
  };
}
