import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { commands } from './index';

const readme = readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../README.md'), 'utf8');
const table = readme.slice(readme.indexOf('## Other commands'), readme.indexOf('## The desktop shell'));

describe('the README’s table of commands matches creditdesk --help', () => {
  it('names only commands and options the CLI has', () => {
    const mentioned = [...table.matchAll(/`npx creditdesk ([a-z-]+)([^`]*)`(?: \/ `([a-z-]+)([^`]*)`)?/g)];
    expect(mentioned.length).toBeGreaterThan(3);
    for (const match of mentioned) {
      for (const [name, rest] of [
        [match[1], match[2]],
        [match[3], match[4]],
      ]) {
        if (!name || name.startsWith('-')) continue;
        const command = commands.find((candidate) => candidate.name === name);
        expect(command, name).toBeDefined();
        for (const option of (rest ?? '').match(/--[a-z-]+/g) ?? []) expect(command?.usage, `${name} ${option}`).toContain(option);
      }
    }
  });

  it('describes backup and restore with both key files and their passphrase, as their help does', () => {
    const row = table.split('\n').find((line) => line.includes('creditdesk backup')) ?? '';
    for (const words of ['institution-secrets.key', 'audit-chain.key', 'CREDITDESK_BACKUP_PASSPHRASE', '--without-key']) {
      expect(row, words).toContain(words);
      expect(commands.find((command) => command.name === 'backup')?.usage, words).toContain(words);
    }
    for (const words of ['CREDITDESK_BACKUP_PASSPHRASE', 'audit-chain.key']) expect(commands.find((command) => command.name === 'restore')?.usage, words).toContain(words);
  });
});
