/**
 * The shape every `creditdesk` sub-command implements. Commands parse their own
 * arguments (node:util parseArgs), write to the given streams, and return an exit code;
 * they never call process.exit themselves, so tests can run them in-process.
 */
export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  /** Resolves when the user asks the process to stop (SIGINT/SIGTERM); long-running commands wait on it. */
  shutdownSignal: AbortSignal;
}

export interface CliCommand {
  /** The word after `creditdesk`, e.g. "serve". */
  name: string;
  /** One line for `creditdesk --help`. */
  summary: string;
  /** Full text for `creditdesk <name> --help`. */
  usage: string;
  /**
   * Whether --data-dir names a CreditDesk data folder whose database the command opens (the
   * simulator's names its own): SQLite's errors about that database are then told with its path.
   */
  opensDataFolder: boolean;
  run(args: string[], io: CliIo): Promise<number>;
}

/** Thrown by a command for a bad argument: the CLI prints the message and where to find the usage, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * Thrown when a command will not run on this data folder (no database where one must be, a
 * folder it cannot write): the CLI prints the message alone, exit code 1.
 */
export class CommandRefusedError extends Error {
  override name = 'CommandRefusedError';
}
