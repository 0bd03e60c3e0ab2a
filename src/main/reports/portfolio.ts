import { bucketChartColor, rollChartColor } from '../../shared/chart-colors';
import type { PortfolioReport, ReportFilter } from '../../shared/contracts/reports';
import { shanghaiDateTime } from '../../shared/time';
import type { Db } from '../db/connection';
import type { ExportColumn, ExportColumnKind, ExportDocument, ExportValue } from '../exports/model';
import { keysetRows, mapRows } from '../exports/paging';
import type { ExportBuildContext } from '../exports/service';
import type { PortfolioService } from '../portfolio/service';
import { pick, word } from './labels';
import { countFlaggedLoans, flaggedLoanPage, institutionNames } from '../repositories/reports';

const buckets = ['M0', 'M1', 'M2', 'M3', 'M3+'] as const;
const screenLoans = 100;

/**
 * The portfolio report, from the portfolio dashboards' own figures (so the report and the
 * dashboards never disagree): current buckets, PAR, overdue amounts and compliance for the
 * institution; roll rates and line utilisation within the date range; the flagged loans behind it.
 */
export function buildPortfolioReport(db: Db, portfolio: PortfolioService, filter: ReportFilter): PortfolioReport {
  const scope = filter.institutionId === undefined ? {} : { institutionId: filter.institutionId };
  const loans = portfolio.loansDashboard(scope);
  const lines = portfolio.linesDashboard(scope);
  const inRange = (date: string) => date >= filter.from && date <= filter.to;
  const lineTotals = lines.totals.reduce(
    (sum, row) => ({ lineCount: sum.lineCount + row.lineCount, limitFen: sum.limitFen + row.limitFen, usedFen: sum.usedFen + row.usedFen }),
    { lineCount: 0, limitFen: 0, usedFen: 0 },
  );
  return {
    asOf: loans.asOf,
    institutions: loans.institutions,
    bucketsByInstitution: loans.bucketsByInstitution,
    open: loans.open,
    overdue: loans.overdue,
    par: loans.par,
    rollRates: loans.rollRates.filter((row) => inRange(row.monthEnd)),
    rollRateMinimumCohortLoans: loans.rollRateMinimumCohortLoans,
    utilisation: lines.utilisation.filter((row) => inRange(row.date)).map((row) => ({ date: row.date, limitFen: row.limitFen, usedFen: row.usedFen })),
    lines: lineTotals,
    compliance: {
      disbursedCount: loans.compliance.disbursedCount,
      aprWarning: loans.compliance.aprWarning,
      aprNonCompliant: loans.compliance.aprNonCompliant,
      planMissing: loans.compliance.planMissing,
      planMismatch: loans.compliance.planMismatch,
    },
    flaggedLoans: flaggedLoanPage(db, filter.institutionId, undefined, screenLoans).map((loan) => ({
      id: loan.id,
      institutionId: loan.institutionId,
      externalId: loan.externalId,
      productCode: loan.productCode,
      status: loan.status,
      principalFen: loan.principalFen,
      outstandingPrincipalFen: loan.outstandingPrincipalFen,
      dpd: loan.dpd,
      bucket: loan.bucket,
      aprNominalBps: loan.aprNominalBps,
      aprFlag: loan.aprFlag,
      planState: loan.planState,
      planMismatch: loan.planMismatch === 1,
    })),
    flaggedTotal: countFlaggedLoans(db, filter.institutionId),
  };
}

