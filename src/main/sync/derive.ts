/**
 * Derived data, computed at ingest in the page's transaction and again by the daily pass (DPD
 * moves with the calendar): an order's APR and compliance flag, plan state and quoted-vs-booked
 * differences, delinquency; a line's availability, state and flags. An application's findings,
 * evidence hash and review tasks are assess.ts's; the daily pass calls it. The rules are the
 * shared domain's; this module only feeds them the stored facts and writes the results back.
 *
 * Institutions that sync no repayment plans (capabilities.repayment_plans = false): the plan is
 * shown as 'missing' and never invented. Delinquency is then estimated from the quoted plan's due
 * dates and amounts against the reported repayments' allocations, and the order says so
 * (delinquency_basis = 'quoted_plan_and_repayments'); a CLOSED order owes nothing.
 */
import { aprCompliance, comparePlans, loanApr, NoRateError, planInstallmentOf, type PlanInstallment } from '../../shared/domain/apr';
import { computeDelinquency, type DelinquencyInstallment } from '../../shared/domain/delinquency';
import { lineAvailability, type LineDrawdown } from '../../shared/domain/lines';
import type { DomainSettings } from '../../shared/domain/settings';
import { capabilitiesSchema } from '../../shared/institution-api';
import { shanghaiDate } from '../../shared/time';
import { writeTransaction, type Db } from '../db/connection';
import type { InstallmentColumns, LineDerivedColumns, LineDrawdownRow, OrderDerivedColumns, OrderRow, ReportedLine, ReportedOrder } from '../db/schema';
import { manualReviewApplicationIds } from '../repositories/applications';
import { findLineById, lineIdByExternalId, lineIdsAfter, updateLineDerived } from '../repositories/credit-lines';
import { findInstitutionById } from '../repositories/institutions';
import {
  bookedInstallments,
  drawdownsOfLine,
  orderForDerivation,
  orderIdsAfter,
  updateOrderDerived,
} from '../repositories/orders';
import { decodeQuotedPlan } from '../db/json-columns';
import { paidByPeriod } from '../repositories/repayments';
import { reassessApplication } from './assess';

/** What derivation needs to know about an institution. */
export interface InstitutionFacts {
  institutionId: number;
  /** From capabilities; null until capabilities were first read. */
  repaymentPlans: boolean | null;
  graceDays: number;
}

/**
 * Grace days: the settings' per-institution override, else what the institution's capabilities
 * declare, else the settings' default.
 */
export function institutionFacts(db: Db, institutionId: number, settings: DomainSettings): InstitutionFacts {
  const row = findInstitutionById(db, institutionId);
  let repaymentPlans: boolean | null = null;
  let declaredGraceDays: number | null = null;
  if (row?.capabilities) {
    try {
      const parsed = capabilitiesSchema.safeParse(JSON.parse(row.capabilities));
      if (parsed.success) {
        repaymentPlans = parsed.data.repayment_plans;
        declaredGraceDays = parsed.data.grace_days;
      }
    } catch {
      // Unreadable stored capabilities: treated as not yet known.
    }
  }
  const override = settings.graceDaysByInstitution[String(institutionId)];
  return { institutionId, repaymentPlans, graceDays: override ?? declaredGraceDays ?? settings.graceDays };
}

/** Caches institution facts for one pass over many rows. */
export class FactsCache {
  private readonly facts = new Map<number, InstitutionFacts>();
  constructor(
    private readonly db: Db,
    private readonly settings: DomainSettings,
  ) {}
  get(institutionId: number): InstitutionFacts {
    let facts = this.facts.get(institutionId);
    if (!facts) {
      facts = institutionFacts(this.db, institutionId, this.settings);
      this.facts.set(institutionId, facts);
    }
    return facts;
  }
}

const notDisbursedStatuses: ReadonlySet<OrderRow['status']> = new Set(['AUDITING', 'AUDIT_PASS', 'AUDIT_NO_PASS', 'LOAN_CANCEL', 'LOAN_FAILED']);
const lineReleasingStatuses: ReadonlySet<OrderRow['status']> = new Set(['AUDIT_NO_PASS', 'LOAN_CANCEL', 'LOAN_FAILED']);

/** An order counts as overdue (freezes its line, flags contacts) past the grace days or when the institution says OVERDUE. */
export function isOverdueOrder(order: { bucket: OrderRow['bucket']; status: OrderRow['status'] }): boolean {
  return order.bucket !== 'M0' || order.status === 'OVERDUE';
}

