import { existsSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { defaultDataDir } from '../runtime/paths';
import { UsageError } from './command';

/** --data-dir wins, then CREDITDESK_DATA_DIR, then the OS's per-user app data folder. */
export function resolveDataDir(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  const folder = dataDirOf(flag, env);
  // A file where the folder should be would fail later with a bare EEXIST or ENOTDIR.
  if (existsSync(folder) && !statSync(folder).isDirectory()) {
    const named = flag !== undefined ? '--data-dir' : 'CREDITDESK_DATA_DIR';
    throw new UsageError(`${named} names the file ${folder}; name a folder (it is made if missing).`);
  }
  return folder;
}

function dataDirOf(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  const chosen = flag ?? env.CREDITDESK_DATA_DIR;
  return chosen ? path.resolve(chosen) : defaultDataDir();
}

/** The data folder a command's arguments name, read leniently (for messages after the command failed). */
export function dataDirArgument(args: string[], env: NodeJS.ProcessEnv): string {
  const { values } = parseArgs({ args, options: { 'data-dir': { type: 'string' } }, strict: false, allowPositionals: true });
  const flag = values['data-dir'];
  return dataDirOf(typeof flag === 'string' ? flag : undefined, env);
}

export function parsePort(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be an integer from 0 to 65535, not “${value}”.`);
  return port;
}

export function parsePositiveInteger(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) throw new UsageError(`--${name} must be a positive integer, not “${value}”.`);
  return number;
}

/** The built renderer: next to out/main when bundled, or <project>/out/renderer from source. */
export function findRendererDir(): string | null {
  const fromEnv = process.env.CREDITDESK_RENDERER_DIR;
  if (fromEnv) return fromEnv;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 6; depth++) {
    for (const candidate of [path.join(dir, 'renderer'), path.join(dir, 'out', 'renderer')]) {
      if (existsSync(path.join(candidate, 'index.html'))) return candidate;
    }
    dir = path.dirname(dir);
  }
  return null;
}

export function write(stream: NodeJS.WritableStream, text: string): void {
  stream.write(text.endsWith('\n') ? text : `${text}\n`);
}

/**
 * The operator a CLI action is attributed to in the audit log: `cli:<os user>`. Whoever can run
 * the CLI on the data folder can read the database, so there is no sign-in; the OS account is
 * the identity there is.
 */
export function cliOperatorName(): string {
  let user: string;
  try {
    user = os.userInfo().username;
  } catch {
    user = process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
  return `cli:${user}`;
}
