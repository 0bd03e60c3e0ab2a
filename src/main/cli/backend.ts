import { startBackend, type Backend, type BackendOptions } from '../runtime/backend';
import type { CliIo } from './command';
import { cliOperatorName, resolveDataDir, write } from './options';

/**
 * The back end for a one-shot command (users, institutions, sync): the data folder from
 * --data-dir or CREDITDESK_DATA_DIR, the first admin's password from CREDITDESK_ADMIN_PASSWORD,
 * and none of the app's background jobs. When the first admin's password is generated, it is
 * printed once on stderr, so a command's own output (e.g. `--json`) stays clean.
 */
export function startCommandBackend(io: CliIo, dataDirFlag: string | undefined, extra: Partial<BackendOptions> = {}): Promise<Backend> {
  return startBackend({
    dataDir: resolveDataDir(dataDirFlag, io.env),
    shell: 'headless',
    backgroundJobs: false,
    adminPassword: io.env.CREDITDESK_ADMIN_PASSWORD,
    cliOperator: cliOperatorName(),
    onFirstAdmin: ({ generatedPassword }) => {
      if (generatedPassword) write(io.stderr, `First start: created "admin" with the password ${generatedPassword} (change it at first sign-in).`);
    },
    ...extra,
  });
}
