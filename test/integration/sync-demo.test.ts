import { afterAll, describe, expect, it } from 'vitest';
import { startBackend } from '../../src/main/runtime/backend';
import { startDemo } from '../../src/main/runtime/background-work';
import { tempFolders } from '../support/temp-folders';

const folders = tempFolders('creditdesk-demo-');
const dataDir = folders.folder();
afterAll(() => folders.removeAll());

async function backend() {
  return startBackend({ dataDir, shell: 'headless', adminPassword: 'demo-admin-password', logConsole: 'none', sync: { pageLimit: 500 } });
}

describe('demo institutions', () => {
  it('are configured once and reused on restart, then sync to reconciled totals', { timeout: 180_000 }, async () => {
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
    try {
      const before = second.services.institutions.list();
      const configured = await startDemo(second, null);
      const after = second.services.institutions.list();
      expect(after).toHaveLength(3);
      expect(after.map((institution) => institution.id)).toEqual(before.map((institution) => institution.id));
      // The embedded simulator listens on its old port again, or on a new one that the rows follow.
      expect(configured.every((institution) => institution.baseUrl.startsWith('http://127.0.0.1:'))).toBe(true);
      const results = await second.services.sync.runOnce({ trigger: 'manual' });
      expect(results.every((result) => result.status === 'succeeded')).toBe(true);
    } finally {
      await second.close();
    }
  });
});
