/** The record index's rows (store.ts `records`): how the institution builds them and reads them back. */
import type { ResourceName } from '../../shared/institution-api';
import type { RecordRow } from './store';

/** Resource by its code in the record index (`resourceCode` is the other direction). */
export const resourceByCode = ['applications', 'credit-lines', 'orders', 'repayment-plans', 'repayments'] as const satisfies readonly ResourceName[];

// Positional builders with one object shape: the bulk load makes millions of these.
export function recordRow(
  inst: number,
  resource: number,
  id: string,
  modelId: string,
  version: number,
  updatedMs: number | null,
  createdMs: number,
  stateMs: number,
  nextMs: number | null,
  status: string | null,
  amount1: number,
  amount2: number,
): RecordRow {
  return { inst, resource, id, model_id: modelId, version, updated_ms: updatedMs, created_ms: createdMs, state_ms: stateMs, next_ms: nextMs, status, amount1, amount2 };
}

/** A record planned for later: invisible (updated_ms null) until the clock reaches createdMs. */
export function latentRow(inst: number, resource: number, id: string, modelId: string, createdMs: number): RecordRow {
  return recordRow(inst, resource, id, modelId, 1, null, createdMs, createdMs, createdMs, null, 0, 0);
}

export function statsColumns(resource: number, body: Record<string, unknown>): Pick<RecordRow, 'status' | 'amount1' | 'amount2'> {
  const number = (key: string) => (typeof body[key] === 'number' ? (body[key] as number) : 0);
  const status = typeof body.status === 'string' ? body.status : null;
  switch (resourceByCode[resource]) {
    case 'applications':
      return { status, amount1: number('requested_amount_fen'), amount2: 0 };
    case 'credit-lines':
      return { status, amount1: number('limit_fen'), amount2: number('used_fen') };
    case 'orders':
      return { status, amount1: number('principal_fen'), amount2: 0 };
    case 'repayments':
      return { status: null, amount1: number('amount_fen'), amount2: 0 };
    default:
      return { status: null, amount1: 0, amount2: 0 };
  }
}

export function pick<Key extends string>(counts: Record<string, number>, keys: readonly Key[]): Partial<Record<Key, number>> {
  const result: Partial<Record<Key, number>> = {};
  for (const key of keys) if (counts[key] !== undefined) result[key] = counts[key];
  return result;
}
