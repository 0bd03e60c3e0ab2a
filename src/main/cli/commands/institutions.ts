import { parseArgs } from 'node:util';
import { institutionSecretSchema, type InstitutionSummary } from '../../../shared/contracts/institutions';
import { AppError } from '../../../shared/rpc/errors';
import type { Backend } from '../../runtime/backend';
import { startCommandBackend } from '../backend';
import { UsageError, type CliCommand, type CliIo } from '../command';
import { parsePositiveInteger, write } from '../options';
import { readSecret } from '../prompt';

const usage = `Usage: creditdesk institutions <action> [options]

Actions:
  list                         configured institutions and their sync state
  add CODE --name NAME --base-url URL --app-id ID [--interval SECONDS] [--disabled]
                               configure an institution; the secret is read from
                               $CREDITDESK_INSTITUTION_SECRET, a hidden prompt, or the first line of
                               stdin, stored encrypted and never shown again
  edit CODE [--name NAME] [--base-url URL] [--app-id ID] [--interval SECONDS] [--secret]
                               change settings; --secret replaces the secret (same sources as add)
  disable CODE                 stop syncing an institution (its data stays)
  enable CODE                  sync it again
  test CODE                    check reachability, the signature and the capabilities

Options:
  --data-dir DIR   data folder (default: the OS's per-user app data folder)
  --json           machine-readable output for list and test
  --help           show this help`;

async function secretFrom(io: CliIo): Promise<string> {
  const secret = io.env.CREDITDESK_INSTITUTION_SECRET ?? (await readSecret('Institution secret: '));
  const parsed = institutionSecretSchema.safeParse(secret);
  if (!parsed.success) throw new UsageError(parsed.error.issues[0]?.message ?? 'Invalid secret.');
  return parsed.data;
}

function requireInstitution(backend: Backend, code: string | undefined): InstitutionSummary {
  if (!code) throw new UsageError('Name the institution: creditdesk institutions <action> CODE');
  const found = backend.services.institutions.findByCode(code);
  if (!found) throw new UsageError(`No institution with the code “${code}”.`);
  return found;
}

function formatTime(ms: number | null): string {
  return ms === null ? '-' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19) + 'Z';
}

