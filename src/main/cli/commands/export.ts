import { existsSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { auditFilterSchema } from '../../../shared/contracts/audit';
import { reportFilterSchema, type ReportId } from '../../../shared/contracts/reports';
import { exportFormatSchema } from '../../../shared/contracts/exports';
import { localeSchema } from '../../../shared/contracts/auth';
import { AppError } from '../../../shared/rpc/errors';
import { permissions } from '../../../shared/rpc/permissions';
import type { ExportRequester, ExportSource } from '../../exports/service';
import { institutionNames } from '../../repositories/reports';
import type { Backend } from '../../runtime/backend';
import { pdfDetailRowLimit } from '../../exports/pdf';
import { startCommandBackend } from '../backend';
import { UsageError, type CliCommand } from '../command';
import { cliOperatorName, write } from '../options';
import { isTerminal } from './backup';

interface ParsedValues {
  from?: string;
  to?: string;
  institution?: string[];
  operator?: string;
  action?: string;
}

const exportCacheKb = 4000;

/** One thing `creditdesk export` can write: how to check its filters, then find its source. */
interface ExportTarget {
  summary: string;
  /** Checks the filters before anything is opened; throws a UsageError. */
  check(values: ParsedValues): void;
  prepare(backend: Backend, values: ParsedValues): { source: ExportSource<unknown>; filters: unknown };
}

function parsed<T>(result: { success: true; data: T } | { success: false; error: { issues: Array<{ message: string; path: PropertyKey[] }> } }): T {
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new UsageError(issue ? `${issue.path.length > 0 ? `--${String(issue.path[0])}: ` : ''}${issue.message}` : 'Invalid filters.');
}

function reportTarget(id: ReportId, summary: string): ExportTarget {
  return {
    summary,
    check(values) {
      if (values.operator !== undefined || values.action !== undefined) throw new UsageError('--operator and --action filter the audit log only.');
      if (!values.from || !values.to) throw new UsageError('Reports need a date range: --from YYYY-MM-DD --to YYYY-MM-DD.');
      if (values.institution && values.institution.length > 1) throw new UsageError('Reports take one institution (or none for all).');
      parsed(reportFilterSchema.safeParse({ from: values.from, to: values.to }));
    },
    prepare(backend, values) {
      let institutionId: number | undefined;
      const code = values.institution?.[0];
      if (code !== undefined) {
        const found = institutionNames(backend.db).find((row) => row.code.toLowerCase() === code.toLowerCase());
        if (!found) throw new UsageError(`No institution with the code “${code}”.`);
        institutionId = found.id;
      }
      const filters = parsed(reportFilterSchema.safeParse({ from: values.from, to: values.to, institutionId }));
      return { source: backend.services.reports.source(id) as ExportSource<unknown>, filters };
    },
  };
}

function auditFilters(values: ParsedValues): unknown {
  if (values.institution && values.institution.length > 0) throw new UsageError('The audit log has no institution filter.');
  return parsed(auditFilterSchema.safeParse({ from: values.from, to: values.to, operator: values.operator, action: values.action }));
}

/** Every exportable thing, by the name the command takes. */
const targets: Record<string, ExportTarget> = {
  'review-operations': reportTarget('review-operations', 'tasks and decisions by queue, reviewer and day; the decisions (--from, --to, --institution)'),
  'auth-funnel': reportTarget('auth-funnel', 'authentication items completed and abandoned per institution and product'),
  portfolio: reportTarget('portfolio', 'buckets, PAR, roll rates, utilisation, compliance; the overdue and flagged loans'),
  audit: {
    summary: 'the audit log (filters: --from, --to, --operator NAME, --action ACTION or FAMILY.)',
    check(values) {
      auditFilters(values);
    },
    prepare(backend, values) {
      return { source: backend.services.audit.exportSource as ExportSource<unknown>, filters: auditFilters(values) };
    },
  },
};

function usage(): string {
  const width = Math.max(...Object.keys(targets).map((name) => name.length)) + 2;
  return `Usage: creditdesk export REPORT --format csv|xlsx|pdf --out FILE [filters] [options]

Writes a report or the audit log to FILE, streaming rows from the database (bounded memory at
any size). Personal data is masked unless --clear is given. Every export is recorded in the
audit log and the exports table with its filters and row count. A PDF prints at most
${pdfDetailRowLimit.toLocaleString('en-US')} detail rows and says how many it left out; CSV and XLSX carry every row.

The CLI checks no CreditDesk permission: it runs with the data folder's file permissions, so
whoever can read the data folder can export everything in it, personal data in clear included
(--clear). The audit entry names the operating-system user. Protect the data folder accordingly.

Reports:
${Object.entries(targets)
  .map(([name, target]) => `  ${name.padEnd(width)}${target.summary}`)
  .join('\n')}

Filters:
  --from YYYY-MM-DD        first day (Asia/Shanghai), inclusive
  --to YYYY-MM-DD          last day, inclusive
  --institution CODE       one institution, reports only (one value; default all)

Options:
  --format csv|xlsx|pdf    file format (required)
  --out FILE               where to write (required; --force to overwrite)
  --locale zh-CN|en        language of headers and titles (default zh-CN)
  --clear                  personal data in clear (handle the file accordingly)
  --json                   print the result as one JSON object
  --data-dir DIR           data folder (default: the OS's per-user app data folder)
  --help                   show this help

Exit codes: 0 written, 1 failed or cancelled (no file left behind), 2 bad arguments.`;
}

export const exportCommand: CliCommand = {
  name: 'export',
  opensDataFolder: true,
  summary: 'Export a report or the audit log to CSV, XLSX or PDF',
  get usage() {
    return usage();
  },
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      options: {
        format: { type: 'string' },
        out: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        institution: { type: 'string', multiple: true },
        operator: { type: 'string' },
        action: { type: 'string' },
        locale: { type: 'string', default: 'zh-CN' },
        clear: { type: 'boolean', default: false },
        force: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        'data-dir': { type: 'string' },
      },
      allowPositionals: true,
      strict: true,
    });
    const [name, ...extra] = positionals;
    if (!name) throw new UsageError(`Name what to export: ${Object.keys(targets).join(', ')}.`);
    const target = targets[name];
    if (!target) throw new UsageError(`Unknown report “${name}”; choose one of ${Object.keys(targets).join(', ')}.`);
    if (extra.length > 0) throw new UsageError(`Unexpected argument “${extra[0]}”.`);
    const format = exportFormatSchema.safeParse(values.format);
    if (!format.success) throw new UsageError('--format must be csv, xlsx or pdf.');
    const locale = localeSchema.safeParse(values.locale);
    if (!locale.success) throw new UsageError('--locale must be zh-CN or en.');
    if (!values.out) throw new UsageError('Say where to write the file: --out FILE.');
    const out = path.resolve(values.out);
    if (existsSync(out) && statSync(out).isDirectory()) throw new UsageError(`--out names the folder ${out}; give a file name in it.`);
    if (!existsSync(path.dirname(out))) throw new UsageError(`The folder ${path.dirname(out)} does not exist.`);
    if (existsSync(out) && !values.force) throw new UsageError(`${out} exists; add --force to overwrite it.`);
    if (values.institution && values.institution.some((value) => value.includes(','))) throw new UsageError('--institution takes one institution code.');
    const filterValues: ParsedValues = { from: values.from, to: values.to, institution: values.institution, operator: values.operator, action: values.action };
    target.check(filterValues);

    const backend = await startCommandBackend(io, values['data-dir'], { requireDatabase: true, logConsole: 'none' });
    // One pass over the rows, read once: the connection's 32 MB page cache (sized for the sync's
    // index pages, db/connection.ts) would only hold pages this command never reads again.
    backend.db.$client.pragma(`cache_size = -${exportCacheKb}`);
    try {
      const { source, filters } = target.prepare(backend, filterValues);
      const osUser = os.userInfo().username;
      // The CLI runs with the data folder's own file permissions: whoever can run it can read the
      // database, so it holds every permission; the audit entry names the OS user.
      const requester: ExportRequester = {
        id: null,
        username: cliOperatorName(),
        permissions: new Set(permissions),
        locale: locale.data,
        auditDetails: { via: 'cli', osUser },
      };
      const tty = isTerminal(io.stderr);
      let lastDrawn = 0;
      const summary = await backend.services.exports.run(requester, source, filters, { format: format.data, clear: values.clear }, {
        outPath: out,
        signal: io.shutdownSignal,
        onProgress(rows, total) {
          if (!tty || Date.now() - lastDrawn < 200) return;
          lastDrawn = Date.now();
          const share = total ? Math.min(1, rows / total) : null;
          const bar = share === null ? '' : `[${'#'.repeat(Math.round(share * 30)).padEnd(30, '.')}] ${Math.round(share * 100)}% `;
          io.stderr.write(`\r${bar}${rows.toLocaleString('en-US')}${total ? ` / ${total.toLocaleString('en-US')}` : ''} rows`);
        },
      });
      if (tty) io.stderr.write('\n');
      const leftOut = summary.totalRows !== null && summary.format === 'pdf' ? Math.max(0, summary.totalRows - summary.rowCount) : 0;
      if (values.json) {
        write(io.stdout, JSON.stringify({ ...summary, file: out, leftOut }));
        return summary.status === 'completed' ? 0 : 1;
      }
      if (summary.status === 'completed') {
        write(io.stdout, `Wrote ${summary.rowCount.toLocaleString('en-US')} rows to ${out} (${summary.format}, ${summary.masked ? 'personal data masked' : 'personal data in clear'}).`);
        if (leftOut > 0) {
          write(
            io.stdout,
            `The PDF prints the first ${summary.rowCount.toLocaleString('en-US')} of ${(summary.totalRows ?? 0).toLocaleString('en-US')} rows: ${leftOut.toLocaleString('en-US')} rows left out. Export CSV or XLSX for every row.`,
          );
        }
        return 0;
      }
      // The writer's words ("ENOSPC: no space left on device, write") name no file.
      write(io.stderr, summary.status === 'cancelled' ? `Export cancelled; nothing was written to ${out}.` : `Export to ${out} failed (${summary.error ?? 'unknown error'}); no file was left there.`);
      return 1;
    } catch (error) {
      if (error instanceof AppError) {
        write(io.stderr, error.message);
        return error.code === 'VALIDATION' ? 2 : 1;
      }
      throw error;
    } finally {
      await backend.close();
    }
  },
};
