import type { InstitutionService } from '../../institutions/service';
import type { SyncService } from '../../sync/service';
import type { Handlers } from '../router';

export function institutionsHandlers(
  institutions: InstitutionService,
  sync: Pick<SyncService, 'startDemo'>,
): Pick<Handlers, 'institutions:list' | 'institutions:create' | 'institutions:update' | 'institutions:test-connection' | 'institutions:start-demo'> {
  return {
    'institutions:list': () => institutions.list(),
    'institutions:create': (input, context) => institutions.create(context.actor, input),
    'institutions:update': (input, context) => institutions.update(context.actor, input),
    'institutions:test-connection': (input) => institutions.testConnection(input),
    'institutions:start-demo': (_input, context) => sync.startDemo(context.actor),
  };
}
