import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestBackend, ManualClock, operatorContext } from '../../../test/support/backend';
import type { ExportSummary } from '../../shared/contracts/exports';
import type { AuthFunnelReport, PortfolioReport, ReviewOperationsReport } from '../../shared/contracts/reports';
import type { Envelope } from '../../shared/rpc/errors';
import { insertOrderRow } from '../../../test/support/loan-rows';
import { insertBorrower } from '../../../test/support/rows';
import { readPdfPages, readWorkbook } from '../../../test/support/export-readers';
import { fixtureRecord, ingestFixtureApplication, insertFixtureInstitution, type FixtureOptions } from '../../../test/support/review-fixtures';
import type { CallContext } from '../core/actor';
import type { Backend } from '../runtime/backend';

let backend: Backend & { cleanup(): Promise<void> };
let clock: ManualClock;
let reviewer: CallContext;
let supervisor: CallContext;
let institutionId: number;
const minute = 60_000;
// 2026-11-25 09:00 in Shanghai.
const start = Date.UTC(2026, 10, 25, 1, 0, 0);
const day = { from: '2026-11-25', to: '2026-11-25' };

beforeEach(async () => {
  clock = new ManualClock(start);
  backend = await createTestBackend({ clock });
  reviewer = await operatorContext(backend, 'wang', 'reviewer');
  supervisor = await operatorContext(backend, 'zhao', 'supervisor');
  institutionId = insertFixtureInstitution(backend.db, 'HNXD');
});
afterEach(async () => backend.cleanup());

async function call<T>(channel: string, input: unknown, context: CallContext): Promise<T> {
  const result = (await backend.router.call(channel, input, context)) as Envelope<T>;
  if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
  return result.data;
}

function ingest(options: FixtureOptions, mutate?: (record: ReturnType<typeof fixtureRecord>) => void) {
  const record = fixtureRecord(options, clock.now());
  mutate?.(record);
  return ingestFixtureApplication(backend.db, institutionId, record, clock.now());
}

/** A face score in the grey band: one face task. */
const grey = (externalId: string, borrower: FixtureOptions['borrower'], ocr: FixtureOptions['ocr'] = {}): FixtureOptions => ({
  externalId,
  face: { score: 65 },
  borrower,
  ocr,
});
const zhang = { name: '张三', idNumber: '440308199901101512', phone: '13700000001' };
const li = { name: '李四', idNumber: '110101199003078670', phone: '13700000002' };

async function decideNext(action: 'approve' | 'reject', holdMinutes: number, reasonCode?: string): Promise<number> {
  const next = await call<{ taskId: number }>('review:next', { queue: 'face' }, reviewer);
  const detail = await call<{ task: { evidenceHash: string } }>('review:task', { taskId: next.taskId }, reviewer);
  clock.advance(holdMinutes * minute);
  await call('review:decide', { taskId: next.taskId, action, reasonCode, evidenceHash: detail.task.evidenceHash }, reviewer);
  return next.taskId;
}