export const institutionsCommand: CliCommand = {
  name: 'institutions',
  opensDataFolder: true,
  summary: 'Configure institutions (list, add, edit, disable, enable, test)',
  usage,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      options: {
        'data-dir': { type: 'string' },
        name: { type: 'string' },
        'base-url': { type: 'string' },
        'app-id': { type: 'string' },
        interval: { type: 'string' },
        secret: { type: 'boolean', default: false },
        disabled: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
      },
      allowPositionals: true,
      strict: true,
    });
    const [action, code] = positionals;
    const actions = ['list', 'add', 'edit', 'disable', 'enable', 'test'];
    if (!action) throw new UsageError(`Name an action: ${actions.join(', ')}.`);
    if (!actions.includes(action)) throw new UsageError(`Unknown action “${action}”.`);
    // Every argument (and a secret to read) is checked before the data folder is touched.
    if (action !== 'list' && !code) throw new UsageError(`Name the institution: creditdesk institutions ${action} CODE`);
    if (action === 'list' && code !== undefined) throw new UsageError(`Unexpected argument “${code}”.`);
    if (action === 'add' && (!values.name || !values['base-url'] || !values['app-id'])) throw new UsageError('add needs --name, --base-url and --app-id.');
    const interval = values.interval === undefined ? undefined : parsePositiveInteger('interval', values.interval, 300);
    const secret = action === 'add' || (action === 'edit' && values.secret) ? await secretFrom(io) : undefined;
    // Only add may set up a new data folder; the others need the institutions that are there.
    const backend = await startCommandBackend(io, values['data-dir'], { requireDatabase: action !== 'add' });
    try {
      const institutions = backend.services.institutions;
      switch (action) {
        case 'list': {
          const rows = institutions.list();
          if (values.json) {
            write(io.stdout, JSON.stringify(rows, null, 2));
            return 0;
          }
          if (rows.length === 0) {
            write(io.stdout, 'No institutions configured. Add one with: creditdesk institutions add CODE --name NAME --base-url URL --app-id ID');
            return 0;
          }
          write(io.stdout, `${'CODE'.padEnd(12)} ${'STATE'.padEnd(22)} ${'EVERY'.padEnd(7)} ${'LAST SUCCESS'.padEnd(21)} NAME / BASE URL`);
          for (const row of rows) {
            write(io.stdout, `${row.code.padEnd(12)} ${row.state.padEnd(22)} ${`${row.syncIntervalSeconds}s`.padEnd(7)} ${formatTime(row.lastSuccessAt).padEnd(21)} ${row.name} / ${row.baseUrl}${row.demo ? ' (demo)' : ''}`);
            if (row.stateReason) write(io.stdout, `${''.padEnd(12)} ${row.stateReason}`);
          }
          return 0;
        }
        case 'add': {
          if (!code || !values.name || !values['base-url'] || !values['app-id'] || secret === undefined) throw new UsageError('add needs CODE, --name, --base-url and --app-id.');
          const created = institutions.create(null, {
            code,
            name: values.name,
            baseUrl: values['base-url'],
            appId: values['app-id'],
            secret,
            syncIntervalSeconds: interval ?? 300,
            enabled: !values.disabled,
          });
          write(io.stdout, `Added ${created.code} (${created.name}); the secret is stored encrypted (${created.secretScheme}).`);
          return 0;
        }
        case 'edit': {
          const existing = requireInstitution(backend, code);
          const updated = institutions.update(null, {
            id: existing.id,
            ...(values.name !== undefined ? { name: values.name } : {}),
            ...(values['base-url'] !== undefined ? { baseUrl: values['base-url'] } : {}),
            ...(values['app-id'] !== undefined ? { appId: values['app-id'] } : {}),
            ...(interval !== undefined ? { syncIntervalSeconds: interval } : {}),
            ...(secret !== undefined ? { secret } : {}),
          });
          write(io.stdout, `Updated ${updated.code}${secret !== undefined ? ' (secret replaced)' : ''}.`);
          return 0;
        }
        case 'disable':
        case 'enable': {
          const existing = requireInstitution(backend, code);
          institutions.update(null, { id: existing.id, enabled: action === 'enable' });
          write(io.stdout, `${existing.code}: ${action}d.`);
          return 0;
        }
        case 'test': {
          const existing = requireInstitution(backend, code);
          const result = await institutions.testConnection({ id: existing.id });
          if (values.json) {
            write(io.stdout, JSON.stringify(result, null, 2));
          } else {
            for (const [name, check] of [['reachability', result.reachability], ['signature', result.signature], ['capabilities', result.capabilities]] as const) {
              write(io.stdout, `${name.padEnd(13)} ${check.checked ? (check.ok ? 'ok' : 'FAILED') : 'not checked'}${check.message ? `  ${check.message}` : ''}`);
            }
            if (result.institution) write(io.stdout, `institution   ${result.institution.code} ${result.institution.name}; serves ${result.institution.resources.join(', ')}`);
          }
          return result.ok ? 0 : 1;
        }
        default:
          throw new UsageError(`Unknown action “${action}”.`);
      }
    } catch (error) {
      if (error instanceof AppError) {
        write(io.stderr, error.message);
        return 1;
      }
      if (error instanceof Error && error.name === 'ZodError') {
        const issues = (error as unknown as { issues: Array<{ path: PropertyKey[]; message: string }> }).issues;
        throw new UsageError(issues.map((issue) => `${issue.path.map(String).join('.') || 'value'}: ${issue.message}`).join('; '));
      }
      throw error;
    } finally {
      await backend.close();
    }
  },
};
