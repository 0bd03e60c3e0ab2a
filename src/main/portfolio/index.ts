/**
 * The portfolio capability: dashboards, lists and details (service.ts), borrower lookup
 * (borrowers.ts) and the snapshot job behind history and roll rates (snapshots.ts). Reports reuse
 * figures.ts (pure figures from summary rows) and the read repositories portfolio-*.ts.
 */
import type { Db } from '../db/connection';
import type { Logger } from '../logging/logger';
import type { AuditRecorder } from '../core/audit';
import type { Clock } from '../core/clock';
import type { Pacer } from '../core/pacer';
import type { DomainSettings } from '../../shared/domain/settings';
import { createBorrowerLookupService, type BorrowerLookupService } from './borrowers';
import { createPortfolioService, type PortfolioService } from './service';
import { createSnapshotJob, type SnapshotJob } from './snapshots';

export interface Portfolio {
  portfolio: PortfolioService;
  borrowers: BorrowerLookupService;
  snapshots: SnapshotJob;
}

/** `pacer`: the back end's, the sync's (runtime/backend.ts): the snapshot job's pieces share its bound. */
export function createPortfolio(options: { db: Db; clock: Clock; audit: AuditRecorder; logger: Logger; settings: () => DomainSettings; pacer?: Pacer }): Portfolio {
  const settings = options.settings;
  return {
    portfolio: createPortfolioService({ db: options.db, clock: options.clock, settings }),
    borrowers: createBorrowerLookupService({ db: options.db, audit: options.audit, clock: options.clock, settings }),
    snapshots: createSnapshotJob({ db: options.db, clock: options.clock, settings, logger: options.logger, pacer: options.pacer }),
  };
}
