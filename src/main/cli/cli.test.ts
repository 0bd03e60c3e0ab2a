import { afterEach, describe, expect, it } from 'vitest';
import { tempFolders } from '../../../test/support/temp-folders';
import { runCliCaptured } from '../../../test/support/cli';

const folders = tempFolders();
const dataDir = folders.folder;
afterEach(() => folders.removeAll());

const cli = (args: string[], env: Record<string, string> = {}) => runCliCaptured(args, { CREDITDESK_ADMIN_PASSWORD: 'cli-admin-password', ...env });

describe('creditdesk CLI', () => {
  it('lists its commands with --help and refuses an unknown one with exit code 2', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/serve\s+Run CreditDesk headless/);
    expect(help.out).toMatch(/users\s+Manage operator accounts/);
    const unknown = await cli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('Unknown command “frobnicate”');
  });

  it('prints a command’s usage for --help', async () => {
    const result = await cli(['serve', '--help']);
    expect(result.code).toBe(0);
    expect(result.out).toContain('--port N');
  });

  it('adds, lists and disables operator accounts', async () => {
    const dir = dataDir();
    const added = await cli(['users', 'add', 'lin', '--role', 'reviewer', '--name', '林审核', '--data-dir', dir], { CREDITDESK_PASSWORD: 'jade-lantern-123' });
    expect(added).toMatchObject({ code: 0 });
    expect(added.out).toContain('Created lin (reviewer)');
    const listed = await cli(['users', 'list', '--json', '--data-dir', dir]);
    const users = JSON.parse(listed.out) as Array<{ username: string; role: string; disabled: boolean }>;
    expect(users.map((user) => [user.username, user.role])).toEqual([
      ['admin', 'admin'],
      ['lin', 'reviewer'],
    ]);
    expect((await cli(['users', 'disable', 'lin', '--data-dir', dir])).code).toBe(0);
    const after = JSON.parse((await cli(['users', 'list', '--json', '--data-dir', dir])).out) as Array<{ username: string; disabled: boolean }>;
    expect(after.find((user) => user.username === 'lin')?.disabled).toBe(true);
  });

  it('explains bad arguments with exit code 2', async () => {
    const dir = dataDir();
    const badRole = await cli(['users', 'add', 'lin', '--role', 'emperor', '--data-dir', dir], { CREDITDESK_PASSWORD: 'jade-lantern-123' });
    expect(badRole.code).toBe(2);
    expect(badRole.err).toContain('--role must be one of reviewer, supervisor, support, admin.');
    const shortPassword = await cli(['users', 'add', 'lin', '--role', 'reviewer', '--data-dir', dir], { CREDITDESK_PASSWORD: 'short' });
    expect(shortPassword.code).toBe(2);
    expect(shortPassword.err).toContain('at least 10 characters');
    const common = await cli(['users', 'add', 'lin', '--role', 'reviewer', '--data-dir', dir], { CREDITDESK_PASSWORD: 'Password123!' });
    expect(common.code).toBe(1);
    expect(common.err).toContain('too common');
    const unknownFlag = await cli(['serve', '--prot', '1']);
    expect(unknownFlag.code).toBe(2);
    const badPort = await cli(['serve', '--port', 'abc']);
    expect(badPort.code).toBe(2);
    expect(badPort.err).toContain('--port must be an integer');
    const setUp = await cli(['users', 'add', 'mei', '--role', 'reviewer', '--data-dir', dir], { CREDITDESK_PASSWORD: 'reviewer-passphrase-9' });
    expect(setUp.code, setUp.err).toBe(0);
    const noUser = await cli(['users', 'passwd', 'ghost', '--data-dir', dir], { CREDITDESK_PASSWORD: 'ghost-password-1' });
    expect(noUser.code).toBe(2);
    expect(noUser.err).toContain('No account named “ghost”');
  });
});
