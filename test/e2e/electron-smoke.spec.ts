import { _electron as electron, expect, test } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { tempFolders } from '../support/temp-folders';

/**
 * Where the Electron binary exists (a developer's machine), start the real desktop shell and see
 * the sign-in screen. Electron downloads its binary lazily; on machines without it (this CI) the
 * test is skipped with the reason printed, and nothing is downloaded.
 */
function electronBinary(): { path: string } | { missing: string } {
  const root = path.join(process.cwd(), 'node_modules', 'electron');
  const pathFile = path.join(root, 'path.txt');
  if (!existsSync(pathFile)) return { missing: 'node_modules/electron/path.txt is absent: the Electron binary was never downloaded here' };
  const binary = path.join(root, 'dist', readFileSync(pathFile, 'utf8').trim());
  if (!existsSync(binary)) return { missing: `the Electron binary ${binary} is absent` };
  const native = path.join(process.cwd(), '.cache', 'electron-native');
  if (!existsSync(native)) return { missing: 'better-sqlite3 is not built for Electron yet (npm start builds it)' };
  return { path: binary };
}

const found = electronBinary();
if ('missing' in found) console.log(`[electron smoke] skipped: ${found.missing}`);

test('the desktop shell starts and shows the sign-in screen', async () => {
  test.skip('missing' in found, 'missing' in found ? found.missing : '');
  const folders = tempFolders('creditdesk-electron-');
  try {
    const dataDir = folders.folder();
    const app = await electron.launch({
      executablePath: (found as { path: string }).path,
      args: ['out/main/index.js', '--data-dir', dataDir],
      env: { ...process.env, CREDITDESK_ADMIN_PASSWORD: 'electron-root-passphrase' },
    });
    const window = await app.firstWindow();
    await expect(window.getByRole('heading', { name: '登录 CreditDesk' })).toBeVisible();
    const isolated = await window.evaluate(() => typeof (globalThis as { require?: unknown }).require === 'undefined');
    expect(isolated).toBe(true);
    await app.close();
  } finally {
    folders.removeAll();
  }
});
