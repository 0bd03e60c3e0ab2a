import { AppError } from '../../../shared/rpc/errors';
import type { ReviewService } from '../../review/service';
import type { CallContext } from '../../core/actor';
import type { Handlers } from '../router';

type ReviewChannel =
  | 'review:counts'
  | 'review:list'
  | 'review:filter-options'
  | 'review:next'
  | 'review:claim'
  | 'review:renew'
  | 'review:release'
  | 'review:task'
  | 'review:decide'
  | 'review:second-decision'
  | 'review:snooze'
  | 'review:assign'
  | 'review:workload'
  | 'review:inbox'
  | 'review:reveal'
  | 'review:image'
  | 'review:reason-codes'
  | 'review:save-reason-code'
  | 'review:settings'
  | 'review:save-settings';

function actorOf(context: CallContext) {
  // The router has already refused callers who are not signed in.
  if (!context.actor) throw new AppError('UNAUTHORIZED', 'Sign in first.');
  return context.actor;
}

export function reviewHandlers(review: ReviewService): Pick<Handlers, ReviewChannel> {
  return {
    'review:counts': (_input, context) => review.counts(actorOf(context)),
    'review:list': (input, context) => review.list(actorOf(context), input),
    'review:filter-options': () => review.filterOptions(),
    'review:next': (input, context) => review.next(actorOf(context), input),
    'review:claim': (input, context) => review.claim(actorOf(context), input.taskId),
    'review:renew': (input, context) => review.renew(actorOf(context), input.taskId),
    'review:release': (input, context) => review.release(actorOf(context), input.taskId),
    'review:task': (input, context) => review.task(actorOf(context), input.taskId),
    'review:decide': (input, context) => review.decide(actorOf(context), input),
    'review:second-decision': (input, context) => review.secondDecision(actorOf(context), input),
    'review:snooze': (input, context) => review.snooze(actorOf(context), input),
    'review:assign': (input, context) => review.assign(actorOf(context), input),
    'review:workload': () => review.workload(),
    'review:inbox': () => review.inbox(),
    'review:reveal': (input, context) => review.reveal(actorOf(context), input),
    'review:image': async (input, context) => {
      const image = await review.image(actorOf(context), input);
      return { dataUrl: `data:${image.contentType};base64,${image.body.toString('base64')}` };
    },
    'review:reason-codes': (input) => review.reasonCodes(input),
    'review:save-reason-code': (input, context) => review.saveReasonCode(actorOf(context), input),
    'review:settings': () => review.settings(),
    'review:save-settings': (input, context) => review.saveSettings(actorOf(context), input),
  };
}
