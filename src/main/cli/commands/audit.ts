import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { verifyAuditChain } from '../../audit/verify';
import { findMigrationsFolder, openDatabase } from '../../db/connection';
import { dataPaths } from '../../runtime/paths';
import { UsageError, type CliCommand } from '../command';
import { isTerminal } from './backup';
import { resolveDataDir, write } from '../options';

const usage = `Usage: creditdesk audit verify [--data-dir DIR] [--json]

Walks the audit log's hash chain from the first entry, recomputing every entry's hash, and
reports the first entry whose link does not hold: its content was edited ("hash-mismatch"), or
an entry before it was removed, inserted or rewritten ("previous-hash-mismatch"). Safe while
CreditDesk runs (read-only). To export the log, use "creditdesk export audit".

Options:
  --data-dir DIR   data folder (default: the OS's per-user app data folder)
  --json           machine-readable result
  --help           show this help

Exit codes: 0 the chain holds, 1 tampering detected or no database, 2 bad arguments.`;

export const auditCommand: CliCommand = {
  name: 'audit',
  summary: 'Check the audit log (verify: walk the hash chain, name the first tampered entry)',
  usage,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      options: { 'data-dir': { type: 'string' }, json: { type: 'boolean', default: false } },
      allowPositionals: true,
      strict: true,
    });
    const [action, ...extra] = positionals;
    if (action !== 'verify') throw new UsageError(action ? `Unknown action “${action}”; the only action is verify.` : 'Name an action: verify.');
    if (extra.length > 0) throw new UsageError(`Unexpected argument “${extra[0]}”.`);
    const paths = dataPaths(resolveDataDir(values['data-dir'], io.env));
    if (!existsSync(paths.database)) {
      write(io.stderr, `No CreditDesk database at ${paths.database}.`);
      return 1;
    }
    const db = openDatabase({ file: paths.database, migrationsFolder: findMigrationsFolder(), readonly: true });
    try {
      const result = verifyAuditChain(db, (checked) => {
        if (!values.json && isTerminal(io.stderr)) io.stderr.write(`\rchecked ${checked.toLocaleString('en-US')} entries…`);
      });
      if (values.json) {
        write(io.stdout, JSON.stringify(result));
      } else if (result.ok) {
        write(io.stdout, `Audit chain intact: ${result.checked.toLocaleString('en-US')} entries, last hash ${result.lastHash}.`);
      } else if (result.broken) {
        const what =
          result.broken.reason === 'hash-mismatch'
            ? 'its content does not match its hash (the entry was edited)'
            : 'it does not follow the entry before it (an earlier entry was removed, inserted or rewritten)';
        write(io.stderr, `Audit chain BROKEN at entry #${result.broken.id}: ${what}. ${(result.checked - 1).toLocaleString('en-US')} entries before it verified.`);
      }
      return result.ok ? 0 : 1;
    } finally {
      db.$client.close();
    }
  },
};
