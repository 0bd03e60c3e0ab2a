import { actionChartColor, handlingChartColor, queueChartColor } from '../../shared/chart-colors';
import type { Locale } from '../../shared/contracts/auth';
import { backlogAges, type ReportFilter, type ReviewOperationsReport } from '../../shared/contracts/reports';
import type { ReviewSettings } from '../../shared/contracts/review';
import { perQueue, type ReviewQueue, reviewQueues } from '../../shared/domain/findings';
import { reviewActions } from '../../shared/domain/review';
import { shanghaiDate } from '../../shared/time';
import type { Db } from '../db/connection';
import type { ExportColumn, ExportDocument, ExportValue, SummaryTable } from '../exports/model';
import { keysetRows, mapRows } from '../exports/paging';
import type { ExportBuildContext } from '../exports/service';
import { pick, word } from './labels';
import {
  backlogAging,
  countDecisionFacts,
  decisionFactPage,
  institutionNames,
  iterateDecisionFacts,
  operatorNamesById,
  reasonCodeLabels,
  tasksInByDay,
  type DecisionFact,
} from '../repositories/reports';
import { daysOf, scopeOf } from './scope';
import { percentile, toMinutes } from './stats';

const queues = reviewQueues;
type Queue = ReviewQueue;
type DecisionCounts = Omit<ReviewOperationsReport['totals'], 'tasksIn'>;

/** Counts and timings of one group of decisions (a day, a queue, a reviewer, everything). */
class DecisionGroup {
  decided = 0;
  approve = 0;
  reject = 0;
  resubmit = 0;
  escalate = 0;
  withoutOutcome = 0;
  slaBreaches = 0;
  private readonly handling: number[] = [];
  private readonly turnaround: number[] = [];

  add(fact: DecisionFact, breached: boolean): void {
    this.decided++;
    // By what the decision came to, not what the first reviewer chose (see DecisionFact.outcome).
    if (fact.outcome === 'pending' || fact.outcome === 'cancelled') this.withoutOutcome++;
    else this[fact.outcome]++;
    if (breached) this.slaBreaches++;
    if (fact.claimedAt !== null) this.handling.push(fact.decidedAt - fact.claimedAt);
    this.turnaround.push(fact.decidedAt - fact.queuedAt);
  }

  counts(): DecisionCounts {
    return {
      decided: this.decided,
      approve: this.approve,
      reject: this.reject,
      resubmit: this.resubmit,
      escalate: this.escalate,
      withoutOutcome: this.withoutOutcome,
      slaBreaches: this.slaBreaches,
      handlingMedianMinutes: toMinutes(percentile(this.handling, 0.5)),
      handlingP90Minutes: toMinutes(percentile(this.handling, 0.9)),
      turnaroundMedianMinutes: toMinutes(percentile(this.turnaround, 0.5)),
      turnaroundP90Minutes: toMinutes(percentile(this.turnaround, 0.9)),
    };
  }
}

function groupOf<K>(groups: Map<K, DecisionGroup>, key: K): DecisionGroup {
  let group = groups.get(key);
  if (!group) {
    group = new DecisionGroup();
    groups.set(key, group);
  }
  return group;
}

/** A decision breaches its queue's SLA when it came later than the SLA after the task was queued. */
function breached(fact: DecisionFact, settings: ReviewSettings): boolean {
  return fact.decidedAt - fact.queuedAt > settings.queues[fact.queue].slaMinutes * 60_000;
}

/**
 * The review operations report: one pass over the range's decisions (every timing is kept for
 * exact medians and p90s), tasks in per day, reasons, four-eyes outcomes and today's backlog.
 */
