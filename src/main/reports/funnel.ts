import { authItemNameSchema } from '../../shared/institution-api/applications';
import type { AuthFunnelReport, ReportFilter } from '../../shared/contracts/reports';
import type { Db } from '../db/connection';
import type { ExportColumn, ExportDocument, ExportValue } from '../exports/model';
import type { ExportBuildContext } from '../exports/service';
import { pick, word } from './labels';
import { funnelCounts, institutionNames } from '../repositories/reports';
import { scopeOf } from './scope';

/** Bit i of application_funnel's masks is item i here (the migration's triggers use this order). */
export const authItemNames = authItemNameSchema.options;

function requiredOrder(json: string): string[] {
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? parsed.filter((item): item is string => typeof item === 'string' && authItemNames.includes(item as never)) : [];
  } catch {
    return [];
  }
}

/**
 * The authentication funnel of applications made in the range, per institution and product: for
 * each item the product asks for (in collection order), how many completed or failed it and how
 * many borrowers gave up there.
 */
export function buildAuthFunnel(db: Db, filter: ReportFilter, now: number): AuthFunnelReport {
  const names = new Map(institutionNames(db).map((institution) => [institution.id, institution.name]));
  const rows = funnelCounts(db, scopeOf(filter), authItemNames);
  return {
    asOf: now,
    items: [...authItemNames],
    products: rows.map((row) => {
      const institutionId = Number(row.institutionId);
      return {
        institutionId,
        institutionName: names.get(institutionId) ?? `#${institutionId}`,
        productCode: String(row.productCode),
        applications: Number(row.applications),
        submitted: Number(row.submitted ?? 0),
        abandoned: Number(row.abandoned ?? 0),
        steps: requiredOrder(String(row.requiredItems)).map((item) => {
          const index = authItemNames.indexOf(item as (typeof authItemNames)[number]);
          return { item, completed: Number(row[`c${index}`] ?? 0), failed: Number(row[`f${index}`] ?? 0), droppedHere: Number(row[`a${index}`] ?? 0) };
        }),
      };
    }),
  };
}

export function authFunnelDocument(db: Db, filter: ReportFilter, context: ExportBuildContext, report: AuthFunnelReport): ExportDocument {
  const { locale } = context;
  const institutionName = new Map(institutionNames(db).map((institution) => [institution.id, institution.name]));
  const columns: ExportColumn[] = [
    { key: 'institution', header: word(locale, 'institution'), kind: 'text', width: 16 },
    { key: 'product', header: pick(locale, '产品', 'Product'), kind: 'text', width: 14 },
    { key: 'step', header: pick(locale, '步骤', 'Step'), kind: 'integer', width: 6 },
    { key: 'item', header: pick(locale, '认证项', 'Item'), kind: 'text', width: 16 },
    { key: 'applications', header: pick(locale, '申请数', 'Applications'), kind: 'integer' },
    { key: 'completed', header: pick(locale, '完成', 'Completed'), kind: 'integer' },
    { key: 'completedShare', header: pick(locale, '完成率', 'Completed share'), kind: 'percent' },
    { key: 'failed', header: pick(locale, '失败', 'Failed'), kind: 'integer' },
    { key: 'dropped', header: pick(locale, '在此放弃', 'Dropped here'), kind: 'integer' },
    { key: 'droppedShare', header: pick(locale, '放弃率', 'Drop share'), kind: 'percent' },
  ];
  const rows: ExportValue[][] = report.products.flatMap((product) =>
    product.steps.map((step, index) => [
      product.institutionName,
      product.productCode,
      index + 1,
      word(locale, `item.${step.item}`),
      product.applications,
      step.completed,
      product.applications > 0 ? step.completed / product.applications : null,
      step.failed,
      step.droppedHere,
      product.applications > 0 ? step.droppedHere / product.applications : null,
    ]),
  );
  const charted = report.products.slice(0, 6);
  const chartItems = authItemNames.filter((item) => charted.some((product) => product.steps.some((step) => step.item === item)));
  return {
    title: pick(locale, '认证漏斗报告', 'Authentication funnel'),
    filters: [
      { label: word(locale, 'dates'), value: `${filter.from} – ${filter.to} (${pick(locale, '申请日期', 'application date')})` },
      { label: word(locale, 'institution'), value: filter.institutionId === undefined ? word(locale, 'all') : (institutionName.get(filter.institutionId) ?? `#${filter.institutionId}`) },
    ],
    generatedAt: context.generatedAt,
    generatedBy: context.generatedBy,
    locale,
    masked: context.masked,
    charts: [
      {
        kind: 'line',
        title: pick(locale, '各认证项完成率', 'Share completing each item'),
        categories: chartItems.map((item) => word(locale, `item.${item}`)),
        series: charted.map((product) => ({
          name: `${product.institutionName} ${product.productCode}`,
          values: chartItems.map((item) => {
            const step = product.steps.find((candidate) => candidate.item === item);
            return step && product.applications > 0 ? step.completed / product.applications : null;
          }),
        })),
        valueFormat: 'percent',
      },
      {
        kind: 'stacked-bar',
        title: pick(locale, '放弃位置', 'Where borrowers drop'),
        categories: charted.map((product) => `${product.institutionName} ${product.productCode}`),
        series: chartItems.map((item) => ({
          name: word(locale, `item.${item}`),
          values: charted.map((product) => product.steps.find((step) => step.item === item)?.droppedHere ?? 0),
        })),
        valueFormat: 'integer',
      },
    ],
    summaries: [
      {
        title: pick(locale, '按产品', 'By product'),
        columns: [
          { key: 'institution', header: word(locale, 'institution'), kind: 'text', width: 16 },
          { key: 'product', header: pick(locale, '产品', 'Product'), kind: 'text', width: 14 },
          { key: 'applications', header: pick(locale, '申请数', 'Applications'), kind: 'integer' },
          { key: 'submitted', header: pick(locale, '提交风控', 'Submitted'), kind: 'integer' },
          { key: 'submittedShare', header: pick(locale, '提交率', 'Submitted share'), kind: 'percent' },
          { key: 'abandoned', header: pick(locale, '放弃', 'Abandoned'), kind: 'integer' },
        ],
        rows: report.products.map((product) => [
          product.institutionName,
          product.productCode,
          product.applications,
          product.submitted,
          product.applications > 0 ? product.submitted / product.applications : null,
          product.abandoned,
        ]),
      },
    ],
    main: { title: pick(locale, '漏斗明细', 'Funnel steps'), columns, rows, totalRows: rows.length },
  };
}
