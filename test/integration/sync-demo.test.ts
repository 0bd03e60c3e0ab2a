import { createServer, type Server } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { startBackend } from '../../src/main/runtime/backend';
import { startDemo } from '../../src/main/runtime/background-work';
import { tempFolders } from '../support/temp-folders';

const folders = tempFolders('creditdesk-demo-');
const dataDir = folders.folder();
afterAll(() => folders.removeAll());

/** Holds `port` on 127.0.0.1 (what the demo listens on) until closed, as another program would. */
async function occupy(port: number): Promise<Server> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return server;
}

async function backend() {
  return startBackend({ dataDir, shell: 'headless', adminPassword: 'demo-admin-password', logConsole: 'none', sync: { pageLimit: 500 } });
}

describe('demo institutions', () => {
  it('are configured once and reused on restart at the same address (a new one when it is taken), then sync to reconciled totals', { timeout: 180_000 }, async () => {
    const first = await backend();
    try {
      const configured = await startDemo(first, null);
      expect(configured.map((institution) => institution.code).sort()).toEqual(['BEICHEN', 'QINGHE', 'YUANSHAN']);
      expect(configured.every((institution) => institution.demo && institution.enabled)).toBe(true);
      // A second start in the same process changes nothing.
      await startDemo(first, null);
      expect(first.services.institutions.list()).toHaveLength(3);
      const results = await first.services.sync.runOnce({ trigger: 'manual' });
      expect(results.map((result) => result.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
      expect(results.flatMap((result) => result.reconciliation).every((entry) => entry.matched)).toBe(true);
    } finally {
      await first.close();
    }

    const second = await backend();
    let firstUrls: string[];
    try {
      const before = second.services.institutions.list();
      firstUrls = before.map((institution) => institution.baseUrl);
      const configured = await startDemo(second, null);
      const after = second.services.institutions.list();
      expect(after).toHaveLength(3);
      expect(after.map((institution) => institution.id)).toEqual(before.map((institution) => institution.id));
      // The embedded simulator listens on its old port again: the rows keep their base URLs.
      expect(after.map((institution) => institution.baseUrl)).toEqual(firstUrls);
      expect(configured.map((institution) => institution.baseUrl).sort()).toEqual([...firstUrls].sort());
      const results = await second.services.sync.runOnce({ trigger: 'manual' });
      expect(results.every((result) => result.status === 'succeeded')).toBe(true);
    } finally {
      await second.close();
    }

    // Something else took the old port while CreditDesk was stopped: the demo listens on a new one and the rows follow it.
    const oldPort = Number(new URL(firstUrls[0] ?? '').port);
    const blocker = await occupy(oldPort);
    const third = await backend();
    try {
      const configured = await startDemo(third, null);
      const ports = new Set(configured.map((institution) => Number(new URL(institution.baseUrl).port)));
      expect(ports.size).toBe(1);
      expect(ports.has(oldPort)).toBe(false);
      expect(third.services.institutions.list().map((institution) => institution.baseUrl).sort()).toEqual(configured.map((institution) => institution.baseUrl).sort());
      const results = await third.services.sync.runOnce({ trigger: 'manual' });
      expect(results.map((result) => result.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    } finally {
      await third.close();
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