describe('review operations report', () => {
  async function scenario() {
    ingest(grey('APP-1', li));
    ingest(grey('APP-2', zhang, { birthDate: '1999-01-10' }));
    clock.advance(30 * minute);
    await decideNext('approve', 10); // queued 09:00, claimed 09:30, decided 09:40
    clock.advance(2 * 60 * minute); // 11:40
    await decideNext('reject', 5, 'FACE_NOT_SAME_PERSON'); // decided 11:45: 165 minutes after queueing, past the 120-minute SLA
    ingest(grey('APP-3', { name: '赵五', idNumber: '500154199804106120', phone: '13700000003' }, { birthDate: '1998-04-10', sex: 'female' }));
    clock.advance(3 * 60 * minute); // 14:45: APP-3 has waited 3 hours
  }

  it('counts tasks in, decisions by action, queue and reviewer, timings, SLA breaches and backlog', async () => {
    await scenario();
    const report = await call<ReviewOperationsReport>('reports:review-operations', day, supervisor);
    expect(report.totals).toMatchObject({ tasksIn: 3, decided: 2, approve: 1, reject: 1, slaBreaches: 1 });
    // Handling: 10 and 5 minutes; turnaround: 40 and 165 minutes (nearest-rank percentiles).
    expect(report.totals).toMatchObject({ handlingMedianMinutes: 5, handlingP90Minutes: 10, turnaroundMedianMinutes: 40, turnaroundP90Minutes: 165 });
    expect(report.byDay).toEqual([expect.objectContaining({ date: '2026-11-25', tasksIn: 3, decided: 2 })]);
    expect(report.byQueue.find((row) => row.queue === 'face')).toMatchObject({ tasksIn: 3, decided: 2, slaBreaches: 1 });
    expect(report.byReviewer).toEqual([expect.objectContaining({ name: 'wang', decided: 2, approve: 1, reject: 1 })]);
    expect(report.reasons).toEqual([expect.objectContaining({ queue: 'face', action: 'reject', code: 'FACE_NOT_SAME_PERSON', count: 1 })]);
    expect(report.backlog.find((row) => row.queue === 'face' && row.age === '2-8h')?.count).toBe(1);
    expect(report.backlog.filter((row) => row.count > 0)).toHaveLength(1);

    const otherDay = await call<ReviewOperationsReport>('reports:review-operations', { from: '2026-11-24', to: '2026-11-24' }, supervisor);
    expect(otherDay.totals).toMatchObject({ tasksIn: 0, decided: 0 });
    const otherInstitution = await call<ReviewOperationsReport>('reports:review-operations', { ...day, institutionId: institutionId + 100 }, supervisor);
    expect(otherInstitution.totals.decided).toBe(0);
  });

  it('exports the decisions as an XLSX whose rows and cell types hold the decisions', async () => {
    await scenario();
    const started = await call<ExportSummary>('reports:export', { report: 'review-operations', filter: day, format: 'xlsx' }, supervisor);
    await backend.services.exports.settled(started.id);
    const finished = await call<ExportSummary>('exports:get', { id: started.id }, supervisor);
    expect(finished).toMatchObject({ status: 'completed', rowCount: 2, totalRows: 2, fileName: 'review-operations_2026-11-25_2026-11-25.xlsx' });
    const path = backend.db.$client.prepare('SELECT file_path AS path FROM exports WHERE id = ?').get(started.id) as { path: string };
    const workbook = await readWorkbook(path.path);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['决定明细', '按日', '按队列', '按审核员', '原因代码', '双人复核与积压', '报告信息']);
    const sheet = workbook.worksheets[0] as ExcelJS.Worksheet;
    expect(sheet.rowCount).toBe(3);
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(header).toEqual(['决定编号', '决定时间', '机构', '队列', '任务', '申请编号', '审核员', '决定', '复核方式', '状态', '最终结果', '最终结果代码', '原因代码', '处理时长(分)', '周转时长(分)', '超时']);
    const rows = [2, 3].map((number) => (sheet.getRow(number).values as unknown[]).slice(1));
    expect(rows.map((row) => [row[5], row[6], row[7], row[10], row[12], row[13], row[14], row[15]])).toEqual([
      ['APP-1', 'wang', '通过', '通过', undefined, 10, 40, '否'],
      ['APP-2', 'wang', '拒绝', '拒绝', 'FACE_NOT_SAME_PERSON', 5, 165, '是'],
    ]);
    expect(sheet.getCell('B2').type).toBe(ExcelJS.ValueType.Date);
    expect((sheet.getCell('B2').value as Date).toISOString()).toBe('2026-11-25T09:40:00.000Z');
    expect(sheet.getCell('N2').type).toBe(ExcelJS.ValueType.Number);

    const audit = await call<{ entries: Array<{ details: Record<string, unknown> }> }>('audit:list', { filter: { action: 'exports.finished' } }, supervisor);
    expect(audit.entries[0]?.details).toMatchObject({ kind: 'review-operations', format: 'xlsx', rowCount: 2, filters: day });
  });

  it('exports a PDF with the charts, the filters and the decisions', async () => {
    await scenario();
    const started = await call<ExportSummary>('reports:export', { report: 'review-operations', filter: day, format: 'pdf' }, supervisor);
    await backend.services.exports.settled(started.id);
    const path = backend.db.$client.prepare('SELECT file_path AS path FROM exports WHERE id = ?').get(started.id) as { path: string };
    const text = (await readPdfPages(path.path)).join('\n');
    for (const expected of ['复核运营报告', '2026-11-25 – 2026-11-25', '每日决定', '处理时长（分钟）', '当前积压（按等待时长）', 'APP-2', 'FACE_NOT_SAME_PERSON', '共 2 行']) {
      expect(text).toContain(expected);
    }
  });

  it('counts an approval a supervisor overruled by its final outcome (rejected), and says so', async () => {
    // Approving against the institution's automatic rejection needs a second person.
    ingest({ ...grey('APP-1', li), riskResult: 'reject' });
    ingest({ ...grey('APP-2', zhang, { birthDate: '1999-01-10' }), riskResult: 'reject' });
    clock.advance(10 * minute);
    const overruled = await decideNext('approve', 5);
    const waiting = await decideNext('approve', 5);
    const supervisor2 = await operatorContext(backend, 'qian', 'supervisor');
    const shown = await call<{ task: { evidenceHash: string } }>('review:task', { taskId: overruled }, supervisor2);
    await call('review:second-decision', { taskId: overruled, decision: 'overrule', reasonCode: 'LIVENESS_SPOOF', evidenceHash: shown.task.evidenceHash }, supervisor2);

    const report = await call<ReviewOperationsReport>('reports:review-operations', day, supervisor);
    expect(report.totals).toMatchObject({ decided: 2, approve: 0, reject: 1, withoutOutcome: 1 });
    expect(report.byReviewer).toEqual([expect.objectContaining({ name: 'wang', decided: 2, approve: 0, reject: 1, withoutOutcome: 1 })]);
    expect(report.fourEyes).toMatchObject({ overruled: 1, awaiting: 1 });
    expect(waiting).not.toBe(overruled);

    const started = await call<ExportSummary>('reports:export', { report: 'review-operations', filter: day, format: 'xlsx' }, supervisor);
    await backend.services.exports.settled(started.id);
    const path = backend.db.$client.prepare('SELECT file_path AS path FROM exports WHERE id = ?').get(started.id) as { path: string };
    const workbook = await readWorkbook(path.path);
    const decisions = workbook.worksheets[0] as ExcelJS.Worksheet;
    const header = (decisions.getRow(1).values as unknown[]).slice(1);
    const column = (name: string) => header.indexOf(name) + 1;
    // The first decision said approve; what it came to is a rejection, with the code for programs.
    expect([2, 3].map((row) => [decisions.getCell(row, column('决定')).value, decisions.getCell(row, column('最终结果')).value, decisions.getCell(row, column('最终结果代码')).value])).toEqual([
      ['通过', '拒绝', 'reject'],
      ['通过', '待复审', 'pending'],
    ]);
    const byReviewer = workbook.getWorksheet('按审核员') as ExcelJS.Worksheet;
    const reviewerHeader = (byReviewer.getRow(1).values as unknown[]).slice(1);
    expect(byReviewer.getCell(2, reviewerHeader.indexOf('通过') + 1).value).toBe(0);
    expect(byReviewer.getCell(2, reviewerHeader.indexOf('拒绝') + 1).value).toBe(1);
    const about = (workbook.getWorksheet('报告信息') as ExcelJS.Worksheet).getSheetValues().flat().map(String).join('|');
    expect(about).toContain('被复审推翻的通过计为拒绝');
  });

  it('reads a date range of decisions and tasks through their time indexes (EXPLAIN QUERY PLAN)', () => {
    const plan = (sql: string) => (backend.db.$client.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as Array<{ detail: string }>).map((row) => row.detail).join(' | ');
    expect(plan("SELECT id FROM review_decisions d WHERE d.decided_at >= 0 AND d.decided_at < 1 AND d.stage IN ('single', 'first')")).toContain('review_decisions_decided_idx');
    expect(plan('SELECT count(*) FROM review_tasks t WHERE t.created_at >= 0 AND t.created_at < 1')).toContain('review_tasks_created_idx');
    expect(plan('SELECT count(*) FROM application_funnel f WHERE f.applied_at >= 0 AND f.applied_at < 1')).toContain('application_funnel_applied_idx');
  });

  it('is for supervisors: a reviewer may neither view nor export it', async () => {
    expect(await backend.router.call('reports:review-operations', day, reviewer)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await backend.router.call('reports:export', { report: 'review-operations', filter: day, format: 'csv' }, reviewer)).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await backend.router.call('reports:review-operations', { from: '2026-11-26', to: '2026-11-25' }, supervisor)).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION' },
    });
  });
});

