/** Pure: when an approval waits for a supervisor's second decision (deciding, and the task view's warning). */
import { findingCatalog } from '../../shared/domain/findings';
import type { ReviewSettings } from '../../shared/contracts/review';
import type { ReviewTaskRow } from '../db/schema';

/** Finding codes whose presence makes an approval need a supervisor's second decision. */
const rejectBandCodes = new Set(['face_score_reject']);

/** Why approving this task needs a second decision (none: it does not). */
export function fourEyesReasons(task: Pick<ReviewTaskRow, 'findingCodes'>, riskResult: string | null, settings: ReviewSettings): string[] {
  const reasons: string[] = [];
  const codes = task.findingCodes.split(',');
  if (codes.some((code) => rejectBandCodes.has(code))) reasons.push('reject_band');
  else if (settings.fourEyesOnHighSeverity && codes.some((code) => (findingCatalog as Record<string, { severity: string } | undefined>)[code]?.severity === 'high')) {
    reasons.push('high_severity');
  }
  if (riskResult === 'reject') reasons.push('overturns_automatic_rejection');
  return reasons;
}
