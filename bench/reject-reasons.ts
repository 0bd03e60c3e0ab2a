/**
 * What the benches' reviewers reject with: each queue's first active reject reason, read through
 * the caller's own path (`codesOf` answers a queue's `review:reason-codes`).
 */
import { reviewQueues, type ReviewQueue } from '../src/shared/domain/findings';

export type ReasonCodeRow = { code: string; action: string; active: boolean };

export async function rejectReasons(codesOf: (queue: ReviewQueue) => Promise<ReasonCodeRow[]>): Promise<Record<string, string>> {
  const reasons: Record<string, string> = {};
  for (const queue of reviewQueues) reasons[queue] = (await codesOf(queue)).find((code) => code.action === 'reject' && code.active)?.code ?? '';
  return reasons;
}
