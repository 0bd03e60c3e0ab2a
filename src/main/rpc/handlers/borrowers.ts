import { AppError } from '../../../shared/rpc/errors';
import type { BorrowerLookupService } from '../../portfolio/borrowers';
import type { Handlers } from '../router';

export function borrowersHandlers(borrowers: BorrowerLookupService): Pick<Handlers, 'borrowers:search' | 'borrowers:get' | 'borrowers:reveal'> {
  return {
    'borrowers:search': (input, context) => {
      if (!context.actor) throw new AppError('UNAUTHORIZED', 'Sign in first.');
      return borrowers.search(context.actor, input);
    },
    'borrowers:get': (input) => borrowers.page(input.id),
    'borrowers:reveal': (input, context) => {
      if (!context.actor) throw new AppError('UNAUTHORIZED', 'Sign in first.');
      return borrowers.reveal(context.actor, input);
    },
  };
}
