import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DatabaseTooNewError } from '../db/connection';
import { CommandRefusedError, UsageError, type CliCommand, type CliIo } from './command';
import { auditCommand } from './commands/audit';
import { backupCommand } from './commands/backup';
import { exportCommand } from './commands/export';
import { restoreCommand } from './commands/restore';
import { institutionsCommand } from './commands/institutions';
import { serveCommand } from './commands/serve';
import { syncCommand } from './commands/sync';
import { usersCommand } from './commands/users';
import { dataDirArgument, write } from './options';
import { namingDatabase } from './backend';
import { simulatorCommand } from './commands/simulator';
import { limitHeapGrowth } from '../runtime/heap';
import { readAppVersion } from '../runtime/backend';
import { restrictNewFiles } from '../files/modes';

/** Every `creditdesk` sub-command, in the order `--help` lists them. */
export const commands: CliCommand[] = [serveCommand, syncCommand, institutionsCommand, usersCommand, simulatorCommand, exportCommand, auditCommand, backupCommand, restoreCommand];

function mainHelp(): string {
  const width = Math.max(...commands.map((command) => command.name.length)) + 2;
  return [
    'Usage: creditdesk <command> [options]',
    '       creditdesk --version',
    '',
    'Commands:',
    ...commands.map((command) => `  ${command.name.padEnd(width)}${command.summary}`),
    '',
    'Run "creditdesk <command> --help" for the options of one command.',
  ].join('\n');
}

/**
 * Runs one command and returns its exit code: 0 success, 1 failure, 2 bad arguments. Errors are
 * printed as one clear line; stacks only with CREDITDESK_DEBUG=1.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    write(name ? io.stdout : io.stderr, mainHelp());
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    write(io.stdout, `creditdesk ${readAppVersion()}`);
    return 0;
  }
  const command = commands.find((candidate) => candidate.name === name);
  if (!command) {
    write(io.stderr, `Unknown command “${name}”. Run "creditdesk --help" for the commands.`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    write(io.stdout, command.usage);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (caught) {
    // SQLite names no file: the data folder's database is named here, whichever step failed.
    const error = command.opensDataFolder ? namingDatabase(caught, dataDirArgument(rest, io.env)) : caught;
    const code = (error as { code?: string }).code;
    if (error instanceof UsageError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'))) {
      // One line and where to read more: the whole usage would bury the message.
      write(io.stderr, `creditdesk ${name}: ${(error as Error).message}\nRun "creditdesk ${name} --help" for usage.`);
      return 2;
    }
    if (error instanceof CommandRefusedError) {
      write(io.stderr, error.message);
      return 1;
    }
    if (error instanceof DatabaseTooNewError) {
      write(io.stderr, error.message);
      return 1;
    }
    write(io.stderr, `creditdesk ${name}: ${error instanceof Error ? error.message : String(error)}`);
    if (io.env.CREDITDESK_DEBUG === '1' && error instanceof Error && error.stack) write(io.stderr, error.stack);
    return 1;
  }
}

function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  // Before any work: collect promoted garbage sooner (runtime/heap.ts; the sync pass's peak RSS).
  limitHeapGrowth();
  // Files this process creates (database, exports, backups) are the user's alone.
  restrictNewFiles();
  const controller = new AbortController();
  let signals = 0;
  const onSignal = () => {
    signals++;
    if (signals > 1) process.exit(130);
    controller.abort(new Error('shutdown requested'));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  runCli(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    shutdownSignal: controller.signal,
  }).then(
    (code) => {
      process.exitCode = code;
      // Servers and timers are closed by the commands; exit explicitly in case a handle lingers.
      setTimeout(() => process.exit(code), 200).unref();
    },
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exit(1);
    },
  );
}
