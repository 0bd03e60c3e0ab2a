import type { DomainSettingsService } from '../../settings/service';
import type { SyncService } from '../../sync/service';
import type { Handlers } from '../router';

export function syncHandlers(
  sync: SyncService,
): Pick<Handlers, 'sync:overview' | 'sync:now' | 'sync:runs' | 'sync:quarantine' | 'sync:quarantine-retry' | 'sync:reconciliation' | 'sync:outbox' | 'sync:outbox-retry'> {
  return {
    'sync:overview': () => sync.overview(),
    'sync:now': (input, context) => sync.syncNow(context.actor, input),
    'sync:runs': (input) => sync.runs(input),
    'sync:quarantine': (input) => sync.quarantine(input),
    'sync:quarantine-retry': (input, context) => sync.retryQuarantine(context.actor, input),
    'sync:reconciliation': (input) => sync.reconciliation(input),
    'sync:outbox': (input) => sync.outbox(input),
    'sync:outbox-retry': (input, context) => sync.retryOutbox(context.actor, input),
  };
}

export function settingsHandlers(settings: DomainSettingsService): Pick<Handlers, 'settings:get-domain' | 'settings:set-domain'> {
  return {
    'settings:get-domain': () => settings.get(),
    'settings:set-domain': (input, context) => settings.set(context.actor, input.settings),
  };
}
