/** Review configuration: the reason codes per queue and action, and the review settings (SLA, lease, four-eyes). */
import type { ReviewQueue } from '../../shared/domain/findings';
import type { ReasonAction, ReasonCode, ReviewSettings } from '../../shared/contracts/review';
import { AppError } from '../../shared/rpc/errors';
import { writeTransaction } from '../db/connection';
import type { ReviewReasonCodeRow } from '../db/schema';
import { findReasonCode, findReasonCodeById, insertReasonCode, listReasonCodes, updateReasonCode } from '../repositories/review-reason-codes';
import type { Actor } from '../core/actor';
import { queues, type ReviewContext } from './context';
import { writeReviewSettings } from './settings';
import { toReasonCode } from './views';

export function createConfiguration(context: ReviewContext) {
  const { db, clock, audit, settings, changed } = context;

  function reasonCodes(input: { queue?: ReviewQueue; includeInactive: boolean }): ReasonCode[] {
    return listReasonCodes(db, input).map(toReasonCode);
  }

  function saveReasonCode(
    actor: Actor,
    input: { id?: number; queue: ReviewQueue; action: ReasonAction; code: string; labelZh: string; labelEn: string; active: boolean; sortOrder: number },
  ): ReasonCode {
    const now = clock.now();
    return writeTransaction(db, (tx) => {
      let row: ReviewReasonCodeRow;
      if (input.id !== undefined) {
        const current = findReasonCodeById(tx, input.id);
        if (!current) throw new AppError('NOT_FOUND', `No reason code ${input.id}.`);
        if (current.code !== input.code || current.queue !== input.queue || current.action !== input.action) {
          throw new AppError('VALIDATION', 'A reason code’s code, queue and action never change (past decisions refer to them); add a new code instead.', { field: 'code' });
        }
        row = updateReasonCode(tx, input.id, { labelZh: input.labelZh, labelEn: input.labelEn, active: input.active, sortOrder: input.sortOrder, updatedAt: now, updatedBy: actor.id });
      } else {
        if (findReasonCode(tx, input.queue, input.action, input.code)) {
          throw new AppError('CONFLICT', `The code ${input.code} already exists for this queue and action.`, { field: 'code' });
        }
        row = insertReasonCode(tx, { ...input, updatedAt: now, updatedBy: actor.id });
      }
      audit.record(tx, actor, 'review.reason-code-saved', { type: 'review_reason_code', id: row.id }, { queue: row.queue, action: row.action, code: row.code, active: row.active });
      return toReasonCode(row);
    });
  }

  function saveSettings(actor: Actor, input: ReviewSettings): ReviewSettings {
    const now = clock.now();
    context.forgetSettings();
    writeTransaction(db, (tx) => {
      writeReviewSettings(tx, input, now, actor.id);
      audit.record(tx, actor, 'review.settings-saved', { type: 'setting', id: 'review.settings' }, { ...input });
    });
    context.forgetSettings();
    changed(...queues);
    return settings();
  }

  return { reasonCodes, saveReasonCode, saveSettings };
}
