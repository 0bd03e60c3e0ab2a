/**
 * The reports' SQL (their repository): read-only aggregates over the review, application and
 * loan tables. Raw prepared statements, because report facts are iterated row by row without
 * building objects per row, and because the percentile maths needs every handling time.
 */
import type { ReviewQueue } from '../../shared/domain/findings';
import type { DecisionStage, DecisionState, ReviewAction } from '../../shared/domain/review';
import { shanghaiOffsetMs } from '../../shared/time';
import type { Db } from '../db/connection';

/** An instant range [fromAt, toAt) and an optional institution. */
export interface ReportScope {
  fromAt: number;
  toAt: number;
  institutionId?: number;
}

/** One person's decision on a task, with when the task was claimed and queued before it. */
// Written out rather than picked from the tables: a join of decisions, tasks and task events, with a computed outcome.
export interface DecisionFact {
  id: number;
  decidedAt: number;
  queue: ReviewQueue;
  action: ReviewAction;
  stage: DecisionStage;
  state: DecisionState;
  operatorId: number;
  reasonCode: string | null;
  taskId: number;
  institutionId: number;
  applicationExternalId: string;
  /** The claim the decision was made under (latest 'claimed' before it). */
  claimedAt: number | null;
  /** When the task last entered the queue (created or reopened) before the decision. */
  queuedAt: number;
  /**
   * What the decision came to: its own action, or the second decision's when a supervisor
   * confirmed or overruled it (an overruled approval is a rejection); `pending` while it awaits
   * the second decision, `cancelled` when the evidence changed under it.
   */
  outcome: DecisionOutcome;
}

export type DecisionOutcome = ReviewAction | 'pending' | 'cancelled';

const institutionClause = (alias: string, scope: ReportScope) => (scope.institutionId === undefined ? '' : ` AND ${alias}.institution_id = @institutionId`);

function params(scope: ReportScope, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { fromAt: scope.fromAt, toAt: scope.toAt, ...(scope.institutionId === undefined ? {} : { institutionId: scope.institutionId }), ...extra };
}

function decisionFactSql(scope: ReportScope, keyset: boolean): string {
  return `
    SELECT d.id AS id, d.decided_at AS decidedAt, d.queue AS queue, d.action AS action, d.stage AS stage, d.state AS state,
      d.operator_id AS operatorId, d.reason_code AS reasonCode, d.task_id AS taskId, t.institution_id AS institutionId,
      a.external_id AS applicationExternalId,
      (SELECT max(e.at) FROM review_task_events e WHERE e.task_id = d.task_id AND e.kind = 'claimed' AND e.at <= d.decided_at) AS claimedAt,
      coalesce((SELECT max(e.at) FROM review_task_events e WHERE e.task_id = d.task_id AND e.kind IN ('created', 'reopened') AND e.at <= d.decided_at), t.created_at) AS queuedAt,
      CASE d.state
        WHEN 'awaiting_second' THEN 'pending'
        WHEN 'cancelled' THEN 'cancelled'
        WHEN 'effective' THEN d.action
        ELSE coalesce((SELECT s.action FROM review_decisions s WHERE s.task_id = d.task_id AND s.second_of_id = d.id AND s.stage = 'second'), d.action)
      END AS outcome
    FROM review_decisions d
    JOIN review_tasks t ON t.id = d.task_id
    JOIN applications a ON a.id = d.application_id
    WHERE d.decided_at >= @fromAt AND d.decided_at < @toAt AND d.stage IN ('single', 'first')${institutionClause('t', scope)}
    ${keyset ? 'AND (d.decided_at, d.id) > (@afterAt, @afterId)' : ''}
    ORDER BY d.decided_at, d.id
    ${keyset ? 'LIMIT @limit' : ''}`;
}

/** Every reviewer decision (single or first of a four-eyes pair) in the range, oldest first. */
export function* iterateDecisionFacts(db: Db, scope: ReportScope): Generator<DecisionFact> {
  yield* db.$client.prepare(decisionFactSql(scope, false)).iterate(params(scope)) as IterableIterator<DecisionFact>;
}