export function buildReviewOperations(db: Db, filter: ReportFilter, now: number, settings: ReviewSettings): ReviewOperationsReport {
  const scope = scopeOf(filter);
  const total = new DecisionGroup();
  const byDay = new Map<string, DecisionGroup>();
  const byQueue = new Map<Queue, DecisionGroup>();
  const byReviewer = new Map<number, DecisionGroup>();
  const reasons = new Map<string, number>();
  const fourEyes = { awaiting: 0, confirmed: 0, overruled: 0, cancelled: 0 };
  for (const fact of iterateDecisionFacts(db, scope)) {
    const late = breached(fact, settings);
    total.add(fact, late);
    groupOf(byDay, shanghaiDate(fact.decidedAt)).add(fact, late);
    groupOf(byQueue, fact.queue).add(fact, late);
    groupOf(byReviewer, fact.operatorId).add(fact, late);
    if (fact.reasonCode) {
      const key = `${fact.queue}|${fact.action}|${fact.reasonCode}`;
      reasons.set(key, (reasons.get(key) ?? 0) + 1);
    }
    if (fact.stage === 'first') {
      if (fact.state === 'awaiting_second') fourEyes.awaiting++;
      else if (fact.state === 'confirmed') fourEyes.confirmed++;
      else if (fact.state === 'overruled') fourEyes.overruled++;
      else if (fact.state === 'cancelled') fourEyes.cancelled++;
    }
  }

  const tasksIn = tasksInByDay(db, scope);
  const tasksInOfDay = new Map<string, number>();
  const tasksInOfQueue = new Map<Queue, number>();
  for (const row of tasksIn) {
    tasksInOfDay.set(row.date, (tasksInOfDay.get(row.date) ?? 0) + row.count);
    tasksInOfQueue.set(row.queue, (tasksInOfQueue.get(row.queue) ?? 0) + row.count);
  }
  const empty = new DecisionGroup();
  const names = operatorNamesById(db);
  const labels = new Map(reasonCodeLabels(db).map((row) => [`${row.queue}|${row.action}|${row.code}`, row]));
  const backlog = backlogAging(db, now, filter.institutionId);

  return {
    asOf: now,
    totals: { tasksIn: tasksIn.reduce((sum, row) => sum + row.count, 0), ...total.counts() },
    byDay: daysOf(filter).map((date) => ({ date, tasksIn: tasksInOfDay.get(date) ?? 0, ...(byDay.get(date) ?? empty).counts() })),
    byQueue: queues.map((queue) => ({ queue, tasksIn: tasksInOfQueue.get(queue) ?? 0, ...(byQueue.get(queue) ?? empty).counts() })),
    byReviewer: [...byReviewer.entries()]
      .map(([operatorId, group]) => ({ operatorId, name: names.get(operatorId) ?? `#${operatorId}`, ...group.counts() }))
      .sort((a, b) => b.decided - a.decided || a.name.localeCompare(b.name)),
    reasons: [...reasons.entries()]
      .map(([key, count]) => {
        const [queue, action, code] = key.split('|') as [Queue, ReviewOperationsReport['reasons'][number]['action'], string];
        const label = labels.get(key);
        return { queue, action, code, labelZh: label?.labelZh ?? code, labelEn: label?.labelEn ?? code, count };
      })
      .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code)),
    fourEyes,
    backlog: queues.flatMap((queue) =>
      backlogAges.map((age) => ({ queue, age, count: backlog.find((row) => row.queue === queue && row.age === age)?.count ?? 0 })),
    ),
    slaMinutes: perQueue((queue) => settings.queues[queue].slaMinutes),
  };
}

function countColumns(locale: Locale, first: ExportColumn): ExportColumn[] {
  return [
    first,
    { key: 'decided', header: pick(locale, '已决定', 'Decided'), kind: 'integer' },
    { key: 'approve', header: word(locale, 'action.approve'), kind: 'integer' },
    { key: 'reject', header: word(locale, 'action.reject'), kind: 'integer' },
    { key: 'resubmit', header: word(locale, 'action.resubmit'), kind: 'integer' },
    { key: 'escalate', header: word(locale, 'action.escalate'), kind: 'integer' },
    { key: 'withoutOutcome', header: pick(locale, '未定结果', 'No outcome yet'), kind: 'integer' },
    { key: 'sla', header: pick(locale, '超时', 'SLA breaches'), kind: 'integer' },
    { key: 'handlingMedian', header: pick(locale, '处理中位数(分)', 'Handling median (min)'), kind: 'decimal', digits: 1 },
    { key: 'handlingP90', header: pick(locale, '处理P90(分)', 'Handling p90 (min)'), kind: 'decimal', digits: 1 },
    { key: 'turnaroundMedian', header: pick(locale, '周转中位数(分)', 'Turnaround median (min)'), kind: 'decimal', digits: 1 },
    { key: 'turnaroundP90', header: pick(locale, '周转P90(分)', 'Turnaround p90 (min)'), kind: 'decimal', digits: 1 },
  ];
}

function countValues(counts: DecisionCounts): ExportValue[] {
  return [
    counts.decided,
    counts.approve,
    counts.reject,
    counts.resubmit,
    counts.escalate,
    counts.withoutOutcome,
    counts.slaBreaches,
    counts.handlingMedianMinutes,
    counts.handlingP90Minutes,
    counts.turnaroundMedianMinutes,
    counts.turnaroundP90Minutes,
  ];
}

/** How the report counts outcomes, said in the file itself. */
export function countedBy(locale: Locale): string {
  return pick(
    locale,
    '按最终结果计数：被复审推翻的通过计为拒绝；待复审或因证据变化取消的决定计入“未定结果”。',
    'Final outcome: an approval overruled by a supervisor counts as rejected; a decision awaiting its second review, or cancelled because the evidence changed, counts as “no outcome yet”.',
  );
}

