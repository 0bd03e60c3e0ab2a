import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempFolders } from '../../../test/support/backend';
import { runCliCaptured } from '../../../test/support/cli';

const folders = tempFolders();
afterEach(() => folders.removeAll());

describe('--data-dir naming a file', () => {
  it.each([
    ['restore', ['restore', '--from']],
    ['backup', ['backup', '--out']],
    ['users list', ['users', 'list']],
    ['audit verify', ['audit', 'verify']],
    ['serve', ['serve', '--port', '0']],
  ])('%s says the data folder is a file, exits 2 and changes nothing', async (_name, command) => {
    const dir = folders.folder();
    const file = path.join(dir, 'not-a-folder');
    writeFileSync(file, 'kept');
    const backup = path.join(dir, 'backup.db');
    if (command[0] === 'restore') writeFileSync(backup, 'not read');
    const args = command.at(-1)?.startsWith('--') ? [...command, backup] : command;
    const result = await runCliCaptured([...args, '--data-dir', file], { CREDITDESK_ADMIN_PASSWORD: 'cli-admin-password' });
    expect(result.code).toBe(2);
    expect(result.err).toContain(`--data-dir names the file ${file}`);
    expect(result.err).not.toMatch(/EEXIST|ENOTDIR|No CreditDesk database/);
    expect(readFileSync(file, 'utf8')).toBe('kept');
  });
});
