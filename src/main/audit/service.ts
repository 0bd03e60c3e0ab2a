import type { AuditEntry, AuditFilterInput, AuditVerification } from '../../shared/contracts/audit';
import { addDays, shanghaiStartOfDay } from '../../shared/time';
import type { Db } from '../db/connection';
import type { AuditRow } from '../db/schema';
import type { ExportColumn, ExportDocument } from '../exports/model';
import { keysetRows, mapRows } from '../exports/paging';
import type { ExportBuildContext, ExportSource } from '../exports/service';
import { countAudit, countAuditByAction, latestAuditId, listAudit, listAuditActions, type AuditCursor, type AuditFilter, type AuditKey } from '../repositories/audit';
import { verifyAuditChain } from './verify';

/** The browser's date filter (Shanghai calendar days, inclusive) as an instant range. */
export function auditFilterOf(input: AuditFilterInput): AuditFilter {
  return {
    operator: input.operator,
    action: input.action,
    targetType: input.targetType,
    targetId: input.targetId,
    fromAt: input.from ? shanghaiStartOfDay(input.from) : undefined,
    toAt: input.to ? shanghaiStartOfDay(addDays(input.to, 1)) : undefined,
  };
}

function parseDetails(details: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(details);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : { value: parsed };
  } catch {
    // A row edited behind SQLite's back may hold anything; show it rather than fail the page.
    return { unparsable: details };
  }
}

function entryOf(row: AuditRow): AuditEntry {
  return {
    id: row.id,
    at: row.at,
    operatorId: row.operatorId,
    operatorName: row.operatorName,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    details: parseDetails(row.details),
    hash: row.hash,
  };
}

export interface AuditBrowser {
  list(input: { filter: AuditFilterInput; after?: AuditCursor; limit: number }): { entries: AuditEntry[]; next: AuditCursor | null; total: number };
  actions(): string[];
  verify(): AuditVerification;
  /** The audit log as an export source (CSV/XLSX/PDF). */
  exportSource: ExportSource<AuditFilterInput>;
}

function text(locale: ExportBuildContext['locale']) {
  return locale === 'en'
    ? {
        title: 'Audit log',
        entries: 'Entries',
        byAction: 'Entries by action',
        columns: ['ID', 'Time', 'Operator', 'Action', 'Target type', 'Target', 'Details', 'Hash'],
        count: 'Entries',
        action: 'Action',
        dates: 'Dates',
        operator: 'Operator',
        target: 'Target',
        all: 'All',
        allDates: 'All dates',
        system: '(system)',
      }
    : {
        title: '审计日志',
        entries: '日志明细',
        byAction: '按操作统计',
        columns: ['编号', '时间', '操作员', '操作', '对象类型', '对象', '详情', '哈希'],
        count: '条数',
        action: '操作',
        dates: '日期',
        operator: '操作员',
        target: '对象',
        all: '全部',
        allDates: '全部日期',
        system: '（系统）',
      };
}

/** Browsing, verifying and exporting the audit log (all read-only). */
export function createAuditBrowser(db: Db, key: AuditKey): AuditBrowser {
  return {
    list({ filter, after, limit }) {
      const repositoryFilter = auditFilterOf(filter);
      const rows = listAudit(db, repositoryFilter, limit + 1, after);
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return {
        entries: page.map(entryOf),
        next: rows.length > limit && last ? { at: last.at, id: last.id } : null,
        total: countAudit(db, repositoryFilter),
      };
    },

    actions() {
      return listAuditActions(db);
    },

    verify() {
      return verifyAuditChain(db, { key });
    },

    exportSource: {
      kind: 'audit',
      permission: 'audit:view',
      fileStem(filter) {
        return ['audit-log', filter.from ?? 'start', filter.to ?? 'now'].join('_');
      },
      describe(filter) {
        return { ...filter };
      },
      build(database: Db, filter: AuditFilterInput, context: ExportBuildContext): ExportDocument {
        const words = text(context.locale);
        const repositoryFilter = { ...auditFilterOf(filter), upToId: latestAuditId(database) };
        const total = countAudit(database, repositoryFilter);
        const byAction = countAuditByAction(database, repositoryFilter);
        const headers = words.columns;
        const columns: ExportColumn[] = [
          { key: 'id', header: headers[0] as string, kind: 'integer', width: 9 },
          { key: 'at', header: headers[1] as string, kind: 'instant', width: 19 },
          { key: 'operator', header: headers[2] as string, kind: 'text', width: 12 },
          { key: 'action', header: headers[3] as string, kind: 'text', width: 22 },
          { key: 'targetType', header: headers[4] as string, kind: 'text', width: 12 },
          { key: 'targetId', header: headers[5] as string, kind: 'text', width: 12 },
          { key: 'details', header: headers[6] as string, kind: 'text', width: 48 },
          { key: 'hash', header: headers[7] as string, kind: 'text', width: 18 },
        ];
        const rows = mapRows(
          keysetRows(
            (after: AuditCursor | undefined, limit) => listAudit(database, repositoryFilter, limit, after),
            (last) => ({ at: last.at, id: last.id }),
          ),
          (row) => [row.id, row.at, row.operatorName ?? words.system, row.action, row.targetType, row.targetId, row.details, row.hash],
        );
        const dates = filter.from || filter.to ? `${filter.from ?? '…'} – ${filter.to ?? '…'}` : words.allDates;
        const target = filter.targetType ? `${filter.targetType}${filter.targetId ? ` #${filter.targetId}` : ''}` : words.all;
        const top = byAction.slice(0, 12);
        return {
          title: words.title,
          filters: [
            { label: words.dates, value: dates },
            { label: words.operator, value: filter.operator ?? words.all },
            { label: words.action, value: filter.action ?? words.all },
            { label: words.target, value: target },
          ],
          generatedAt: context.generatedAt,
          generatedBy: context.generatedBy,
          locale: context.locale,
          masked: context.masked,
          charts: [
            {
              kind: 'bar',
              title: words.byAction,
              categories: top.map((entry) => entry.action),
              series: [{ name: words.count, values: top.map((entry) => entry.count) }],
              valueFormat: 'integer',
            },
          ],
          summaries: [
            {
              title: words.byAction,
              columns: [
                { key: 'action', header: words.action, kind: 'text', width: 28 },
                { key: 'count', header: words.count, kind: 'integer', width: 10 },
              ],
              rows: byAction.map((entry) => [entry.action, entry.count]),
            },
          ],
          main: { title: words.entries, columns, rows, totalRows: total },
        };
      },
    },
  };
}