/** One keyset page of the same facts, for exports that stream them. */
export function decisionFactPage(db: Db, scope: ReportScope, after: { at: number; id: number } | undefined, limit: number): DecisionFact[] {
  return db.$client
    .prepare(decisionFactSql(scope, true))
    .all(params(scope, { afterAt: after?.at ?? -1, afterId: after?.id ?? -1, limit })) as DecisionFact[];
}

export function countDecisionFacts(db: Db, scope: ReportScope): number {
  const row = db.$client
    .prepare(
      `SELECT count(*) AS n FROM review_decisions d JOIN review_tasks t ON t.id = d.task_id
       WHERE d.decided_at >= @fromAt AND d.decided_at < @toAt AND d.stage IN ('single', 'first')${institutionClause('t', scope)}`,
    )
    .get(params(scope)) as { n: number };
  return row.n;
}

/** Tasks created in the range per Shanghai day and queue. */
export function tasksInByDay(db: Db, scope: ReportScope): Array<{ date: string; queue: DecisionFact['queue']; count: number }> {
  return db.$client
    .prepare(
      `SELECT date((t.created_at + ${shanghaiOffsetMs}) / 1000, 'unixepoch') AS date, t.queue AS queue, count(*) AS count
       FROM review_tasks t WHERE t.created_at >= @fromAt AND t.created_at < @toAt${institutionClause('t', scope)}
       GROUP BY date, queue`,
    )
    .all(params(scope)) as Array<{ date: string; queue: DecisionFact['queue']; count: number }>;
}

/** Tasks waiting now, by queue and time since they entered the queue. */
export function backlogAging(db: Db, now: number, institutionId: number | undefined): Array<{ queue: DecisionFact['queue']; age: '0-2h' | '2-8h' | '8-24h' | '24h+'; count: number }> {
  const hour = 3_600_000;
  return db.$client
    .prepare(
      `SELECT t.queue AS queue,
         CASE WHEN @now - t.queued_at < ${2 * hour} THEN '0-2h' WHEN @now - t.queued_at < ${8 * hour} THEN '2-8h'
              WHEN @now - t.queued_at < ${24 * hour} THEN '8-24h' ELSE '24h+' END AS age,
         count(*) AS count
       FROM review_tasks t
       WHERE t.status IN ('open', 'in_review', 'awaiting_second', 'escalated', 'snoozed')${institutionId === undefined ? '' : ' AND t.institution_id = @institutionId'}
       GROUP BY queue, age`,
    )
    .all({ now, ...(institutionId === undefined ? {} : { institutionId }) }) as Array<{ queue: DecisionFact['queue']; age: '0-2h' | '2-8h' | '8-24h' | '24h+'; count: number }>;
}

export function operatorNamesById(db: Db): Map<number, string> {
  const rows = db.$client.prepare('SELECT id, display_name AS name FROM operators').all() as Array<{ id: number; name: string }>;
  return new Map(rows.map((row) => [row.id, row.name]));
}

export function institutionNames(db: Db): Array<{ id: number; code: string; name: string }> {
  return db.$client.prepare('SELECT id, code, name FROM institutions ORDER BY code').all() as Array<{ id: number; code: string; name: string }>;
}

export function reasonCodeLabels(db: Db): Array<{ queue: string; action: string; code: string; labelZh: string; labelEn: string }> {
  return db.$client.prepare('SELECT queue, action, code, label_zh AS labelZh, label_en AS labelEn FROM review_reason_codes').all() as Array<{
    queue: string;
    action: string;
    code: string;
    labelZh: string;
    labelEn: string;
  }>;
}

