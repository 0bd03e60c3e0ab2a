import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, demoInstitutions, type RunningSimulator } from '../../src/main/simulator';
import { runCliCaptured, type CliResult } from '../support/cli';
import { tempFolders } from '../support/temp-folders';
import { simulatedNow } from './sync-support';

let sim: RunningSimulator;
const folders = tempFolders('creditdesk-sync-cli-');
const dataDir = folders.folder();

beforeAll(async () => {
  sim = await startSimulator({ institutions: demoInstitutions('cli').slice(0, 2), seed: 'cli', borrowers: 50, now: simulatedNow });
});
afterAll(async () => {
  await sim.close();
  folders.removeAll();
});

function cli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runCliCaptured([...args, '--data-dir', dataDir], { ...process.env, CREDITDESK_ADMIN_PASSWORD: 'cli-admin-password', ...env });
}

describe('creditdesk institutions and creditdesk sync', () => {
  it('configure institutions with the secret from the environment, list them without it, and sync them', async () => {
    for (const info of sim.institutions) {
      const added = await cli(['institutions', 'add', info.code, '--name', info.name, '--base-url', info.baseUrl, '--app-id', info.appId, '--interval', '120'], {
        CREDITDESK_INSTITUTION_SECRET: info.secret,
      });
      expect(added.code, added.err).toBe(0);
    }
    const listed = await cli(['institutions', 'list', '--json']);
    expect(listed.code).toBe(0);
    for (const info of sim.institutions) expect(listed.out).not.toContain(info.secret);
    expect((JSON.parse(listed.out) as Array<{ code: string; syncIntervalSeconds: number }>).map((row) => [row.code, row.syncIntervalSeconds])).toEqual([
      ['QINGHE', 120],
      ['YUANSHAN', 120],
    ]);

    const tested = await cli(['institutions', 'test', 'qinghe']);
    expect(tested.code).toBe(0);
    expect(tested.out).toMatch(/reachability\s+ok[\s\S]*signature\s+ok[\s\S]*capabilities\s+ok/);

    const synced = await cli(['sync']);
    expect(synced.code, synced.out + synced.err).toBe(0);
    expect(synced.out).toMatch(/QINGHE: succeeded/);
    expect(synced.out).toMatch(/applications\s+\d+\s+\d+\s+0\s+\d+\s+\d+\s+yes/);
    expect(synced.out).not.toMatch(/\bNO\b/);

    const json = await cli(['sync', '--institution', 'yuanshan', '--json']);
    expect(json.code).toBe(0);
    const [result] = JSON.parse(json.out) as Array<{ institution: string; status: string; resources: Array<{ resource: string; reconciled: boolean | null }> }>;
    expect(result).toMatchObject({ institution: 'YUANSHAN', status: 'succeeded' });
    expect(result?.resources.every((line) => line.reconciled === true)).toBe(true);
  });

  it('exits non-zero when any institution fails, and names a bad argument', async () => {
    const added = await cli(['institutions', 'add', 'DOWN', '--name', 'Down', '--base-url', 'http://127.0.0.1:9/inst/down', '--app-id', 'x'], { CREDITDESK_INSTITUTION_SECRET: 'some-secret-1' });
    expect(added.code).toBe(0);
    const synced = await cli(['sync', '--institution', 'down']);
    expect(synced.code).toBe(1);
    expect(synced.out).toMatch(/DOWN: failed/);
    expect((await cli(['sync', '--institution', 'nope'])).code).toBe(2);
    const disabled = await cli(['institutions', 'disable', 'down']);
    expect(disabled.code).toBe(0);
    expect((await cli(['sync'])).code).toBe(0);
  });
});