/** The decisions table every format carries: one row per reviewer decision in the range. */
export function decisionColumns(locale: Locale): ExportColumn[] {
  return [
    { key: 'id', header: pick(locale, '决定编号', 'Decision'), kind: 'integer', width: 10, identifier: true },
    { key: 'decidedAt', header: pick(locale, '决定时间', 'Decided at'), kind: 'instant' },
    { key: 'institution', header: word(locale, 'institution'), kind: 'text', width: 14 },
    { key: 'queue', header: pick(locale, '队列', 'Queue'), kind: 'text', width: 12 },
    { key: 'task', header: pick(locale, '任务', 'Task'), kind: 'integer', width: 8, identifier: true },
    { key: 'application', header: pick(locale, '申请编号', 'Application'), kind: 'text', width: 16, identifier: true },
    { key: 'reviewer', header: pick(locale, '审核员', 'Reviewer'), kind: 'text', width: 12 },
    { key: 'action', header: pick(locale, '决定', 'Action'), kind: 'text', width: 9 },
    { key: 'stage', header: pick(locale, '复核方式', 'Stage'), kind: 'text', width: 14 },
    { key: 'state', header: pick(locale, '状态', 'State'), kind: 'text', width: 10 },
    { key: 'outcome', header: pick(locale, '最终结果', 'Final outcome'), kind: 'text', width: 10 },
    { key: 'outcomeCode', header: pick(locale, '最终结果代码', 'Outcome code'), kind: 'text', width: 10, forMachines: true },
    { key: 'reason', header: pick(locale, '原因代码', 'Reason code'), kind: 'text', width: 16, identifier: true },
    { key: 'handling', header: pick(locale, '处理时长(分)', 'Handling (min)'), kind: 'decimal', digits: 1, width: 10 },
    { key: 'turnaround', header: pick(locale, '周转时长(分)', 'Turnaround (min)'), kind: 'decimal', digits: 1, width: 10 },
    { key: 'sla', header: pick(locale, '超时', 'SLA breached'), kind: 'text', width: 8 },
  ];
}

