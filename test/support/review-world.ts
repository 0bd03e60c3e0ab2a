/**
 * The world the review service's tests share (src/main/review/*.test.ts): a fresh backend on a
 * manual clock, two reviewers and two supervisors signed in, one institution, and helpers that call
 * the router as those operators. `useReviewWorld()` registers the hooks in the calling suite; the
 * exported `let`s are live bindings, set anew before each test.
 */
import { afterEach, beforeEach } from 'vitest';
import type { Envelope } from '../../src/shared/rpc/errors';
import type { CallContext } from '../../src/main/core/actor';
import type { Backend } from '../../src/main/runtime/backend';
import { createTestBackend, ManualClock, operatorContext } from './backend';
import { fixtureRecord, ingestFixtureApplication, insertFixtureInstitution, type FixtureOptions } from './review-fixtures';

export let backend: Backend & { cleanup(): Promise<void> };
export let clock: ManualClock;
export let reviewer: CallContext;
export let reviewer2: CallContext;
export let supervisor: CallContext;
export let supervisor2: CallContext;
export let institutionId: number;

const start = Date.UTC(2026, 10, 25, 2, 0, 0);

/** A fresh world before each test of the calling suite, cleaned up after it. */
export function useReviewWorld(): void {
  beforeEach(async () => {
    clock = new ManualClock(start);
    backend = await createTestBackend({ clock });
    reviewer = await operatorContext(backend, 'wang', 'reviewer');
    reviewer2 = await operatorContext(backend, 'li', 'reviewer');
    supervisor = await operatorContext(backend, 'zhao', 'supervisor');
    supervisor2 = await operatorContext(backend, 'qian', 'supervisor');
    institutionId = insertFixtureInstitution(backend.db, 'HNXD');
  });
  afterEach(async () => backend.cleanup());
}

export async function call<T>(channel: string, input: unknown, context: CallContext): Promise<T> {
  const result = (await backend.router.call(channel, input, context)) as Envelope<T>;
  if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
  return result.data;
}

export async function failure(channel: string, input: unknown, context: CallContext): Promise<{ code: string; message: string; details?: unknown }> {
  const result = await backend.router.call(channel, input, context);
  if (result.ok) throw new Error(`${channel} unexpectedly succeeded`);
  return result.error;
}

export function ingest(options: FixtureOptions, at = clock.now()) {
  return ingestFixtureApplication(backend.db, institutionId, fixtureRecord(options, at), at);
}

export function sql<T>(text: string, ...params: unknown[]): T[] {
  return backend.db.$client.prepare(text).all(...params) as T[];
}

/** A face score in the grey band (review), everything else clean: one face task. */
export const grey = (externalId: string, extra: Partial<FixtureOptions> = {}): FixtureOptions => ({ externalId, face: { score: 65 }, ...extra });
/** Another borrower (a valid number whose encoded birth date the OCR reads the same). */
export const zhang = { borrower: { name: '张三', idNumber: '440308199901101512', phone: '13700000001' }, ocr: { birthDate: '1999-01-10' } };

interface TaskDetailLike {
  task: { id: number; status: string; evidenceHash: string; canDecide: boolean; returnNote: string | null; fourEyesOnApprove: string[]; heldByMe: boolean };
  timeline: Array<{ kind: string; operator: { name: string } | null; details: Record<string, unknown> }>;
  borrower: { name: { value: string; revealKey: string | null } };
  findings: Array<{ code: string }>;
}

export async function detail(taskId: number, context: CallContext = reviewer): Promise<TaskDetailLike> {
  return call<TaskDetailLike>('review:task', { taskId }, context);
}

export function outbox() {
  return sql<{ kind: string; subject_id: string; payload: string; idempotency_key: string; state: string; id: number }>('SELECT * FROM outbox ORDER BY id');
}