/** Funnel counts per institution and product; `itemCount` items give c0.., f0.., a0.. columns. */
export function funnelCounts(db: Db, scope: ReportScope, items: readonly string[]): Array<Record<string, number | string>> {
  const columns = items
    .map(
      (item, index) =>
        `sum((f.completed_mask & ${1 << index}) != 0) AS c${index}, sum((f.failed_mask & ${1 << index}) != 0) AS f${index}, ` +
        `sum(f.status = 'ABANDONED' AND f.abandoned_at_item = '${item.replace(/'/g, "''")}') AS a${index}`,
    )
    .join(', ');
  return db.$client
    .prepare(
      `SELECT f.institution_id AS institutionId, f.product_code AS productCode, max(f.required_items) AS requiredItems, count(*) AS applications,
         sum(f.status NOT IN ('AUTHENTICATING', 'ABANDONED')) AS submitted, sum(f.status = 'ABANDONED') AS abandoned, ${columns}
       FROM application_funnel f
       WHERE f.applied_at >= @fromAt AND f.applied_at < @toAt${institutionClause('f', scope)}
       GROUP BY f.institution_id, f.product_code
       ORDER BY f.institution_id, f.product_code`,
    )
    .all(params(scope)) as Array<Record<string, number | string>>;
}

/** An open loan that is overdue or carries a compliance flag (the loans behind the report's flags). */
// Written out rather than picked from the tables: a join of orders and borrowers, read as raw SQLite values (planMismatch 0/1).
export interface FlaggedLoan {
  id: number;
  institutionId: number;
  externalId: string;
  productCode: string;
  status: string;
  principalFen: number;
  outstandingPrincipalFen: number;
  dpd: number;
  bucket: 'M0' | 'M1' | 'M2' | 'M3' | 'M3+';
  aprNominalBps: number | null;
  aprFlag: string;
  planState: string;
  planMismatch: number;
  disbursedAt: number | null;
  borrowerName: string | null;
  platformUserId: string;
}

/** Open and overdue, or disbursed with an APR warning, a missing plan or a plan mismatch. */
const flaggedCondition = `((o.status IN ('LOAN_SUCCESS', 'REPAYING', 'OVERDUE') AND o.dpd > 0)
  OR (o.status IN ('LOAN_SUCCESS', 'REPAYING', 'OVERDUE', 'CLOSED')
      AND (o.apr_flag IN ('warning', 'non_compliant') OR o.plan_state = 'missing' OR o.plan_mismatch = 1)))`;

/** Flagged loans newest id first, keyset-paged. */
export function flaggedLoanPage(db: Db, institutionId: number | undefined, beforeId: number | undefined, limit: number): FlaggedLoan[] {
  return db.$client
    .prepare(
      `SELECT o.id, o.institution_id AS institutionId, o.external_id AS externalId, o.product_code AS productCode, o.status,
         o.principal_fen AS principalFen, o.outstanding_principal_fen AS outstandingPrincipalFen, o.dpd, o.bucket,
         o.apr_nominal_bps AS aprNominalBps, o.apr_flag AS aprFlag, o.plan_state AS planState, o.plan_mismatch AS planMismatch,
         o.disbursed_at AS disbursedAt, b.name AS borrowerName, o.platform_user_id AS platformUserId
       FROM orders o LEFT JOIN borrowers b ON b.id = o.borrower_id
       WHERE ${flaggedCondition}${institutionId === undefined ? '' : ' AND o.institution_id = @institutionId'}
         AND o.id < @beforeId
       ORDER BY o.id DESC LIMIT @limit`,
    )
    .all({ beforeId: beforeId ?? Number.MAX_SAFE_INTEGER, limit, ...(institutionId === undefined ? {} : { institutionId }) }) as FlaggedLoan[];
}

export function countFlaggedLoans(db: Db, institutionId: number | undefined): number {
  return (
    db.$client
      .prepare(`SELECT count(*) AS n FROM orders o WHERE ${flaggedCondition}${institutionId === undefined ? '' : ' AND o.institution_id = @institutionId'}`)
      .get(institutionId === undefined ? {} : { institutionId }) as { n: number }
  ).n;
}
