/**
 * Why an institution is in its state is stored with the state as a closed code and HTTP status
 * (the Sync page words it in the user's language), by every writer: a pass, the circuit opened by
 * the outbox's deliveries, an operator's action. The card reads the institution's own reason, so
 * it is right when the last run says something else.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReviewDecisionRequest } from '../../src/shared/institution-api';
import { findInstitutionById, setInstitutionState } from '../../src/main/repositories/institutions';
import { enqueueOutbox } from '../../src/main/repositories/outbox';
import { noFaults } from '../../src/main/simulator/faults';
import { nextRunAt } from '../../src/main/sync/scheduler';
import { institutionId, startSyncWorld, type SyncWorld } from './sync-support';

let world: SyncWorld;
let id: number;
beforeEach(async () => {
  world = await startSyncWorld({ borrowers: 30, institutions: 1, seed: 'state-reason' });
  id = institutionId(world, 'qinghe');
});
afterEach(() => world.close());

function reasonOf() {
  const row = findInstitutionById(world.backend.db, id);
  if (!row) throw new Error('institution expected');
  return { state: row.state, code: row.stateReasonCode, status: row.stateReasonStatus, text: row.stateReason, circuitOpenUntil: row.circuitOpenUntil };
}

function card() {
  const entry = world.backend.services.sync.overview().institutions.find((status) => status.institution.id === id);
  if (!entry) throw new Error('institution expected on the Sync page');
  return entry;
}

const decision: ReviewDecisionRequest = {
  decision: 'reject',
  reviewer_id: 'reviewer-7',
  reason_codes: ['CONTACT_UNVERIFIED'],
  comment: 'contact could not be reached',
  decided_at: '2026-11-20T04:00:00.000Z',
  application_version: 1,
  face_compare_basis: null,
};

function queueDecision(key: string): void {
  enqueueOutbox(world.backend.db, { institutionId: id, kind: 'review-decision', subjectId: 'APP-1', idempotencyKey: key, payload: decision }, 0);
}

describe("an institution's state reason", () => {
  it('is stored with its code by a failing pass that opens the circuit, and the Sync page reads it', async () => {
    world.sim.admin.setFaults({ rate5xx: 1 });
    const [result] = await world.backend.services.sync.runOnce({ institutionIds: [id] });
    expect(result).toMatchObject({ status: 'failed', state: 'circuit_open', errorKind: 'circuit_open' });
    const reason = reasonOf();
    expect(reason).toMatchObject({ state: 'circuit_open', code: 'circuit_open', status: null });
    expect(reason.text).toMatch(/^Circuit open until /);
    expect(card().institution).toMatchObject({ state: 'circuit_open', stateReasonCode: 'circuit_open', stateReasonStatus: null, stateReason: reason.text });
  });

  it('is set by an outbox delivery that opens the circuit after a good pass: the failure that opened it, with its HTTP status', async () => {
    const [first] = await world.backend.services.sync.runOnce({ institutionIds: [id] });
    expect(first?.status).toBe('succeeded');
    expect(reasonOf()).toMatchObject({ state: 'idle', code: null, text: null });

    queueDecision('state-reason-0001');
    world.sim.admin.setFaults({ rate5xx: 1 });
    const outcome = await world.backend.services.sync.deliverOutbox();
    expect(outcome).toEqual({ delivered: 0, retrying: 1, failed: 0 });
    const reason = reasonOf();
    expect(reason).toMatchObject({ state: 'circuit_open', code: 'server' });
    expect([500, 503]).toContain(reason.status);
    expect(reason.text).toContain(`HTTP ${reason.status}`);
    expect(reason.circuitOpenUntil).toBeGreaterThan(world.backend.clock.now());
    // The scheduler waits for the open period rather than start a pass the circuit would refuse.
    const row = findInstitutionById(world.backend.db, id);
    expect(nextRunAt(row ?? ({} as never), world.backend.clock.now())).toBe(reason.circuitOpenUntil);
    // The last run succeeded: only the institution's own reason can say why it is paused.
    const status = card();
    expect(status.lastRun).toMatchObject({ status: 'succeeded', errorCode: null });
    expect(status.institution).toMatchObject({ state: 'circuit_open', stateReasonCode: 'server', stateReasonStatus: reason.status, stateReason: reason.text });

    // An operator's "Sync now" closes the circuit: the state and its whole reason go.
    world.sim.admin.setFaults(noFaults);
    world.backend.services.sync.syncNow(null, { institutionId: id });
    expect(reasonOf()).toMatchObject({ code: null, status: null, text: null, circuitOpenUntil: null });
    expect(reasonOf().state).not.toBe('circuit_open');
    await world.backend.services.sync.runOnce({ institutionIds: [id] });
  });

  it('is not overwritten by the circuit when the credentials were refused, and goes when an operator disables the institution', async () => {
    const refused = { code: 'credentials' as const, status: 401, text: 'HTTP 401 INVALID_SIGNATURE: signature mismatch' };
    setInstitutionState(world.backend.db, id, 'credentials_rejected', { reason: refused });
    queueDecision('state-reason-0002');
    world.sim.admin.setFaults({ rate5xx: 1 });
    await world.backend.services.sync.deliverOutbox();
    expect(world.backend.services.institutionClients.circuitState(id).state).toBe('open');
    expect(reasonOf()).toMatchObject({ state: 'credentials_rejected', code: 'credentials', status: 401, text: refused.text });

    world.backend.services.institutions.update(null, { id, enabled: false });
    expect(reasonOf()).toMatchObject({ state: 'disabled', code: null, status: null, text: null });
  });
});