function emptyDelinquency(): Pick<
  OrderDerivedColumns,
  'dpd' | 'bucket' | 'inGrace' | 'outstandingPrincipalFen' | 'overduePrincipalFen' | 'overdueInterestFen' | 'overdueFeeFen' | 'overduePenaltyFen' | 'nextDueDate' | 'nextDueFen'
> {
  return { dpd: 0, bucket: 'M0', inGrace: false, outstandingPrincipalFen: 0, overduePrincipalFen: 0, overdueInterestFen: 0, overdueFeeFen: 0, overduePenaltyFen: 0, nextDueDate: null, nextDueFen: null };
}

function unpaidOf(row: DelinquencyInstallment): number {
  return (
    Math.max(0, row.principalFen - row.paidPrincipalFen) +
    Math.max(0, row.interestFen - row.paidInterestFen) +
    Math.max(0, row.feeFen - row.paidFeeFen) +
    Math.max(0, row.penaltyFen - row.paidPenaltyFen)
  );
}

/**
 * The derived columns of an order from its reported fields, its booked installments (null when
 * none was synced) and, for the estimate without a plan, what its repayments paid per period.
 */
export function computeOrderDerived(
  order: Pick<ReportedOrder, 'principalFen' | 'receivedFen' | 'status' | 'disbursedAt' | 'appliedAt'>,
  quoted: readonly PlanInstallment[],
  booked: readonly InstallmentColumns[] | null,
  paid: ReadonlyMap<number, { principalFen: number; interestFen: number; feeFen: number; penaltyFen: number }> | null,
  facts: InstitutionFacts,
  at: number,
  settings: DomainSettings,
): OrderDerivedColumns {
  const bookedPlan: PlanInstallment[] | null = booked === null ? null : booked.map(planInstallmentOf);

  // APR on what the borrower received, over every payment of the booked plan (else the quoted one).
  let aprNominalBps: number | null = null;
  let aprEffectiveBps: number | null = null;
  let aprBasis: OrderDerivedColumns['aprBasis'] = null;
  let aprFlag: OrderDerivedColumns['aprFlag'] = 'unknown';
  const aprPlan = bookedPlan ?? quoted;
  try {
    const apr = loanApr({
      receivedFen: order.receivedFen,
      installments: aprPlan.map((row) => ({ dueDate: row.dueDate ?? '', totalFen: row.totalFen })),
      basis: settings.aprBasis,
      ...(settings.aprBasis === 'xirr' && order.disbursedAt !== null ? { receivedDate: shanghaiDate(order.disbursedAt) } : {}),
    });
    aprNominalBps = apr.nominalAprBps;
    aprEffectiveBps = apr.effectiveAprBps;
    aprBasis = apr.basis;
    aprFlag = aprCompliance(apr.nominalAprBps, { warningBps: settings.aprWarningBps, nonCompliantBps: settings.aprNonCompliantBps });
  } catch (error) {
    if (!(error instanceof NoRateError) && !(error instanceof RangeError)) throw error;
  }

  let planState: OrderDerivedColumns['planState'];
  let planMismatch = false;
  let planDifferences: string | null = null;
  if (bookedPlan !== null) {
    planState = 'booked';
    const comparison = comparePlans(quoted, bookedPlan);
    planMismatch = !comparison.equal;
    planDifferences = planMismatch ? JSON.stringify(comparison.differences) : null;
  } else {
    planState = facts.repaymentPlans === false ? 'missing' : 'awaiting';
  }

  const base = { aprNominalBps, aprEffectiveBps, aprBasis, aprFlag, planState, planMismatch, planDifferences };
  if (notDisbursedStatuses.has(order.status)) return { ...base, ...emptyDelinquency(), delinquencyBasis: 'not_disbursed' };

  let installments: readonly DelinquencyInstallment[];
  let delinquencyBasis: OrderDerivedColumns['delinquencyBasis'];
  if (booked !== null) {
    delinquencyBasis = 'booked_plan';
    installments = booked;
  } else {
    delinquencyBasis = 'quoted_plan_and_repayments';
    if (order.status === 'CLOSED') return { ...base, ...emptyDelinquency(), delinquencyBasis };
    installments = quoted.map((row) => {
      const part = paid?.get(row.period);
      return {
        dueDate: row.dueDate ?? '',
        principalFen: row.principalFen,
        interestFen: row.interestFen,
        feeFen: row.feeFen,
        // The quoted plan has no penalty; only what was actually paid of one is known.
        penaltyFen: part?.penaltyFen ?? 0,
        paidPrincipalFen: part?.principalFen ?? 0,
        paidInterestFen: part?.interestFen ?? 0,
        paidFeeFen: part?.feeFen ?? 0,
        paidPenaltyFen: part?.penaltyFen ?? 0,
      };
    });
  }
  const delinquency = computeDelinquency(installments, at, { graceDays: facts.graceDays });
  const today = shanghaiDate(at);
  // The next installment: the earliest due date from today with something unpaid (the first of
  // equal dates in plan order).
  let next: DelinquencyInstallment | undefined;
  for (const row of installments) {
    if (row.dueDate >= today && (next === undefined || row.dueDate < next.dueDate) && unpaidOf(row) > 0) next = row;
  }
  return {
    ...base,
    dpd: delinquency.dpd,
    bucket: delinquency.bucket,
    inGrace: delinquency.inGrace,
    outstandingPrincipalFen: delinquency.outstandingPrincipalFen,
    overduePrincipalFen: delinquency.overduePrincipalFen,
    overdueInterestFen: delinquency.overdueInterestFen,
    overdueFeeFen: delinquency.overdueFeeFen,
    overduePenaltyFen: delinquency.overduePenaltyFen,
    nextDueDate: next?.dueDate ?? null,
    nextDueFen: next ? unpaidOf(next) : null,
    delinquencyBasis,
  };
}

