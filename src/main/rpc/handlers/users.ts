import type { OperatorService } from '../../users/service';
import type { Handlers } from '../router';

export function usersHandlers(operators: OperatorService): Pick<
  Handlers,
  'users:list' | 'users:create' | 'users:update' | 'users:reset-password'
> {
  return {
    'users:list': () => operators.list(),
    'users:create': (input, context) => operators.create(context.actor, input),
    'users:update': (input, context) => operators.update(context.actor, input),
    'users:reset-password': (input, context) => operators.resetPassword(context.actor, input),
  };
}
