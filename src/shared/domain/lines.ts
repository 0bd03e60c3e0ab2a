/**
 * Credit line availability.
 * - revolving: available = limit − outstanding drawn principal; repaying a drawdown restores its
 *   principal; any overdue drawdown freezes drawing (reason 'overdue') even with limit left;
 *   nothing can be drawn outside [validFrom, validTo).
 * - single batch: the whole limit is drawn at once (or, where the product allows, any smaller
 *   amount), once; after a draw the line is consumed, after its window it is expired.
 */
import { z } from 'zod';
import { daysBetween, shanghaiDate } from '../time';

export const lineModes = ['revolving', 'single_batch'] as const;
export const lineModeSchema = z.enum(lineModes);
export type LineMode = z.infer<typeof lineModeSchema>;

/**
 * 'not_started' is before validFrom. Precedence: consumed (single batch already drawn) >
 * not_started > expired > frozen > exhausted > active.
 */
export type LineState = 'active' | 'frozen' | 'expired' | 'exhausted' | 'consumed' | 'not_started';
export type LineFlag = 'expiring_soon' | 'frozen_overdue' | 'exhausted' | 'unused_single_batch_expiring' | 'expired';

export interface CreditLine {
  mode: LineMode;
  limitFen: number;
  /** Epoch ms the line becomes usable (inclusive). */
  validFrom: number;
  /** Epoch ms the line stops being usable (exclusive). */
  validTo: number;
  /** Single batch only: a smaller amount than the limit may be drawn. */
  allowPartialDraw?: boolean;
}

export interface LineDrawdown {
  principalFen: number;
  outstandingPrincipalFen: number;
  overdue: boolean;
}

export interface LineAvailability {
  /** Revolving: outstanding drawn principal. Single batch: principal drawn. */
  usedFen: number;
  /** What can be drawn now: 0 unless the state is 'active'. */
  availableFen: number;
  /** limit − used, whatever the state (what would be available once unfrozen). */
  remainingLimitFen: number;
  /** The smallest amount a draw may be now (single batch without partial draw: the whole limit); 0 when nothing can be drawn. */
  minimumDrawFen: number;
  state: LineState;
  freezeReason: 'overdue' | null;
  flags: LineFlag[];
  /** Whole Asia/Shanghai calendar days from `at` to the day validity ends (negative once past). */
  daysToExpiry: number;
}

/**
 * What a line allows at `at`. Flags: 'expiring_soon' when validity ends within
 * expiringWithinDays calendar days; 'unused_single_batch_expiring' when an undrawn single batch
 * ends within singleBatchExpiringDays (default 3); 'frozen_overdue', 'exhausted', 'expired'.
 */
export function lineAvailability(
  line: CreditLine,
  drawdowns: readonly LineDrawdown[],
  at: number,
  options: { expiringWithinDays: number; singleBatchExpiringDays?: number },
): LineAvailability {
  if (!Number.isSafeInteger(line.limitFen) || line.limitFen < 0) throw new RangeError('limitFen must be a non-negative integer');
  const singleBatch = line.mode === 'single_batch';
  const usedFen = drawdowns.reduce((sum, drawdown) => sum + (singleBatch ? drawdown.principalFen : drawdown.outstandingPrincipalFen), 0);
  const remainingLimitFen = Math.max(0, line.limitFen - usedFen);
  const anyOverdue = drawdowns.some((drawdown) => drawdown.overdue);
  const consumed = singleBatch && drawdowns.length > 0;
  const expired = at >= line.validTo;
  const notStarted = at < line.validFrom;
  // validTo is exclusive: the last usable day is the day of validTo − 1 ms.
  const daysToExpiry = daysBetween(shanghaiDate(at), shanghaiDate(line.validTo - 1));

  let state: LineState;
  if (consumed) state = 'consumed';
  else if (notStarted) state = 'not_started';
  else if (expired) state = 'expired';
  else if (anyOverdue) state = 'frozen';
  else if (remainingLimitFen === 0) state = 'exhausted';
  else state = 'active';

  const flags: LineFlag[] = [];
  if (expired) flags.push('expired');
  if (!expired && !consumed && daysToExpiry <= options.expiringWithinDays) flags.push('expiring_soon');
  if (anyOverdue) flags.push('frozen_overdue');
  if (!singleBatch && !expired && remainingLimitFen === 0) flags.push('exhausted');
  const singleBatchExpiringDays = options.singleBatchExpiringDays ?? 3;
  if (singleBatch && !consumed && !expired && daysToExpiry <= singleBatchExpiringDays) flags.push('unused_single_batch_expiring');

  const availableFen = state === 'active' ? remainingLimitFen : 0;
  const minimumDrawFen = availableFen === 0 ? 0 : singleBatch && line.allowPartialDraw !== true ? line.limitFen : 1;
  return {
    usedFen,
    availableFen,
    remainingLimitFen,
    minimumDrawFen,
    state,
    freezeReason: anyOverdue ? 'overdue' : null,
    flags,
    daysToExpiry,
  };
}