/** Drawdowns as lineAvailability reads them: refused or failed orders never drew; pending ones hold their principal. */
export function lineDrawdowns(orders: readonly LineDrawdownRow[]): LineDrawdown[] {
  return orders
    .filter((order) => !lineReleasingStatuses.has(order.status))
    .map((order) => ({
      principalFen: order.principalFen,
      outstandingPrincipalFen: notDisbursedStatuses.has(order.status) ? order.principalFen : order.outstandingPrincipalFen,
      overdue: isOverdueOrder(order),
    }));
}

export function computeLineDerived(line: Pick<ReportedLine, 'mode' | 'limitFen' | 'validFrom' | 'validTo' | 'partialDrawAllowed'>, drawdowns: readonly LineDrawdown[], at: number, settings: DomainSettings): LineDerivedColumns {
  const availability = lineAvailability(
    { mode: line.mode, limitFen: line.limitFen, validFrom: line.validFrom, validTo: line.validTo, allowPartialDraw: line.partialDrawAllowed },
    drawdowns,
    at,
    { expiringWithinDays: settings.expiringWithinDays, singleBatchExpiringDays: settings.singleBatchExpiringDays },
  );
  return { derivedUsedFen: availability.usedFen, derivedAvailableFen: availability.availableFen, derivedState: availability.state, flags: availability.flags.join(',') };
}

function sameOrderDerived(a: OrderDerivedColumns, b: OrderDerivedColumns): boolean {
  return (
    a.aprNominalBps === b.aprNominalBps &&
    a.aprEffectiveBps === b.aprEffectiveBps &&
    a.aprBasis === b.aprBasis &&
    a.aprFlag === b.aprFlag &&
    a.planState === b.planState &&
    a.planMismatch === b.planMismatch &&
    a.planDifferences === b.planDifferences &&
    a.dpd === b.dpd &&
    a.bucket === b.bucket &&
    a.inGrace === b.inGrace &&
    a.outstandingPrincipalFen === b.outstandingPrincipalFen &&
    a.overduePrincipalFen === b.overduePrincipalFen &&
    a.overdueInterestFen === b.overdueInterestFen &&
    a.overdueFeeFen === b.overdueFeeFen &&
    a.overduePenaltyFen === b.overduePenaltyFen &&
    a.nextDueDate === b.nextDueDate &&
    a.nextDueFen === b.nextDueFen &&
    a.delinquencyBasis === b.delinquencyBasis
  );
}

/** What re-deriving an order changed that other rows depend on. */
export interface OrderDerivation {
  orderId: number;
  changed: boolean;
  institutionId: number;
  lineExternalId: string;
  borrowerId: number | null;
  /** The order's overdue status flipped: contacts pointing at this borrower may need new findings. */
  overdueChanged: boolean;
}

