/**
 * Supervisor reports: review operations, the authentication funnel and the portfolio, each for a
 * date range (Asia/Shanghai calendar days, inclusive) and an optional institution, on screen and
 * as CSV/XLSX/PDF exports.
 */
import { z } from 'zod';
import { bucketSchema } from '../domain/delinquency';
import { perQueue, reviewQueueSchema } from '../domain/findings';
import { reviewActions } from '../domain/review';
import { daysBetween } from '../time';
import { calendarDateSchema, comparableDates } from './calendar-date';
import { channel, requires } from '../rpc/define';
import { exportRequestFields, exportSummarySchema } from './exports';
import { rollCohortSchema } from './portfolio';

/** Reports aggregate; a range longer than this belongs in several exports. */
export const maxReportDays = 400;

export const reportFilterSchema = z
  .object({
    from: calendarDateSchema,
    to: calendarDateSchema,
    institutionId: z.number().int().positive().optional(),
  })
  .refine((value) => !comparableDates(value.from, value.to) || value.from <= value.to, { message: 'The start date must not be after the end date', path: ['to'] })
  .refine((value) => !comparableDates(value.from, value.to) || value.from > value.to || daysBetween(value.from, value.to) < maxReportDays, {
    message: `At most ${maxReportDays} days per report`,
    path: ['from'],
  });
export type ReportFilter = z.infer<typeof reportFilterSchema>;

export const reportIds = ['review-operations', 'auth-funnel', 'portfolio'] as const;
export const reportIdSchema = z.enum(reportIds);
export type ReportId = z.infer<typeof reportIdSchema>;

const actionSchema = z.enum(reviewActions);
/** Minutes, null when there is nothing to measure. */
const minutes = z.number().nullable();

/**
 * Decisions by their final outcome: an approval a supervisor overruled counts as a rejection;
 * one still awaiting the second decision, or cancelled because the evidence changed, has no
 * outcome (`withoutOutcome`). `decided` counts every decision made (the reviewers' work).
 */
const decisionCountsShape = {
  decided: z.number().int(),
  approve: z.number().int(),
  reject: z.number().int(),
  resubmit: z.number().int(),
  escalate: z.number().int(),
  withoutOutcome: z.number().int(),
  slaBreaches: z.number().int(),
  handlingMedianMinutes: minutes,
  handlingP90Minutes: minutes,
  turnaroundMedianMinutes: minutes,
  turnaroundP90Minutes: minutes,
};

export const backlogAges = ['0-2h', '2-8h', '8-24h', '24h+'] as const;

export const reviewOperationsSchema = z.object({
  asOf: z.number(),
  totals: z.object({ tasksIn: z.number().int(), ...decisionCountsShape }),
  byDay: z.array(z.object({ date: z.string(), tasksIn: z.number().int(), ...decisionCountsShape })),
  byQueue: z.array(z.object({ queue: reviewQueueSchema, tasksIn: z.number().int(), ...decisionCountsShape })),
  byReviewer: z.array(z.object({ operatorId: z.number().int(), name: z.string(), ...decisionCountsShape })),
  reasons: z.array(z.object({ queue: reviewQueueSchema, action: actionSchema, code: z.string(), labelZh: z.string(), labelEn: z.string(), count: z.number().int() })),
  /** First decisions that needed a second person, by what became of them. */
  fourEyes: z.object({ awaiting: z.number().int(), confirmed: z.number().int(), overruled: z.number().int(), cancelled: z.number().int() }),
  /** Tasks waiting now (open, held, awaiting a second decision, escalated, snoozed) by time in queue. */
  backlog: z.array(z.object({ queue: reviewQueueSchema, age: z.enum(backlogAges), count: z.number().int() })),
  slaMinutes: z.object(perQueue(() => z.number().int())),
});
export type ReviewOperationsReport = z.infer<typeof reviewOperationsSchema>;

