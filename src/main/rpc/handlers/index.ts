import type { Services } from '../services';
import type { Handlers } from '../router';
import { auditHandlers } from './audit';
import { authHandlers } from './auth';
import { institutionsHandlers } from './institutions';
import { settingsHandlers, syncHandlers } from './sync';
import { reviewHandlers } from './review';
import { borrowersHandlers } from './borrowers';
import { portfolioHandlers } from './portfolio';
import { exportsHandlers } from './exports';
import { reportsHandlers } from './reports';
import { systemHandlers } from './system';
import { usersHandlers } from './users';

/** Every channel's handler; the `Handlers` type makes a missing one a compile error. */
export function createHandlers(services: Services): Handlers {
  return {
    ...authHandlers(services.auth),
    ...institutionsHandlers(services.institutions, services.sync),
    ...syncHandlers(services.sync),
    ...settingsHandlers(services.domainSettings),
    ...reviewHandlers(services.review),
    ...portfolioHandlers(services.portfolio),
    ...borrowersHandlers(services.borrowers),
    ...exportsHandlers(services.exports),
    ...reportsHandlers(services.reports, services.exports),
    ...auditHandlers(services.audit, services.exports),
    ...usersHandlers(services.operators),
    ...systemHandlers(services.system),
  };
}