/** Derivation of one stored order with the given caches (used by ingest and the daily pass). */
export function deriveOrderWith(db: Db, orderId: number, at: number, settings: DomainSettings, facts: FactsCache): OrderDerivation | undefined {
  const order = orderForDerivation(db, orderId);
  if (!order) return undefined;
  const institution = facts.get(order.institutionId);
  const booked = bookedInstallments(db, order.institutionId, order.externalId);
  const paid = booked === null ? paidByPeriod(db, order.institutionId, order.externalId) : null;
  const derived = computeOrderDerived(order, decodeQuotedPlan(order.quotedPlan), booked, paid, institution, at, settings);
  const changed = !sameOrderDerived(order, derived);
  if (changed) updateOrderDerived(db, order.id, derived, at);
  return {
    orderId,
    changed,
    institutionId: order.institutionId,
    lineExternalId: order.creditLineExternalId,
    borrowerId: order.borrowerId,
    overdueChanged: isOverdueOrder(order) !== isOverdueOrder({ bucket: derived.bucket, status: order.status }),
  };
}

/** Re-derives one order (APR, plan checks, delinquency at `at`). Call inside a write transaction. */
export function deriveOrder(db: Db, orderId: number, at: number, settings: DomainSettings): OrderDerivation | undefined {
  return deriveOrderWith(db, orderId, at, settings, new FactsCache(db, settings));
}

/** Re-derives one line's availability, state and flags from its drawdowns. Returns whether anything changed. */
export function deriveLine(db: Db, lineId: number, at: number, settings: DomainSettings): boolean {
  const line = findLineById(db, lineId);
  if (!line) return false;
  const derived = computeLineDerived(line, lineDrawdowns(drawdownsOfLine(db, line.institutionId, line.externalId)), at, settings);
  return updateLineDerived(db, lineId, derived, at);
}

export function deriveLineByExternalId(db: Db, institutionId: number, lineExternalId: string, at: number, settings: DomainSettings): boolean {
  const id = lineIdByExternalId(db, institutionId, lineExternalId);
  return id === undefined ? false : deriveLine(db, id, at, settings);
}

// ---- the daily pass ---------------------------------------------------------------------------------

export interface RederiveOutcome {
  orders: number;
  lines: number;
  applications: number;
}

const chunkSize = 500;

/**
 * The daily pass: DPD, buckets, line expiry and OCR validity move with the calendar, so every
 * order, then every line, then every application awaiting review is derived again at `at`.
 * Each chunk is its own short write transaction; only changed rows are written. Returns how many
 * rows changed.
 */
export function rederiveAll(db: Db, at: number, settings: DomainSettings): RederiveOutcome {
  const outcome: RederiveOutcome = { orders: 0, lines: 0, applications: 0 };
  for (const step of rederiveSteps(db, at, settings, outcome)) step();
  return outcome;
}

/** The same pass, yielding to the event loop between chunks so a running app stays responsive. */
export async function rederiveAllInChunks(db: Db, at: number, settings: DomainSettings, signal?: AbortSignal): Promise<RederiveOutcome> {
  const outcome: RederiveOutcome = { orders: 0, lines: 0, applications: 0 };
  for (const step of rederiveSteps(db, at, settings, outcome)) {
    if (signal?.aborted) break;
    step();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return outcome;
}

function* rederiveSteps(db: Db, at: number, settings: DomainSettings, outcome: RederiveOutcome): Generator<() => void> {
  // Every application awaiting review is reassessed at the end, so overdue flips need no tracking here.
  const facts = new FactsCache(db, settings);
  let after = 0;
  for (;;) {
    const ids = orderIdsAfter(db, after, chunkSize);
    if (ids.length === 0) break;
    after = ids[ids.length - 1] ?? after;
    yield () =>
      writeTransaction(db, () => {
        for (const id of ids) {
          if (deriveOrderWith(db, id, at, settings, facts)?.changed) outcome.orders++;
        }
      });
  }
  after = 0;
  for (;;) {
    const ids = lineIdsAfter(db, after, chunkSize);
    if (ids.length === 0) break;
    after = ids[ids.length - 1] ?? after;
    yield () =>
      writeTransaction(db, () => {
        for (const id of ids) if (deriveLine(db, id, at, settings)) outcome.lines++;
      });
  }
  after = 0;
  for (;;) {
    const ids = manualReviewApplicationIds(db, after, chunkSize);
    if (ids.length === 0) break;
    after = ids[ids.length - 1] ?? after;
    yield () =>
      writeTransaction(db, () => {
        for (const id of ids) if (reassessApplication(db, id, at, settings)) outcome.applications++;
      });
  }
}
