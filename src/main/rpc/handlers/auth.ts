import { AppError } from '../../../shared/rpc/errors';
import type { AuthService } from '../../auth/service';
import type { Actor } from '../../core/actor';
import type { Handlers } from '../router';

/** The router has checked access already; this narrows the type for handlers of signed-in channels. */
export function requireActor(actor: Actor | null): Actor {
  if (!actor) throw new AppError('UNAUTHORIZED', 'Sign in first.');
  return actor;
}

export function authHandlers(auth: AuthService): Pick<
  Handlers,
  'auth:sign-in' | 'auth:session' | 'auth:sign-out' | 'auth:change-password' | 'auth:set-locale' | 'auth:session-settings' | 'auth:set-session-settings'
> {
  return {
    'auth:sign-in': (input, context) => auth.signIn(input, context, context.source),
    'auth:session': (_input, context) => auth.sessionState(context),
    'auth:sign-out': (_input, context) => auth.signOut(requireActor(context.actor), context),
    'auth:change-password': (input, context) => auth.changePassword(requireActor(context.actor), input, context.source),
    'auth:set-locale': (input, context) => auth.setLocale(requireActor(context.actor), input.locale),
    'auth:session-settings': () => auth.sessionSettings(),
    'auth:set-session-settings': (input, context) => auth.setSessionSettings(requireActor(context.actor), input),
  };
}
