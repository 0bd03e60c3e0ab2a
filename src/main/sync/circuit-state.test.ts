/**
 * An institution's state follows its circuit between passes (followCircuit), and the Sync page is
 * told (`sync:state`) only when that changed the institution's row: a circuit that opens while a
 * pass runs, or closes on an institution that was never paused, leaves nothing new to show.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SyncFailure } from '../../shared/contracts/sync';
import type { PushedEvent } from '../../shared/rpc/events';
import { permissionsOf } from '../../shared/rpc/permissions';
import { findInstitutionById, setInstitutionState, updateInstitution } from '../repositories/institutions';
import { createTestBackend } from '../../../test/support/backend';
import { insertInstitution } from '../../../test/support/rows';
import { followCircuit, type CircuitChange } from './circuit-state';

const cause: SyncFailure = { code: 'server', status: 503, text: 'HTTP 503 Service Unavailable' };
const openUntil = Date.UTC(2026, 10, 25, 3, 0, 0);
const opened: CircuitChange = { state: 'open', openUntil, cause };
const closed: CircuitChange = { state: 'closed', openUntil: null, cause: null };

let backend: Awaited<ReturnType<typeof createTestBackend>>;
let id: number;
let pushed: Array<PushedEvent<'sync:state'>>;

beforeEach(async () => {
  backend = await createTestBackend({ backgroundJobs: false });
  id = insertInstitution(backend.db, 'CIRCUIT');
  pushed = [];
  const viewer = { id: 99, username: 'viewer', displayName: 'viewer', role: 'supervisor' as const, locale: 'en' as const, permissions: permissionsOf('supervisor'), mustChangePassword: false, sessionId: 1 };
  backend.events.subscribe({
    actor: () => viewer,
    send: (event) => {
      if (event.name === 'sync:state') pushed.push(event as PushedEvent<'sync:state'>);
    },
  });
});
afterEach(() => backend.cleanup());

function stateOf() {
  const row = findInstitutionById(backend.db, id);
  return { state: row?.state, code: row?.stateReasonCode, circuitOpenUntil: row?.circuitOpenUntil };
}

describe('followCircuit', () => {
  it('opens an idle institution with the failure that opened it, and closes it again to idle', () => {
    expect(followCircuit(backend.db, id, opened)).toBe(true);
    expect(stateOf()).toEqual({ state: 'circuit_open', code: 'server', circuitOpenUntil: openUntil });
    expect(followCircuit(backend.db, id, closed)).toBe(true);
    expect(stateOf()).toEqual({ state: 'idle', code: null, circuitOpenUntil: null });
  });

  it('changes nothing, and says so, where the state is not the circuit’s to set', () => {
    expect(followCircuit(backend.db, id, closed)).toBe(false);
    expect(followCircuit(backend.db, id, { state: 'half_open', openUntil: null, cause: null })).toBe(false);
    for (const state of ['syncing', 'disabled', 'credentials_rejected'] as const) {
      setInstitutionState(backend.db, id, state, {});
      expect(followCircuit(backend.db, id, opened), state).toBe(false);
      expect(stateOf().state).toBe(state);
    }
    setInstitutionState(backend.db, id, 'idle', {});
    updateInstitution(backend.db, id, { enabled: false });
    expect(followCircuit(backend.db, id, opened)).toBe(false);
    expect(stateOf().state).toBe('idle');
  });
});

describe('circuitChanged', () => {
  it('tells the Sync page once per change of the institution’s state', () => {
    backend.services.sync.circuitChanged(id, opened);
    expect(pushed.map((event) => event.payload)).toEqual([{ institutionId: id }]);
    backend.services.sync.circuitChanged(id, closed);
    expect(pushed.map((event) => event.payload)).toEqual([{ institutionId: id }, { institutionId: id }]);
  });

  it('tells it nothing when the circuit left the state as it was', () => {
    backend.services.sync.circuitChanged(id, closed);
    backend.services.sync.circuitChanged(id, { state: 'half_open', openUntil: null, cause: null });
    setInstitutionState(backend.db, id, 'syncing', {});
    backend.services.sync.circuitChanged(id, opened);
    expect(pushed).toEqual([]);
  });
});