describe('authentication funnel', () => {
  it('shows per product how many complete each item and where they drop', async () => {
    ingest(grey('APP-1', li));
    ingest(grey('APP-2', zhang, { birthDate: '1999-01-10' }));
    ingest({ externalId: 'APP-3', status: 'ABANDONED' }, (record) => {
      record.abandoned_at_item = 'liveness';
      record.submitted_at = null;
      for (const item of ['liveness', 'face_compare'] as const) {
        record.authentication[item] = { status: 'not_started', completed_at: null, valid_until: null, reused_from_application_id: null, result: null };
      }
    });
    const report = await call<AuthFunnelReport>('reports:auth-funnel', day, supervisor);
    expect(report.products).toHaveLength(1);
    const product = report.products[0] as AuthFunnelReport['products'][number];
    expect(product).toMatchObject({ institutionId, productCode: 'CASH-12', applications: 3, abandoned: 1, submitted: 2 });
    expect(product.steps.map((step) => step.item)).toEqual(['real_name', 'carrier', 'personal_info', 'contacts', 'id_card_ocr', 'liveness', 'face_compare']);
    expect(product.steps.find((step) => step.item === 'id_card_ocr')).toMatchObject({ completed: 3, droppedHere: 0 });
    expect(product.steps.find((step) => step.item === 'liveness')).toMatchObject({ completed: 2, droppedHere: 1 });

    const started = await call<ExportSummary>('reports:export', { report: 'auth-funnel', filter: day, format: 'csv' }, supervisor);
    await backend.services.exports.settled(started.id);
    const path = backend.db.$client.prepare('SELECT file_path AS path FROM exports WHERE id = ?').get(started.id) as { path: string };
    const lines = readFileSync(path.path, 'utf8').split('\r\n');
    expect(lines[0]).toBe('\uFEFF机构,产品,步骤,认证项,申请数,完成,完成率,失败,在此放弃,放弃率');
    expect(lines[6]).toBe('HNXD 消费金融,CASH-12,6,活体检测,3,2,66.67%,0,1,33.33%');
  });
});

