import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** A CreditDesk process that has the data folder's database open. */
export interface RunningInstance {
  pid: number;
  shell: string;
  startedAt: number;
}

function folderOf(dataDir: string): string {
  return path.join(dataDir, 'run');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as { code?: string }).code === 'EPERM';
  }
}

/**
 * Marks this process as using the data folder (<data>/run/<pid>.json) until the returned
 * function runs. One file per process, so a short CLI command never unmarks the app.
 */
export function registerInstance(dataDir: string, shell: string, startedAt: number): () => void {
  const folder = folderOf(dataDir);
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const file = path.join(folder, `${process.pid}.json`);
  writeFileSync(file, JSON.stringify({ pid: process.pid, shell, startedAt } satisfies RunningInstance));
  return () => rmSync(file, { force: true });
}

/**
 * Other live processes using the data folder; files left by processes that died are removed.
 * `creditdesk restore` refuses to replace the database while this is not empty.
 */
export function otherLiveInstances(dataDir: string): RunningInstance[] {
  const folder = folderOf(dataDir);
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return [];
  }
  const live: RunningInstance[] = [];
  for (const name of names) {
    if (!name.endsWith('.json')) continue;
    const file = path.join(folder, name);
    let instance: RunningInstance;
    try {
      instance = JSON.parse(readFileSync(file, 'utf8')) as RunningInstance;
    } catch {
      continue;
    }
    if (instance.pid === process.pid) continue;
    if (isAlive(instance.pid)) live.push(instance);
    else rmSync(file, { force: true });
  }
  return live;
}
