/**
 * The institution's state follows its circuit between passes. The circuit counts every request
 * to the institution, the outbox's deliveries and an operator's quarantine retries as well as
 * the passes', so it can open while no pass runs; the Sync page then says so, with the failure
 * that opened it, and the scheduler waits for the open period instead of starting a pass the
 * circuit would refuse.
 */
import type { SyncFailure } from '../../shared/contracts/sync';
import { writeTransaction, type Db } from '../db/connection';
import { findInstitutionById, setInstitutionState } from '../repositories/institutions';
import type { CircuitState } from '../institution-api/circuit';

export interface CircuitChange {
  state: CircuitState;
  openUntil: number | null;
  /** The failure that opened the circuit (null when it closed). */
  cause: SyncFailure | null;
}

/**
 * Opened: the state becomes circuit_open, its reason the failure that opened it. Closed again (a
 * trial request answered, an operator's reset): circuit_open becomes idle. A running pass writes
 * its own state when it ends, and a disabled institution or refused credentials keep theirs (the
 * circuit counts outages only, which say nothing about credentials). True when the state changed.
 */
export function followCircuit(db: Db, institutionId: number, change: CircuitChange): boolean {
  return writeTransaction(db, () => {
    const row = findInstitutionById(db, institutionId);
    if (!row?.enabled) return false;
    if (change.state === 'open') {
      if (row.state === 'syncing' || row.state === 'disabled' || row.state === 'credentials_rejected') return false;
      setInstitutionState(db, institutionId, 'circuit_open', { reason: change.cause, circuitOpenUntil: change.openUntil });
      return true;
    }
    if (change.state === 'closed' && row.state === 'circuit_open') {
      setInstitutionState(db, institutionId, 'idle', { circuitOpenUntil: null });
      return true;
    }
    return false;
  });
}