export function portfolioDocument(db: Db, filter: ReportFilter, context: ExportBuildContext, report: PortfolioReport): ExportDocument {
  const { locale } = context;
  const institutionName = new Map(institutionNames(db).map((institution) => [institution.id, institution.name]));
  const nameOf = (id: number) => institutionName.get(id) ?? `#${id}`;
  const institutionIds = [...new Set(report.bucketsByInstitution.map((row) => row.institutionId))];
  // Statuses and flags in words for people, with the code beside them for programs (CSV, XLSX).
  const columns: ExportColumn[] = [
    { key: 'loan', header: pick(locale, '借据号', 'Loan'), kind: 'text', width: 16, identifier: true },
    { key: 'institution', header: word(locale, 'institution'), kind: 'text', width: 14 },
    { key: 'product', header: pick(locale, '产品', 'Product'), kind: 'text', width: 12, identifier: true },
    { key: 'borrower', header: pick(locale, '借款人', 'Borrower'), kind: 'text', width: 10, personal: 'name' },
    { key: 'status', header: pick(locale, '状态', 'Status'), kind: 'text', width: 10 },
    { key: 'statusCode', header: pick(locale, '状态代码', 'Status code'), kind: 'text', width: 12, forMachines: true },
    { key: 'disbursedAt', header: pick(locale, '放款时间', 'Disbursed'), kind: 'instant' },
    { key: 'principal', header: pick(locale, '本金(元)', 'Principal (CNY)'), kind: 'money' },
    { key: 'outstanding', header: pick(locale, '剩余本金(元)', 'Outstanding (CNY)'), kind: 'money' },
    { key: 'dpd', header: pick(locale, '逾期天数', 'DPD'), kind: 'integer', width: 6 },
    { key: 'bucket', header: pick(locale, '逾期阶段', 'Bucket'), kind: 'text', width: 7 },
    { key: 'apr', header: pick(locale, '年化利率', 'APR'), kind: 'percent', width: 9 },
    { key: 'aprFlag', header: pick(locale, '利率合规', 'APR flag'), kind: 'text', width: 10 },
    { key: 'aprFlagCode', header: pick(locale, '利率合规代码', 'APR flag code'), kind: 'text', width: 12, forMachines: true },
    { key: 'plan', header: pick(locale, '还款计划', 'Plan'), kind: 'text', width: 9 },
    { key: 'planCode', header: pick(locale, '还款计划代码', 'Plan code'), kind: 'text', width: 10, forMachines: true },
    { key: 'mismatch', header: pick(locale, '计划不一致', 'Plan mismatch'), kind: 'text', width: 9 },
  ];
  const yes = pick(locale, '是', 'yes');
  const no = pick(locale, '否', 'no');
  const percent = (ratio: { ratio: number }) => ratio.ratio;
  // Each figure as what it is: a ratio as a percentage, a count whole, an amount in yuan from fen.
  const figures: Array<[string, ExportValue, ExportColumnKind]> = [
    ['PAR30', report.par.par30.ratio, 'percent'],
    ['PAR60', report.par.par60.ratio, 'percent'],
    ['PAR90', report.par.par90.ratio, 'percent'],
    [pick(locale, '在贷笔数', 'Open loans'), report.open.loanCount, 'integer'],
    [pick(locale, '在贷本金(元)', 'Open principal (CNY)'), report.open.outstandingPrincipalFen, 'money'],
    [pick(locale, '逾期笔数', 'Overdue loans'), report.overdue.loanCount, 'integer'],
    [pick(locale, '逾期本金(元)', 'Overdue principal (CNY)'), report.overdue.principalFen, 'money'],
    [pick(locale, '额度使用率', 'Line utilisation'), report.lines.limitFen > 0 ? report.lines.usedFen / report.lines.limitFen : null, 'percent'],
    [pick(locale, '利率预警(>24%)', 'APR warning (>24%)'), report.compliance.aprWarning, 'integer'],
    [pick(locale, '利率违规(>36%)', 'APR non-compliant (>36%)'), report.compliance.aprNonCompliant, 'integer'],
    [pick(locale, '缺少还款计划', 'Plan missing'), report.compliance.planMissing, 'integer'],
    [pick(locale, '计划不一致', 'Plan mismatch'), report.compliance.planMismatch, 'integer'],
  ];
  return {
    title: pick(locale, '资产组合报告', 'Portfolio'),
    filters: [
      { label: word(locale, 'dates'), value: `${filter.from} – ${filter.to} (${pick(locale, '迁徙率与额度使用', 'roll rates and utilisation')})` },
      { label: word(locale, 'institution'), value: filter.institutionId === undefined ? word(locale, 'all') : nameOf(filter.institutionId) },
      { label: word(locale, 'asOf'), value: shanghaiDateTime(report.asOf).slice(0, 16) },
    ],
    generatedAt: context.generatedAt,
    generatedBy: context.generatedBy,
    locale,
    masked: context.masked,
    charts: [
      {
        kind: 'stacked-bar',
        title: pick(locale, '逾期阶段余额（按机构）', 'Balance by bucket and institution'),
        categories: institutionIds.map(nameOf),
        series: buckets.map((bucket) => ({
          name: bucket,
          color: bucketChartColor[bucket],
          values: institutionIds.map((id) => report.bucketsByInstitution.find((row) => row.institutionId === id && row.bucket === bucket)?.balanceFen ?? 0),
        })),
        valueFormat: 'money',
      },
      {
        kind: 'bar',
        title: 'PAR30 / PAR60 / PAR90',
        categories: ['PAR30', 'PAR60', 'PAR90'],
        series: [{ name: 'PAR', values: [percent(report.par.par30), percent(report.par.par60), percent(report.par.par90)], color: 'orange' }],
        valueFormat: 'percent',
      },
      {
        kind: 'line',
        title: pick(locale, '迁徙率', 'Roll rates'),
        categories: report.rollRates.map((row) => row.monthEnd.slice(0, 7)),
        series: [
          { name: 'C→M1', values: report.rollRates.map((row) => row.currentToM1.ratio), color: rollChartColor.currentToM1 },
          { name: 'M1→M2', values: report.rollRates.map((row) => row.m1ToM2.ratio), color: rollChartColor.m1ToM2 },
        ],
        valueFormat: 'percent',
      },
      {
        kind: 'line',
        title: pick(locale, '额度使用率', 'Line utilisation'),
        categories: report.utilisation.map((row) => row.date.slice(5)),
        series: [{ name: pick(locale, '使用率', 'Utilisation'), values: report.utilisation.map((row) => (row.limitFen > 0 ? row.usedFen / row.limitFen : null)), color: 'blue' }],
        valueFormat: 'percent',
      },
    ],
    summaries: [
      {
        title: pick(locale, '逾期阶段', 'Buckets'),
        columns: [
          { key: 'institution', header: word(locale, 'institution'), kind: 'text', width: 16 },
          { key: 'bucket', header: pick(locale, '阶段', 'Bucket'), kind: 'text', width: 7 },
          { key: 'loans', header: pick(locale, '笔数', 'Loans'), kind: 'integer' },
          { key: 'balance', header: pick(locale, '余额', 'Balance'), kind: 'money' },
        ],
        rows: report.bucketsByInstitution.map((row) => [nameOf(row.institutionId), row.bucket, row.loanCount, row.balanceFen]),
      },
      {
        title: pick(locale, '风险与合规', 'Risk and compliance'),
        columns: [
          { key: 'figure', header: pick(locale, '指标', 'Figure'), kind: 'text', width: 28 },
          { key: 'value', header: pick(locale, '数值', 'Value'), kind: 'decimal', width: 16 },
        ],
        rows: figures.map(([label, value]) => [label, value]),
        rowKinds: figures.map(([, , kind]) => kind),
      },
      {
        title: pick(locale, '迁徙率', 'Roll rates'),
        // Each rate beside its denominator: the balance it is a share of.
        columns: [
          { key: 'month', header: pick(locale, '月末', 'Month end'), kind: 'date' },
          { key: 'c1', header: 'C→M1', kind: 'percent' },
          { key: 'c1Base', header: pick(locale, '上月末正常余额(元)', 'Current last month end (CNY)'), kind: 'money', width: 18 },
          { key: 'm12', header: 'M1→M2', kind: 'percent' },
          { key: 'm12Base', header: pick(locale, '上月末M1余额(元)', 'M1 last month end (CNY)'), kind: 'money', width: 18 },
        ],
        rows: report.rollRates.map((row) => [row.monthEnd, row.currentToM1.ratio, row.currentToM1.denominatorFen, row.m1ToM2.ratio, row.m1ToM2.denominatorFen]),
      },
    ],
    main: {
      title: pick(locale, '逾期与合规借据', 'Overdue and flagged loans'),
      columns,
      totalRows: report.flaggedTotal,
      rows: mapRows(
        keysetRows(
          (before: number | undefined, limit) => flaggedLoanPage(db, filter.institutionId, before, limit),
          (last) => last.id,
        ),
        (loan): ExportValue[] => [
          loan.externalId,
          nameOf(loan.institutionId),
          loan.productCode,
          loan.borrowerName,
          word(locale, `status.${loan.status}`),
          loan.status,
          loan.disbursedAt,
          loan.principalFen,
          loan.outstandingPrincipalFen,
          loan.dpd,
          loan.bucket,
          loan.aprNominalBps === null ? null : loan.aprNominalBps / 10_000,
          word(locale, `aprFlag.${loan.aprFlag}`),
          loan.aprFlag,
          word(locale, `planState.${loan.planState}`),
          loan.planState,
          loan.planMismatch === 1 ? yes : no,
        ],
      ),
    },
  };
}
