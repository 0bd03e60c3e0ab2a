import { describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../logging/logger';
import { AppError } from '../../shared/rpc/errors';
import { permissionsOf } from '../../shared/rpc/permissions';
import { contract, type ChannelName } from '../../shared/rpc/contract';
import type { Actor } from '../core/actor';
import { createRouter, type Handlers } from './router';
import { testContext } from '../../../test/support/backend';

function actor(role: Actor['role'], overrides: Partial<Actor> = {}): Actor {
  return {
    id: 7,
    username: role,
    displayName: role,
    role,
    locale: 'zh-CN',
    permissions: permissionsOf(role),
    mustChangePassword: false,
    sessionId: 1,
    ...overrides,
  };
}

/** Handlers that record every call: the router must never reach them on a refused call. */
function spyHandlers() {
  const calls: string[] = [];
  const handlers = new Proxy({} as Handlers, {
    get(_target, name: string) {
      return vi.fn(() => {
        calls.push(name);
        if (name === 'users:list') return [];
        if (name === 'system:info') throw new Error('secret internal detail at /home/x');
        return { signedOut: true };
      });
    },
  });
  return { calls, handlers };
}

describe('router', () => {
  it('rejects an unknown channel with NOT_FOUND before any handler runs', async () => {
    const { calls, handlers } = spyHandlers();
    const router = createRouter(handlers, silentLogger);
    const result = await router.call('users:drop-table', {}, testContext(actor('admin')));
    // The name sent is not echoed back.
    expect(result).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'Unknown channel.' } });
    expect(calls).toEqual([]);
  });

  it('rejects invalid input with VALIDATION naming the field, before any handler runs', async () => {
    const { calls, handlers } = spyHandlers();
    const router = createRouter(handlers, silentLogger);
    const result = await router.call(
      'users:create',
      { username: 'Bad Name!', displayName: 'x', role: 'king', password: 'short' },
      testContext(actor('admin')),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('VALIDATION');
    expect(result.error.message).toMatch(/username/);
    expect(result.error.message).toMatch(/role/);
    expect(calls).toEqual([]);
  });

  it('gives each invalid field its zod code and limit, so the renderer can say it in the operator’s language', async () => {
    const { handlers } = spyHandlers();
    const router = createRouter(handlers, silentLogger);
    const result = await router.call('borrowers:search', { query: 'x'.repeat(65) }, testContext(actor('admin')));
    expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION', details: { issues: [{ path: ['query'], code: 'too_big', limit: 64 }] } } });
  });

  it('answers UNAUTHORIZED to a caller who is not signed in', async () => {
    const { calls, handlers } = spyHandlers();
    const router = createRouter(handlers, silentLogger);
    const result = await router.call('users:list', {}, testContext(null));
    expect(result).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(calls).toEqual([]);
  });

  it('answers FORBIDDEN to a reviewer calling an admin-only channel', async () => {
    const { calls, handlers } = spyHandlers();
    const router = createRouter(handlers, silentLogger);
    const result = await router.call('users:list', {}, testContext(actor('reviewer')));
    expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', details: { permission: 'users:manage' } } });
    expect(calls).toEqual([]);
  });

  it('lets an operator who must change the password do only that', async () => {
    const { calls, handlers } = spyHandlers();
    const router = createRouter(handlers, silentLogger);
    const context = testContext(actor('admin', { mustChangePassword: true }));
    expect(await router.call('users:list', {}, context)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await router.call('auth:sign-out', {}, context)).toMatchObject({ ok: true });
    expect(calls).toEqual(['auth:sign-out']);
  });

  it('turns an unexpected error into INTERNAL without its message or stack', async () => {
    const { handlers } = spyHandlers();
    const errors: unknown[] = [];
    const logger = { ...silentLogger, error: (message: string, data?: unknown) => errors.push({ message, data }) };
    const router = createRouter(handlers, logger);
    const result = await router.call('system:info', {}, testContext(actor('admin')));
    expect(result).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: 'Something went wrong on the server; the details are in the log.' },
    });
    expect(JSON.stringify(result)).not.toMatch(/secret internal detail|at /);
    expect(JSON.stringify(errors)).toMatch(/secret internal detail/);
  });

  it('passes an AppError’s code and message through', async () => {
    const handlers = new Proxy({} as Handlers, {
      get: () => () => {
        throw new AppError('CONFLICT', 'The username “x” is taken.', { field: 'username' });
      },
    });
    const router = createRouter(handlers, silentLogger);
    const result = await router.call(
      'users:create',
      { username: 'xx', displayName: 'x', role: 'reviewer', password: 'long-enough-1' },
      testContext(actor('admin')),
    );
    expect(result).toEqual({ ok: false, error: { code: 'CONFLICT', message: 'The username “x” is taken.', details: { field: 'username' } } });
  });

  it('declares a doc line and an access rule for every channel, named domain:action', () => {
    for (const [name, definition] of Object.entries(contract) as Array<[ChannelName, (typeof contract)[ChannelName]]>) {
      expect(name).toMatch(/^[a-z]+(-[a-z]+)*:[a-z]+(-[a-z]+)*$/);
      expect(definition.doc.length).toBeGreaterThan(5);
      expect(['public', 'signed-in', 'permission']).toContain(definition.access.kind);
    }
  });
});