describe('portfolio report', () => {
  it('lists the overdue and flagged loans behind the figures, masking names in exports', async () => {
    const borrowerId = insertBorrower(backend.db, { idNumber: '430302199312194239', name: '欧阳娜娜', phone: '13800000009', platformUserId: 'U-9' });
    insertOrderRow(backend.db, { institutionId, externalId: 'L-OK', outstandingPrincipalFen: 500_000, aprFlag: 'ok', planState: 'booked' });
    insertOrderRow(backend.db, { institutionId, externalId: 'L-LATE', borrowerId, status: 'OVERDUE', dpd: 45, bucket: 'M2', outstandingPrincipalFen: 800_000, aprFlag: 'ok', planState: 'booked' });
    insertOrderRow(backend.db, { institutionId, externalId: 'L-APR', outstandingPrincipalFen: 300_000, aprFlag: 'non_compliant', aprNominalBps: 4200, planState: 'booked' });
    const report = await call<PortfolioReport>('reports:portfolio', day, supervisor);
    expect(report.flaggedTotal).toBe(2);
    expect(report.flaggedLoans.map((loan) => loan.externalId)).toEqual(['L-APR', 'L-LATE']);
    expect(report.compliance.aprNonCompliant).toBe(1);
    expect(report.par.par30.ratio).toBeCloseTo(800_000 / 1_600_000, 6);

    const started = await call<ExportSummary>('reports:export', { report: 'portfolio', filter: day, format: 'csv' }, supervisor);
    await backend.services.exports.settled(started.id);
    const path = backend.db.$client.prepare('SELECT file_path AS path FROM exports WHERE id = ?').get(started.id) as { path: string };
    const text = readFileSync(path.path, 'utf8');
    // Statuses and flags in Chinese, each code kept in its own column for programs.
    expect(text.split('\r\n')[0]).toBe(
      '\uFEFF借据号,机构,产品,借款人,状态,状态代码,放款时间,本金(元),剩余本金(元),逾期天数,逾期阶段,年化利率,利率合规,利率合规代码,还款计划,还款计划代码,计划不一致',
    );
    expect(text).toContain('L-LATE,HNXD 消费金融,P1,欧***,已逾期,OVERDUE,');
    expect(text).not.toContain('欧阳娜娜');
    expect(text).toContain('L-APR,HNXD 消费金融,P1,,还款中,REPAYING,');
    expect(text).toContain('42.00%,不合规,non_compliant,已入账,booked,否');
  });

  it('prints each figure as its kind in XLSX and PDF: counts whole, yuan with 2 decimals, ratios as percentages', async () => {
    insertOrderRow(backend.db, { institutionId, externalId: 'LO2026020200001', outstandingPrincipalFen: 650_309_053, aprFlag: 'ok', planState: 'booked' });
    insertOrderRow(backend.db, { institutionId, externalId: 'LO2026020200002', status: 'OVERDUE', dpd: 45, bucket: 'M2', outstandingPrincipalFen: 64_171_347, aprFlag: 'ok', planState: 'missing' });
    const report = await call<PortfolioReport>('reports:portfolio', day, supervisor);
    expect(report.par.par30.ratio).toBeCloseTo(64_171_347 / 714_480_400, 6);

    const exported = async (format: 'xlsx' | 'pdf') => {
      const started = await call<ExportSummary>('reports:export', { report: 'portfolio', filter: day, format }, supervisor);
      await backend.services.exports.settled(started.id);
      return (backend.db.$client.prepare('SELECT file_path AS path FROM exports WHERE id = ?').get(started.id) as { path: string }).path;
    };
    const workbook = await readWorkbook(await exported('xlsx'));
    const figures = workbook.getWorksheet('风险与合规') as ExcelJS.Worksheet;
    const figure = (label: string) => {
      const row = figures.getColumn(1).values.indexOf(label);
      const cell = figures.getCell(row, 2);
      return [cell.type, cell.value, cell.numFmt];
    };
    expect(figure('PAR30')).toEqual([ExcelJS.ValueType.Number, report.par.par30.ratio, '0.00%']);
    expect(figure('在贷笔数')).toEqual([ExcelJS.ValueType.Number, 2, '#,##0']);
    expect(figure('在贷本金(元)')).toEqual([ExcelJS.ValueType.Number, 7_144_804, '#,##0.00']);
    expect(figure('逾期笔数')).toEqual([ExcelJS.ValueType.Number, 1, '#,##0']);
    const loans = workbook.worksheets[0] as ExcelJS.Worksheet;
    expect((loans.getRow(2).values as unknown[]).slice(1, 7)).toEqual(['LO2026020200002', 'HNXD 消费金融', 'P1', undefined, '已逾期', 'OVERDUE']);

    const pdf = (await readPdfPages(await exported('pdf'))).join('\n');
    expect(pdf).toMatch(/PAR30\s+8\.98%/);
    expect(pdf).toMatch(/在贷笔数\s+2(?![.\d])/);
    expect(pdf).toMatch(/在贷本金\(元\)\s+7,144,804\.00/);
    expect(pdf).toContain('LO2026020200002');
    expect(pdf).toContain('已逾期');
    expect(pdf).toContain('机构未提供');
    expect(pdf).not.toContain('OVERDUE');
  });
});
