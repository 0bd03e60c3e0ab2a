/**
 * The dashboards' figures against the same figures computed here, independently, from the
 * simulator's records (pulled over its API with the plain test client, not the sync client) with
 * the domain functions: counts, balances, buckets, PAR, overdue amounts, compliance and line flags.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullAll, type InstitutionEndpoint } from '../../../test/fixtures/simulator/client';
import { createTestBackend, ManualClock, operatorContext } from '../../../test/support/backend';
import { planOfWire } from '../../../test/support/loan-rows';
import type { CallContext } from '../core/actor';
import { runPass } from '../sync/engine';
import { demoInstitutions, startSimulator, type RunningSimulator } from '../simulator';
import { aprCompliance, comparePlans, loanApr } from '../../shared/domain/apr';
import { bucketSchema, computeDelinquency, portfolioAtRisk, type Bucket, type DelinquencyInstallment } from '../../shared/domain/delinquency';
import { lineAvailability } from '../../shared/domain/lines';
import { defaultDomainSettings } from '../../shared/domain/settings';
import type { CreditLineRecord, OrderRecord, RepaymentPlanRecord, RepaymentRecord } from '../../shared/institution-api';
import { disbursedLoanStatuses, lineFlags, openLoanStatuses, type LinesDashboard, type LoansDashboard } from '../../shared/contracts/portfolio';

const now = Date.UTC(2026, 10, 25, 2, 0, 0);
const open = new Set<string>(openLoanStatuses);
const disbursed = new Set<string>(disbursedLoanStatuses);
const notDisbursed = new Set(['AUDITING', 'AUDIT_PASS', 'AUDIT_NO_PASS', 'LOAN_CANCEL', 'LOAN_FAILED']);
const releasing = new Set(['AUDIT_NO_PASS', 'LOAN_CANCEL', 'LOAN_FAILED']);

let simulator: RunningSimulator;
let backend: Awaited<ReturnType<typeof createTestBackend>>;
let supervisor: CallContext;

interface Expected {
  institutionId: number;
  code: string;
  loans: Array<{ externalId: string; status: string; bucket: Bucket; dpd: number; outstanding: number; overdue: [number, number, number, number]; aprFlag: string; planState: string; mismatch: boolean }>;
  lines: Array<{ mode: string; limit: number; used: number; available: number; state: string; flags: string[]; status: string }>;
}
const expected: Expected[] = [];

async function call<T>(channel: string, input: unknown): Promise<T> {
  const result = await backend.router.call(channel, input, supervisor);
  if (!result.ok) throw new Error(`${channel}: ${result.error.message}`);
  return result.data as T;
}

beforeAll(async () => {
  simulator = await startSimulator({ institutions: demoInstitutions('portfolio-figures'), seed: 'portfolio-figures', borrowers: 600, now });
  backend = await createTestBackend({ clock: new ManualClock(now) });
  supervisor = await operatorContext(backend, 'sup', 'supervisor');
  for (const info of simulator.institutions) {
    const created = backend.services.institutions.create(null, { code: info.code, name: info.name, baseUrl: info.baseUrl, appId: info.appId, secret: info.secret });
    const result = await runPass(
      { db: backend.db, clients: backend.services.institutionClients, clock: backend.clock, settings: () => backend.services.domainSettings.get() },
      created.id,
      { trigger: 'manual', signal: new AbortController().signal },
    );
    expect(result.status, result.error ?? '').toBe('succeeded');
    expected.push(await computeIndependently(created.id, info, info.capabilities.grace_days, info.capabilities.repayment_plans, info.capabilities.resources));
  }
}, 240_000);

afterAll(async () => {
  await backend?.cleanup();
  await simulator?.close();
});

async function computeIndependently(
  institutionId: number,
  endpoint: InstitutionEndpoint & { code: string },
  graceDays: number,
  providesPlans: boolean,
  resources: readonly string[],
): Promise<Expected> {
  const orders = (await pullAll(endpoint, 'orders')).records as unknown as OrderRecord[];
  const lines = (await pullAll(endpoint, 'credit-lines')).records as unknown as CreditLineRecord[];
  const plans = resources.includes('repayment-plans') ? ((await pullAll(endpoint, 'repayment-plans')).records as unknown as RepaymentPlanRecord[]) : [];
  const repayments = resources.includes('repayments') ? ((await pullAll(endpoint, 'repayments')).records as unknown as RepaymentRecord[]) : [];
  const planOf = new Map(plans.map((plan) => [plan.order_id, plan]));
  const paidOf = new Map<string, Map<number, { principal: number; interest: number; fee: number; penalty: number }>>();
  for (const repayment of repayments) {
    const paid = paidOf.get(repayment.order_id) ?? new Map();
    for (const part of repayment.allocation) {
      const sum = paid.get(part.period) ?? { principal: 0, interest: 0, fee: 0, penalty: 0 };
      sum.principal += part.principal_fen;
      sum.interest += part.interest_fen;
      sum.fee += part.fee_fen;
      sum.penalty += part.penalty_fen;
      paid.set(part.period, sum);
    }
    paidOf.set(repayment.order_id, paid);
  }

  const loans: Expected['loans'] = orders.map((order) => {
    const plan = planOf.get(order.id);
    const quoted = planOfWire(order.quoted_plan);
    const booked = plan === undefined ? undefined : planOfWire(plan.installments);
    let aprFlag = 'unknown';
    try {
      const apr = loanApr({ receivedFen: order.received_fen, installments: (booked ?? quoted).map((row) => ({ dueDate: row.dueDate, totalFen: row.totalFen })), basis: 'monthly' });
      aprFlag = aprCompliance(apr.nominalAprBps, { warningBps: defaultDomainSettings.aprWarningBps, nonCompliantBps: defaultDomainSettings.aprNonCompliantBps });
    } catch {
      aprFlag = 'unknown';
    }
    const planState = plan ? 'booked' : providesPlans ? 'awaiting' : 'missing';
    const mismatch = booked ? !comparePlans(quoted, booked).equal : false;
    const none = { externalId: order.id, status: order.status, bucket: 'M0' as Bucket, dpd: 0, outstanding: 0, overdue: [0, 0, 0, 0] as [number, number, number, number], aprFlag, planState, mismatch };
    if (notDisbursed.has(order.status)) return none;
    let installments: DelinquencyInstallment[];
    if (plan) {
      installments = plan.installments.map((row) => ({
        dueDate: row.due_date,
        principalFen: row.principal_fen,
        interestFen: row.interest_fen,
        feeFen: row.fee_fen,
        penaltyFen: row.penalty_fen,
        paidPrincipalFen: row.paid_principal_fen,
        paidInterestFen: row.paid_interest_fen,
        paidFeeFen: row.paid_fee_fen,
        paidPenaltyFen: row.paid_penalty_fen,
      }));
    } else {
      // Without a booked plan the platform can only hold the quoted plan against what was repaid.
      if (order.status === 'CLOSED') return none;
      const paid = paidOf.get(order.id) ?? new Map();
      installments = order.quoted_plan.map((row) => {
        const part = paid.get(row.period);
        return {
          dueDate: row.due_date,
          principalFen: row.principal_fen,
          interestFen: row.interest_fen,
          feeFen: row.fee_fen,
          penaltyFen: part?.penalty ?? 0,
          paidPrincipalFen: part?.principal ?? 0,
          paidInterestFen: part?.interest ?? 0,
          paidFeeFen: part?.fee ?? 0,
          paidPenaltyFen: part?.penalty ?? 0,
        };
      });
    }
    const state = computeDelinquency(installments, now, { graceDays });
    return {
      ...none,
      bucket: state.bucket,
      dpd: state.dpd,
      outstanding: state.outstandingPrincipalFen,
      overdue: [state.overduePrincipalFen, state.overdueInterestFen, state.overdueFeeFen, state.overduePenaltyFen],
    };
  });

  const loansByLine = new Map<string, Array<(typeof loans)[number] & { principal: number }>>();
  orders.forEach((order, index) => {
    const list = loansByLine.get(order.credit_line_id) ?? [];
    list.push({ ...(loans[index] as (typeof loans)[number]), principal: order.principal_fen });
    loansByLine.set(order.credit_line_id, list);
  });
  const lineFigures: Expected['lines'] = lines.map((line) => {
    const drawdowns = (loansByLine.get(line.id) ?? [])
      .filter((loan) => !releasing.has(loan.status))
      .map((loan) => ({
        principalFen: loan.principal,
        outstandingPrincipalFen: notDisbursed.has(loan.status) ? loan.principal : loan.outstanding,
        overdue: loan.bucket !== 'M0' || loan.status === 'OVERDUE',
      }));
    const availability = lineAvailability(
      { mode: line.mode, limitFen: line.limit_fen, validFrom: Date.parse(line.valid_from), validTo: Date.parse(line.valid_to), allowPartialDraw: line.partial_draw_allowed },
      drawdowns,
      now,
      { expiringWithinDays: defaultDomainSettings.expiringWithinDays, singleBatchExpiringDays: defaultDomainSettings.singleBatchExpiringDays },
    );
    return { mode: line.mode, limit: line.limit_fen, used: availability.usedFen, available: availability.availableFen, state: availability.state, flags: availability.flags, status: line.status };
  });
  return { institutionId, code: endpoint.code, loans, lines: lineFigures };
}

function loanFiguresOf(list: Expected['loans']) {
  const openLoans = list.filter((loan) => open.has(loan.status));
  const buckets = bucketSchema.options.map((bucket) => {
    const inBucket = openLoans.filter((loan) => loan.bucket === bucket);
    return { bucket, loanCount: inBucket.length, balanceFen: inBucket.reduce((sum, loan) => sum + loan.outstanding, 0) };
  });
  const atRisk = openLoans.map((loan) => ({ dpd: loan.dpd, outstandingPrincipalFen: loan.outstanding }));
  const sum = (index: number) => openLoans.reduce((total, loan) => total + (loan.overdue[index] as number), 0);
  const disbursedLoans = list.filter((loan) => disbursed.has(loan.status));
  return {
    buckets,
    open: { loanCount: openLoans.length, outstandingPrincipalFen: openLoans.reduce((total, loan) => total + loan.outstanding, 0) },
    par: { par30: portfolioAtRisk(atRisk, 30), par60: portfolioAtRisk(atRisk, 60), par90: portfolioAtRisk(atRisk, 90) },
    overdue: { loanCount: openLoans.filter((loan) => loan.dpd > 0).length, principalFen: sum(0), interestFen: sum(1), feeFen: sum(2), penaltyFen: sum(3) },
    compliance: {
      disbursedCount: disbursedLoans.length,
      aprWarning: disbursedLoans.filter((loan) => loan.aprFlag === 'warning' || loan.aprFlag === 'non_compliant').length,
      aprNonCompliant: disbursedLoans.filter((loan) => loan.aprFlag === 'non_compliant').length,
      aprUnknown: disbursedLoans.filter((loan) => loan.aprFlag === 'unknown').length,
      planMissing: disbursedLoans.filter((loan) => loan.planState === 'missing').length,
      planMismatch: disbursedLoans.filter((loan) => loan.mismatch).length,
      warningBps: 2400,
      nonCompliantBps: 3600,
    },
  };
}

describe('dashboard figures equal the figures computed from the simulator’s records', () => {
  it('has a portfolio worth checking (open, overdue, every kind of flag)', () => {
    const all = expected.flatMap((entry) => entry.loans);
    expect(all.filter((loan) => open.has(loan.status)).length).toBeGreaterThan(50);
    expect(all.filter((loan) => open.has(loan.status) && loan.bucket !== 'M0').length).toBeGreaterThan(3);
    expect(all.filter((loan) => loan.planState === 'missing').length).toBeGreaterThan(0);
    expect(all.filter((loan) => loan.mismatch).length).toBeGreaterThan(0);
  });

  it('loans: buckets, balances, PAR, overdue amounts and compliance, for all and per institution', async () => {
    const all = await call<LoansDashboard>('portfolio:loans-dashboard', {});
    const figures = loanFiguresOf(expected.flatMap((entry) => entry.loans));
    expect(all.buckets).toEqual(figures.buckets);
    expect(all.open).toEqual(figures.open);
    expect(all.par).toEqual(figures.par);
    expect(all.overdue).toEqual(figures.overdue);
    expect(all.compliance).toEqual(figures.compliance);
    for (const entry of expected) {
      const scoped = await call<LoansDashboard>('portfolio:loans-dashboard', { institutionId: entry.institutionId });
      const own = loanFiguresOf(entry.loans);
      expect(scoped.buckets, entry.code).toEqual(own.buckets);
      expect(scoped.par, entry.code).toEqual(own.par);
      expect(scoped.compliance, entry.code).toEqual(own.compliance);
      const statuses = new Map<string, { count: number; outstanding: number }>();
      for (const loan of entry.loans) {
        const status = statuses.get(loan.status) ?? { count: 0, outstanding: 0 };
        status.count += 1;
        status.outstanding += loan.outstanding;
        statuses.set(loan.status, status);
      }
      expect(
        Object.fromEntries(scoped.byStatus.map((row) => [row.status, { count: row.loanCount, outstanding: row.outstandingPrincipalFen }])),
        entry.code,
      ).toEqual(Object.fromEntries(statuses));
    }
  });

  it('loans: order counts by status also equal the simulator’s own ground truth', async () => {
    const truth = simulator.admin.groundTruth() as Record<string, { orders: { by_status: Record<string, number> } }>;
    for (const entry of expected) {
      const scoped = await call<LoansDashboard>('portfolio:loans-dashboard', { institutionId: entry.institutionId });
      expect(Object.fromEntries(scoped.byStatus.map((row) => [row.status, row.loanCount])), entry.code).toEqual(truth[entry.code]?.orders.by_status);
    }
  });

  it('each bucket and flag figure opens a list of exactly its loans', async () => {
    const all = expected.flatMap((entry) => entry.loans);
    for (const bucket of bucketSchema.options) {
      const list = await call<{ total: number; rows: Array<{ externalId: string }> }>('portfolio:loans-list', { bucket, scope: 'open', limit: 500 });
      const want = all.filter((loan) => open.has(loan.status) && loan.bucket === bucket).map((loan) => loan.externalId);
      expect(list.total, bucket).toBe(want.length);
      if (want.length <= 500) expect(list.rows.map((row) => row.externalId).sort(), bucket).toEqual(want.sort());
    }
    const par30 = await call<{ total: number }>('portfolio:loans-list', { parDays: 30, scope: 'open', limit: 1 });
    expect(par30.total).toBe(all.filter((loan) => open.has(loan.status) && loan.dpd > 30).length);
    const mismatched = await call<{ total: number; rows: Array<{ externalId: string }> }>('portfolio:loans-list', { flag: 'plan_mismatch', scope: 'disbursed', limit: 500 });
    expect(mismatched.rows.map((row) => row.externalId).sort()).toEqual(all.filter((loan) => disbursed.has(loan.status) && loan.mismatch).map((loan) => loan.externalId).sort());
  });

  it('lines: totals in force per institution and mode, and every flag count', async () => {
    const dashboard = await call<LinesDashboard>('portfolio:lines-dashboard', {});
    const totals = expected.flatMap((entry) => {
      const perMode = new Map<string, { lineCount: number; limitFen: number; usedFen: number; availableFen: number }>();
      for (const line of entry.lines) {
        const inForce = line.status !== 'closed' && line.state !== 'not_started' && !line.flags.includes('expired');
        if (!inForce) continue;
        const total = perMode.get(line.mode) ?? { lineCount: 0, limitFen: 0, usedFen: 0, availableFen: 0 };
        total.lineCount += 1;
        total.limitFen += line.limit;
        total.usedFen += line.used;
        total.availableFen += line.available;
        perMode.set(line.mode, total);
      }
      return [...perMode.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([mode, total]) => ({ institutionId: entry.institutionId, mode, ...total }));
    });
    expect(dashboard.totals).toEqual(totals);
    const allLines = expected.flatMap((entry) => entry.lines);
    expect(dashboard.flags).toEqual(
      lineFlags.map((flag) => {
        const flagged = allLines.filter((line) => line.flags.includes(flag));
        return { flag, lineCount: flagged.length, limitFen: flagged.reduce((sum, line) => sum + line.limit, 0) };
      }),
    );
    expect(dashboard.flags.find((flag) => flag.flag === 'frozen_overdue')?.lineCount).toBeGreaterThan(0);
  });
});