/** The export: charts and summaries from the report, the decisions streamed by keyset. */
export function reviewOperationsDocument(
  db: Db,
  filter: ReportFilter,
  context: ExportBuildContext,
  report: ReviewOperationsReport,
  settings: ReviewSettings,
): ExportDocument {
  const { locale } = context;
  const scope = scopeOf(filter);
  const institutions = institutionNames(db);
  const institutionName = new Map(institutions.map((institution) => [institution.id, institution.name]));
  const names = operatorNamesById(db);
  const queueName = (queue: string) => word(locale, `queue.${queue}`);
  const yes = pick(locale, '是', 'yes');
  const no = pick(locale, '否', 'no');

  const summaries: SummaryTable[] = [
    {
      title: pick(locale, '按日', 'By day'),
      columns: [
        { key: 'date', header: word(locale, 'dates'), kind: 'date' },
        { key: 'tasksIn', header: pick(locale, '新任务', 'Tasks in'), kind: 'integer' },
        ...countColumns(locale, { key: 'x', header: '', kind: 'text' }).slice(1),
      ],
      rows: report.byDay.map((day) => [day.date, day.tasksIn, ...countValues(day)]),
    },
    {
      title: pick(locale, '按队列', 'By queue'),
      columns: [
        { key: 'queue', header: pick(locale, '队列', 'Queue'), kind: 'text' },
        { key: 'tasksIn', header: pick(locale, '新任务', 'Tasks in'), kind: 'integer' },
        ...countColumns(locale, { key: 'x', header: '', kind: 'text' }).slice(1),
      ],
      rows: report.byQueue.map((queue) => [queueName(queue.queue), queue.tasksIn, ...countValues(queue)]),
    },
    {
      title: pick(locale, '按审核员', 'By reviewer'),
      columns: countColumns(locale, { key: 'reviewer', header: pick(locale, '审核员', 'Reviewer'), kind: 'text' }),
      rows: report.byReviewer.map((reviewer) => [reviewer.name, ...countValues(reviewer)]),
    },
    {
      title: pick(locale, '原因代码', 'Reason codes'),
      columns: [
        { key: 'queue', header: pick(locale, '队列', 'Queue'), kind: 'text' },
        { key: 'action', header: pick(locale, '决定', 'Action'), kind: 'text' },
        { key: 'code', header: pick(locale, '代码', 'Code'), kind: 'text', width: 22 },
        { key: 'label', header: pick(locale, '说明', 'Label'), kind: 'text', width: 24 },
        { key: 'count', header: pick(locale, '次数', 'Count'), kind: 'integer' },
      ],
      rows: report.reasons.map((reason) => [queueName(reason.queue), word(locale, `action.${reason.action}`), reason.code, locale === 'en' ? reason.labelEn : reason.labelZh, reason.count]),
    },
    {
      title: pick(locale, '双人复核与积压', 'Four-eyes and backlog'),
      columns: [
        { key: 'what', header: pick(locale, '项目', 'Item'), kind: 'text', width: 26 },
        { key: 'count', header: pick(locale, '数量', 'Count'), kind: 'integer' },
      ],
      rows: [
        [word(locale, 'state.awaiting_second'), report.fourEyes.awaiting],
        [word(locale, 'state.confirmed'), report.fourEyes.confirmed],
        [word(locale, 'state.overruled'), report.fourEyes.overruled],
        [word(locale, 'state.cancelled'), report.fourEyes.cancelled],
        ...report.backlog.map((row): ExportValue[] => [`${pick(locale, '积压', 'Backlog')} ${queueName(row.queue)} ${row.age}`, row.count]),
      ],
    },
  ];

  const days = report.byDay.map((day) => day.date.slice(5));
  const document: ExportDocument = {
    title: pick(locale, '复核运营报告', 'Review operations'),
    filters: [
      { label: word(locale, 'dates'), value: `${filter.from} – ${filter.to}` },
      { label: word(locale, 'institution'), value: filter.institutionId === undefined ? word(locale, 'all') : (institutionName.get(filter.institutionId) ?? `#${filter.institutionId}`) },
      { label: pick(locale, '计数口径', 'Counted by'), value: countedBy(locale) },
      {
        label: pick(locale, 'SLA(分钟)', 'SLA (minutes)'),
        value: queues.map((queue) => `${queueName(queue)} ${settings.queues[queue].slaMinutes}`).join(', '),
      },
    ],
    generatedAt: context.generatedAt,
    generatedBy: context.generatedBy,
    locale,
    masked: context.masked,
    charts: [
      {
        kind: 'stacked-bar',
        title: pick(locale, '每日决定', 'Decisions per day'),
        categories: days,
        series: reviewActions.map((action) => ({
          name: word(locale, `action.${action}`),
          values: report.byDay.map((day) => day[action]),
          color: actionChartColor[action],
        })),
        valueFormat: 'integer',
      },
      {
        kind: 'line',
        title: pick(locale, '处理时长（分钟）', 'Handling time (minutes)'),
        categories: days,
        series: [
          { name: pick(locale, '中位数', 'Median'), values: report.byDay.map((day) => day.handlingMedianMinutes), color: handlingChartColor.median },
          { name: 'P90', values: report.byDay.map((day) => day.handlingP90Minutes), color: handlingChartColor.p90 },
        ],
        valueFormat: 'minutes',
      },
      {
        kind: 'bar',
        title: pick(locale, '按队列：决定与超时', 'By queue: decided and SLA breaches'),
        categories: report.byQueue.map((queue) => queueName(queue.queue)),
        series: [
          { name: pick(locale, '新任务', 'Tasks in'), values: report.byQueue.map((queue) => queue.tasksIn) },
          { name: pick(locale, '已决定', 'Decided'), values: report.byQueue.map((queue) => queue.decided) },
          { name: pick(locale, '超时', 'SLA breaches'), values: report.byQueue.map((queue) => queue.slaBreaches) },
        ],
        valueFormat: 'integer',
      },
      {
        kind: 'stacked-bar',
        title: pick(locale, '当前积压（按等待时长）', 'Backlog now, by time waiting'),
        categories: [...backlogAges],
        series: queues.map((queue) => ({ name: queueName(queue), color: queueChartColor[queue], values: backlogAges.map((age) => report.backlog.find((row) => row.queue === queue && row.age === age)?.count ?? 0) })),
        valueFormat: 'integer',
      },
    ],
    summaries,
    main: {
      title: pick(locale, '决定明细', 'Decisions'),
      columns: decisionColumns(locale),
      totalRows: countDecisionFacts(db, scope),
      rows: mapRows(
        keysetRows(
          (after: { at: number; id: number } | undefined, limit) => decisionFactPage(db, scope, after, limit),
          (last) => ({ at: last.decidedAt, id: last.id }),
        ),
        (fact): ExportValue[] => [
          fact.id,
          fact.decidedAt,
          institutionName.get(fact.institutionId) ?? `#${fact.institutionId}`,
          queueName(fact.queue),
          fact.taskId,
          fact.applicationExternalId,
          names.get(fact.operatorId) ?? `#${fact.operatorId}`,
          word(locale, `action.${fact.action}`),
          word(locale, `stage.${fact.stage}`),
          word(locale, `state.${fact.state}`),
          word(locale, `outcome.${fact.outcome}`),
          fact.outcome,
          fact.reasonCode,
          toMinutes(fact.claimedAt === null ? null : fact.decidedAt - fact.claimedAt),
          toMinutes(fact.decidedAt - fact.queuedAt),
          breached(fact, settings) ? yes : no,
        ],
      ),
    },
  };
  return document;
}
