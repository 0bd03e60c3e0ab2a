import type { PresenceService } from '../../review/presence';
import { AppError } from '../../../shared/rpc/errors';
import type { CallContext } from '../../core/actor';
import type { Handlers } from '../router';

function actorOf(context: CallContext) {
  if (!context.actor) throw new AppError('UNAUTHORIZED', 'Sign in first.');
  return context.actor;
}

export function presenceHandlers(presence: PresenceService): Pick<Handlers, 'presence:list' | 'presence:release-claim'> {
  return {
    'presence:list': () => presence.list(),
    'presence:release-claim': (input, context) => presence.releaseClaim(actorOf(context), input),
  };
}
