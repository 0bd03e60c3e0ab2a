import { parseArgs } from 'node:util';
import { passwordSchema, usernameSchema } from '../../../shared/contracts/auth';
import { displayNameSchema } from '../../../shared/contracts/users';
import { AppError } from '../../../shared/rpc/errors';
import { roleSchema, type Role } from '../../../shared/rpc/permissions';
import type { Backend } from '../../runtime/backend';
import { startCommandBackend } from '../backend';
import { UsageError, type CliCommand, type CliIo } from '../command';
import { write } from '../options';
import { readSecret } from '../prompt';

const usage = `Usage: creditdesk users <action> [options]

Actions:
  list                               list operator accounts
  add USERNAME --role ROLE [--name "Display Name"]
                                     create an account (roles: reviewer, supervisor, support, admin);
                                     the password is read from $CREDITDESK_PASSWORD, a hidden prompt,
                                     or the first line of stdin; it must be changed at first sign-in
  passwd USERNAME                    set a new password (same sources as add)
  disable USERNAME                   disable an account and end its sessions
  enable USERNAME                    enable a disabled account
  unlock USERNAME                    clear a lock after repeated wrong passwords

Options:
  --data-dir DIR   data folder (default: the OS's per-user app data folder)
  --json           machine-readable output for list
  --help           show this help`;

async function passwordFrom(io: CliIo): Promise<string> {
  const password = io.env.CREDITDESK_PASSWORD ?? (await readSecret('New password: '));
  const parsed = passwordSchema.safeParse(password);
  if (!parsed.success) throw new UsageError(parsed.error.issues[0]?.message ?? 'Invalid password.');
  return parsed.data;
}

function requireUser(backend: Backend, username: string | undefined): number {
  if (!username) throw new UsageError('Name the account: creditdesk users <action> USERNAME');
  const row = backend.services.operators.findByUsername(username.toLowerCase());
  if (!row) throw new UsageError(`No account named “${username}”.`);
  return row.id;
}

export const usersCommand: CliCommand = {
  name: 'users',
  opensDataFolder: true,
  summary: 'Manage operator accounts (list, add, passwd, disable, enable, unlock)',
  usage,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      options: {
        'data-dir': { type: 'string' },
        role: { type: 'string' },
        name: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      allowPositionals: true,
      strict: true,
    });
    const [action, username] = positionals;
    if (!action) throw new UsageError('Name an action: list, add, passwd, disable, enable or unlock.');
    if (!['list', 'add', 'passwd', 'disable', 'enable', 'unlock'].includes(action)) {
      throw new UsageError(`Unknown action “${action}”.`);
    }
    // Every argument (and the password) is checked before the data folder is touched.
    let created: { username: string; displayName: string; role: Role; password: string } | undefined;
    if (action === 'add') {
      const name = usernameSchema.safeParse(username ?? '');
      if (!name.success) throw new UsageError(name.error.issues[0]?.message ?? 'Invalid username.');
      const role = roleSchema.safeParse(values.role);
      if (!role.success) throw new UsageError('--role must be one of reviewer, supervisor, support, admin.');
      const displayName = displayNameSchema.safeParse(values.name ?? name.data);
      if (!displayName.success) throw new UsageError('--name must not be empty.');
      created = { username: name.data, displayName: displayName.data, role: role.data, password: await passwordFrom(io) };
    } else {
      if (values.role !== undefined || values.name !== undefined) throw new UsageError('--role and --name go with add only.');
      if (action !== 'list' && !username) throw new UsageError(`Name the account: creditdesk users ${action} USERNAME`);
      if (action === 'list' && username !== undefined) throw new UsageError(`Unexpected argument “${username}”.`);
    }
    const resetPassword = action === 'passwd' ? await passwordFrom(io) : undefined;
    // Only add may set up a new data folder; the others need the accounts that are there.
    const backend = await startCommandBackend(io, values['data-dir'], { requireDatabase: action !== 'add' });
    try {
      const operators = backend.services.operators;
      switch (action) {
        case 'list': {
          const users = operators.list();
          if (values.json) {
            write(io.stdout, JSON.stringify(users, null, 2));
          } else {
            write(io.stdout, 'USERNAME             ROLE        STATE     NAME');
            for (const user of users) {
              const state = user.disabled ? 'disabled' : user.locked ? 'locked' : 'active';
              write(io.stdout, `${user.username.padEnd(20)} ${user.role.padEnd(11)} ${state.padEnd(9)} ${user.displayName}`);
            }
          }
          return 0;
        }
        case 'add': {
          if (!created) throw new UsageError('Name the account: creditdesk users add USERNAME --role ROLE');
          const user = await operators.create(null, created);
          write(io.stdout, `Created ${user.username} (${user.role}); the password must be changed at first sign-in.`);
          return 0;
        }
        case 'passwd': {
          const id = requireUser(backend, username);
          await operators.resetPassword(null, { id, password: resetPassword ?? (await passwordFrom(io)) });
          write(io.stdout, `Password set for ${username}; it must be changed at next sign-in.`);
          return 0;
        }
        case 'disable':
        case 'enable':
        case 'unlock': {
          const id = requireUser(backend, username);
          operators.update(null, action === 'unlock' ? { id, unlock: true } : { id, disabled: action === 'disable' });
          write(io.stdout, `${username}: ${action === 'unlock' ? 'unlocked' : `${action}d`}.`);
          return 0;
        }
        default:
          throw new UsageError(`Unknown action “${action}”.`);
      }
    } catch (error) {
      if (error instanceof AppError) {
        write(io.stderr, error.message);
        return 1;
      }
      throw error;
    } finally {
      await backend.close();
    }
  },
};
