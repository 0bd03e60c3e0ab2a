import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { AuditVerification } from '../../../shared/contracts/audit';
import { loadAuditKey } from '../../audit/key';
import { verifyAuditChain } from '../../audit/verify';
import { findMigrationsFolder, openDatabase } from '../../db/connection';
import { auditHead, formatAuditHead, parseAuditHead, type AuditHead } from '../../repositories/audit';
import { dataPaths } from '../../runtime/paths';
import { UsageError, type CliCommand } from '../command';
import { isTerminal } from './backup';
import { resolveDataDir, write } from '../options';

const usage = `Usage: creditdesk audit verify [--expect-head ID:HASH] [--data-dir DIR] [--json]
       creditdesk audit head [--data-dir DIR] [--json]

verify walks the audit log's chain from the first entry, recomputing every entry's keyed hash
(HMAC-SHA256 with keys/audit-chain.key; entries written before the key existed are checked with
plain SHA-256 up to the "key introduced" entry), and checks the log as a whole: ids 1..N without
gaps, SQLite's sequence at N, not empty. It reports the first entry whose link does not hold.
With --expect-head ID:HASH (a head printed earlier by "audit head", a backup, or the daily log's
"audit head" lines) it also fails when that entry is gone (the log was shortened) or changed.

head prints the newest entry as ID:HASH: keep it somewhere else (a ticket, a backup, a mail) to
check the log against later. Both are safe while CreditDesk runs (read-only).

Options:
  --expect-head ID:HASH   the entry ID must still exist with this hash
  --data-dir DIR          data folder (default: the OS's per-user app data folder)
  --json                  machine-readable result
  --help                  show this help

Exit codes: 0 the chain holds, 1 tampering detected or no database, 2 bad arguments.`;

const reasons: Record<NonNullable<AuditVerification['broken']>['reason'], string> = {
  'hash-mismatch': 'its content does not match its hash (the entry was edited, or written without the audit key)',
  'previous-hash-mismatch': 'it does not follow the entry before it (an earlier entry was removed, inserted or rewritten)',
  'sequence-gap': 'the ids before it are not contiguous (entries were removed)',
  'sequence-mismatch': 'SQLite has handed out ids past it (entries after it were removed)',
  empty: 'the log has no entries at all',
  unkeyed: 'the log has no "audit key introduced" entry, so nothing in it is keyed (start CreditDesk once to key it)',
  'key-missing': 'the audit key file (keys/audit-chain.key) is missing, so keyed entries cannot be checked',
  'key-mismatch': 'the audit key file is not the one this log was written with',
  'head-mismatch': 'the expected head is gone or changed (the log was shortened or rewritten)',
};

function describe(result: AuditVerification): string {
  const broken = result.broken;
  if (!broken) return '';
  const at = broken.id > 0 ? ` at entry #${broken.id}` : '';
  return `Audit chain BROKEN${at}: ${reasons[broken.reason]}. ${Math.max(0, result.checked - 1).toLocaleString('en-US')} entries before it verified.`;
}

export const auditCommand: CliCommand = {
  name: 'audit',
  opensDataFolder: true,
  summary: 'Check the audit log (verify: walk the keyed chain; head: print the newest ID:HASH)',
  usage,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      options: { 'data-dir': { type: 'string' }, json: { type: 'boolean', default: false }, 'expect-head': { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
    const [action, ...extra] = positionals;
    if (action !== 'verify' && action !== 'head') throw new UsageError(action ? `Unknown action “${action}”; use verify or head.` : 'Name an action: verify or head.');
    if (extra.length > 0) throw new UsageError(`Unexpected argument “${extra[0]}”.`);
    let expectHead: AuditHead | undefined;
    if (values['expect-head'] !== undefined) {
      if (action !== 'verify') throw new UsageError('--expect-head goes with verify.');
      expectHead = parseAuditHead(values['expect-head']) ?? undefined;
      if (!expectHead) throw new UsageError('--expect-head takes ID:HASH (an entry id, a colon, 64 hex digits).');
    }
    const paths = dataPaths(resolveDataDir(values['data-dir'], io.env));
    if (!existsSync(paths.database)) {
      write(io.stderr, `No CreditDesk database at ${paths.database}.`);
      return 1;
    }
    const db = openDatabase({ file: paths.database, migrationsFolder: findMigrationsFolder(), readonly: true });
    try {
      if (action === 'head') {
        const head = auditHead(db);
        if (values.json) write(io.stdout, JSON.stringify({ head }));
        else if (head) write(io.stdout, formatAuditHead(head));
        else write(io.stderr, 'The audit log is empty.');
        return head ? 0 : 1;
      }
      const key = loadAuditKey(paths.keys, { create: false });
      const result = verifyAuditChain(db, {
        key,
        expectHead,
        onProgress: (checked) => {
          if (!values.json && isTerminal(io.stderr)) io.stderr.write(`\rchecked ${checked.toLocaleString('en-US')} entries…`);
        },
      });
      if (values.json) {
        write(io.stdout, JSON.stringify(result));
      } else if (result.ok && result.head) {
        const unkeyed = (result.keyedFrom ?? 1) - 1;
        write(
          io.stdout,
          `Audit chain intact: ${result.checked.toLocaleString('en-US')} entries` +
            (unkeyed > 0 ? ` (the first ${unkeyed.toLocaleString('en-US')} from before the audit key, checked unkeyed)` : '') +
            `${expectHead ? ', expected head present' : ''}; head ${formatAuditHead(result.head)}.`,
        );
      } else {
        write(io.stderr, describe(result));
      }
      return result.ok ? 0 : 1;
    } finally {
      db.$client.close();
    }
  },
};
