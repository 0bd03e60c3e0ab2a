/**
 * The CLI as its tests run it: in this process, with stdout and stderr captured, and the first
 * admin's password in the environment unless a test gives another.
 */
import { PassThrough } from 'node:stream';
import { runCli } from '../../src/main/cli/index';
import { createTestBackend, signedInContext, testAdminPassword } from './backend';

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

export async function runCliCaptured(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk) => (out += String(chunk)));
  stderr.on('data', (chunk) => (err += String(chunk)));
  const code = await runCli(args, { stdout, stderr, env: { CREDITDESK_ADMIN_PASSWORD: testAdminPassword, ...env }, shutdownSignal: new AbortController().signal });
  return { code, out, err };
}

/** Fills the data folder `dir` with a closed database whose audit log holds the first admin and `signIns` sign-ins. */
export async function seedDataDir(dir: string, signIns = 1): Promise<string> {
  const backend = await createTestBackend({ dataDir: dir });
  for (let index = 0; index < signIns; index++) await signedInContext(backend, 'admin', testAdminPassword);
  await backend.cleanup();
  return dir;
}
