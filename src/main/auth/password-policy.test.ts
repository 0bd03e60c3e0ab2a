import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestBackend, signedInContext, testAdminPassword } from '../../../test/support/backend';
import type { Backend } from '../runtime/backend';
import { commonPasswordText } from './common-passwords';
import { passwordProblem } from './password-policy';

describe('password policy', () => {
  it('ships a list of a few thousand common passwords', () => {
    const entries = commonPasswordText.split(/\s+/).filter(Boolean);
    expect(entries.length).toBeGreaterThan(5_000);
    expect(entries).toContain('password123');
    expect(entries).toContain('woaini1314');
  });

  it.each([
    ['Password123!', 'lin', 'common'],
    ['qwertyuiop', 'lin', 'common'],
    ['Dragon2024!!', 'lin', 'common'],
    ['woaini1314', 'lin', 'common'],
    ['p a s s w o r d 1', 'lin', 'common'],
    ['lily-secret-99', 'lily', 'username'],
    ['ylil-secret-99', 'lily', 'username'],
    ['Wang.Li-2026-spring', 'wang.li', 'username'],
    ['bo-20261207!', 'bo', 'username'],
    ['CreditDesk2026', 'lin', 'app-name'],
    ['credit-desk-spring', 'lin', 'app-name'],
    ['abcdefghijkl', 'lin', 'pattern'],
    ['zzzzzzzzzzzz', 'lin', 'pattern'],
    ['9876543210zyx', 'lin', 'pattern'],
    ['abc123abc123', 'lin', 'pattern'],
  ])('refuses %s for %s (%s)', (password, username, problem) => {
    expect(passwordProblem(password, username)).toBe(problem);
  });

  it.each([
    ['quiet-harbor-lantern-7', 'lily'],
    ['robot-building-7', 'bo'],
    ['correct horse battery staple', 'admin'],
    ['审核员的春天2026', 'lin'],
  ])('accepts %s for %s', (password, username) => {
    expect(passwordProblem(password, username)).toBeNull();
  });
});

describe('password policy on the channels', () => {
  let backend: Backend & { cleanup(): Promise<void> };
  beforeEach(async () => {
    backend = await createTestBackend();
  });
  afterEach(async () => backend.cleanup());

  it('refuses a common or username-derived password when an admin creates or resets an account', async () => {
    const admin = await signedInContext(backend, 'admin', testAdminPassword);
    const common = await backend.router.call('users:create', { username: 'mei', displayName: 'Mei', role: 'reviewer', password: 'Password123!' }, admin);
    expect(common).toMatchObject({ ok: false, error: { code: 'VALIDATION', details: { field: 'password', reason: 'common' } } });
    const created = await backend.router.call('users:create', { username: 'mei', displayName: 'Mei', role: 'reviewer', password: 'plum-blossom-river-1' }, admin);
    const id = created.ok ? (created.data as { id: number }).id : 0;
    const derived = await backend.router.call('users:reset-password', { id, password: 'mei-2026-spring' }, admin);
    expect(derived).toMatchObject({ ok: false, error: { code: 'VALIDATION', details: { field: 'password', reason: 'username' } } });
  });

  it('refuses a weak new password in change-password', async () => {
    const admin = await signedInContext(backend, 'admin', testAdminPassword);
    const change = await backend.router.call('auth:change-password', { currentPassword: testAdminPassword, newPassword: 'nimda-2026-x' }, admin);
    expect(change).toMatchObject({ ok: false, error: { code: 'VALIDATION', details: { field: 'newPassword', reason: 'username' } } });
  });

  it('makes a first admin with a weak CREDITDESK_ADMIN_PASSWORD change it at first sign-in', async () => {
    const weak = await createTestBackend({ adminPassword: 'admin-password-1' });
    try {
      const context = await signedInContext(weak, 'admin', 'admin-password-1');
      expect(context.actor?.mustChangePassword).toBe(true);
    } finally {
      await weak.cleanup();
    }
  });
});