export const authFunnelSchema = z.object({
  asOf: z.number(),
  items: z.array(z.string()),
  products: z.array(
    z.object({
      institutionId: z.number().int(),
      institutionName: z.string(),
      productCode: z.string(),
      applications: z.number().int(),
      /** Reached risk control (all required items done). */
      submitted: z.number().int(),
      abandoned: z.number().int(),
      /** The product's items in collection order. */
      steps: z.array(
        z.object({
          item: z.string(),
          completed: z.number().int(),
          failed: z.number().int(),
          /** Applications that stopped at this item (abandoned there). */
          droppedHere: z.number().int(),
        }),
      ),
    }),
  ),
});
export type AuthFunnelReport = z.infer<typeof authFunnelSchema>;

const ratio = z.object({ ratio: z.number(), numeratorFen: z.number().int(), denominatorFen: z.number().int() });

export const portfolioReportSchema = z.object({
  asOf: z.number(),
  institutions: z.array(z.object({ id: z.number().int(), code: z.string(), name: z.string() })),
  bucketsByInstitution: z.array(z.object({ institutionId: z.number().int(), bucket: bucketSchema, loanCount: z.number().int(), balanceFen: z.number().int() })),
  open: z.object({ loanCount: z.number().int(), outstandingPrincipalFen: z.number().int() }),
  overdue: z.object({ loanCount: z.number().int(), principalFen: z.number().int(), interestFen: z.number().int(), feeFen: z.number().int(), penaltyFen: z.number().int() }),
  par: z.object({ par30: ratio, par60: ratio, par90: ratio }),
  rollRates: z.array(z.object({ monthEnd: z.string(), currentToM1: ratio, m1ToM2: ratio, cohortLoans: rollCohortSchema, reconstructed: z.boolean() })),
  rollRateMinimumCohortLoans: z.number().int(),
  utilisation: z.array(z.object({ date: z.string(), limitFen: z.number().int(), usedFen: z.number().int() })),
  lines: z.object({ lineCount: z.number().int(), limitFen: z.number().int(), usedFen: z.number().int() }),
  compliance: z.object({
    disbursedCount: z.number().int(),
    aprWarning: z.number().int(),
    aprNonCompliant: z.number().int(),
    planMissing: z.number().int(),
    planMismatch: z.number().int(),
  }),
  /** The first loans behind the flags (overdue or flagged), newest first; the export has all. */
  flaggedLoans: z.array(
    z.object({
      id: z.number().int(),
      institutionId: z.number().int(),
      externalId: z.string(),
      productCode: z.string(),
      status: z.string(),
      principalFen: z.number().int(),
      outstandingPrincipalFen: z.number().int(),
      dpd: z.number().int(),
      bucket: bucketSchema,
      aprNominalBps: z.number().int().nullable(),
      aprFlag: z.string(),
      planState: z.string(),
      planMismatch: z.boolean(),
    }),
  ),
  flaggedTotal: z.number().int(),
});
export type PortfolioReport = z.infer<typeof portfolioReportSchema>;

export const reportsContract = {
  'reports:review-operations': channel({
    input: reportFilterSchema,
    output: reviewOperationsSchema,
    access: requires('reports:view'),
    doc: 'Tasks in and decided by queue, reviewer and day; reasons; handling time; SLA breaches; four-eyes; escalations; backlog aging.',
  }),
  'reports:auth-funnel': channel({
    input: reportFilterSchema,
    output: authFunnelSchema,
    access: requires('reports:view'),
    doc: 'Per institution and product: the share of applications completing each authentication item, and where they drop.',
  }),
  'reports:portfolio': channel({
    input: reportFilterSchema,
    output: portfolioReportSchema,
    access: requires('reports:view'),
    doc: 'Overdue by bucket and institution, PAR, roll rates, line utilisation, compliance flags with the loans behind them.',
  }),
  'reports:export': channel({
    input: z.object({ report: reportIdSchema, filter: reportFilterSchema, ...exportRequestFields }),
    output: exportSummarySchema,
    access: requires('reports:export'),
    doc: 'Export a report as CSV, XLSX or PDF (runs in the background; progress as exports:progress pushes).',
  }),
};
