import { describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../logging/logger';
import { permissionsOf } from '../../shared/rpc/permissions';
import { contract } from '../../shared/rpc/contract';
import type { Actor } from '../core/actor';
import { createRouter, type Handlers } from './router';
import { testContext } from '../../../test/support/backend';

const admin: Actor = {
  id: 1,
  username: 'admin',
  displayName: 'admin',
  role: 'admin',
  locale: 'en',
  permissions: permissionsOf('admin'),
  mustChangePassword: false,
  sessionId: 1,
};

/** Handlers that record every call: invalid input must never reach one. */
function spyHandlers() {
  const calls: string[] = [];
  const handlers = new Proxy({} as Handlers, {
    get(_target, name: string) {
      return () => {
        calls.push(name);
        return {};
      };
    },
  });
  return { calls, handlers };
}

async function callAsAdmin(channel: string, input: unknown) {
  const { calls, handlers } = spyHandlers();
  const router = createRouter(handlers, silentLogger);
  const result = await router.call(channel, input, testContext(admin));
  return { result, calls };
}

describe('router inputs', () => {
  it.each([
    ['reports:portfolio', { from: '2026-11-01', to: '2026-11-31' }],
    ['reports:export', { report: 'portfolio', format: 'csv', filter: { from: '2026-02-30', to: '2026-03-01' } }],
    ['reports:review-operations', { from: '2026-11-01', to: '9999-12-31' }],
    ['portfolio:loans-list', { disbursedFrom: '2026-13-01' }],
    ['portfolio:loans-list', { disbursedTo: '9999-12-31' }],
    ['portfolio:loans-list', { rolled: { monthEnd: '0001-01-31', from: 'M0', to: 'M1' } }],
    ['audit:list', { filter: { from: '2026-11-01', to: '9999-12-31' } }],
    ['audit:list', { filter: { from: '2026-11-31', to: '2026-12-01' } }],
    ['system:log-read', { date: '2026-02-29' }],
  ])('answers a date out of the calendar or its range on %s with VALIDATION, never reaching the handler', async (channel, input) => {
    const { result, calls } = await callAsAdmin(channel, input);
    expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(calls).toEqual([]);
  });

  it('still takes real dates inside the range', async () => {
    const { result, calls } = await callAsAdmin('reports:portfolio', { from: '2026-11-01', to: '2026-11-30' });
    expect(result.ok).toBe(true);
    expect(calls).toEqual(['reports:portfolio']);
  });

  it('answers VALIDATION when validation itself throws, instead of rejecting the call', async () => {
    const schema = contract['reports:portfolio'].input;
    const spy = vi.spyOn(schema, 'safeParse').mockImplementation(() => {
      throw new RangeError('Maximum call stack size exceeded');
    });
    try {
      const { result, calls } = await callAsAdmin('reports:portfolio', { from: '2026-11-01', to: '2026-11-30' });
      expect(result).toEqual({ ok: false, error: { code: 'VALIDATION', message: 'Invalid input for reports:portfolio.' } });
      expect(calls).toEqual([]);
    } finally {
      spy.mockRestore();
    }
  });

  it('refuses a settings key the settings schema does not know, and a value nested 10,000 deep', async () => {
    const unknown = await callAsAdmin('settings:set-domain', { settings: { graceDays: 1, sneaky: 'x' } });
    expect(unknown.result).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(unknown.calls).toEqual([]);
    let deep: unknown = 1;
    for (let level = 0; level < 10_000; level += 1) deep = { nested: deep };
    const nested = await callAsAdmin('settings:set-domain', { settings: { faceBands: deep } });
    expect(nested.result).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(nested.calls).toEqual([]);
    const valid = await callAsAdmin('settings:set-domain', { settings: { graceDays: 2 } });
    expect(valid.result.ok).toBe(true);
  });
});
