import type { AuthFunnelReport, PortfolioReport, ReportFilter, ReportId, ReviewOperationsReport } from '../../shared/contracts/reports';
import type { ReviewSettings } from '../../shared/contracts/review';
import { assertNever } from '../../shared/rpc/errors';
import type { Db } from '../db/connection';
import type { ExportSource } from '../exports/service';
import type { PortfolioService } from '../portfolio/service';
import type { Clock } from '../core/clock';
import { authFunnelDocument, buildAuthFunnel } from './funnel';
import { buildPortfolioReport, portfolioDocument } from './portfolio';
import { institutionNames } from '../repositories/reports';
import { buildReviewOperations, reviewOperationsDocument } from './review-operations';

export interface ReportsService {
  reviewOperations(filter: ReportFilter): ReviewOperationsReport;
  authFunnel(filter: ReportFilter): AuthFunnelReport;
  portfolio(filter: ReportFilter): PortfolioReport;
  /** The report as an export source (CSV/XLSX/PDF through the export service). */
  source(id: ReportId): ExportSource<ReportFilter>;
}

export interface ReportsServiceOptions {
  db: Db;
  clock: Clock;
  portfolio: PortfolioService;
  /** The review queues' SLA settings (what counts as a breach). */
  reviewSettings: () => ReviewSettings;
}

/** Supervisor reports over the review, application and loan data (read-only). */
export function createReportsService(options: ReportsServiceOptions): ReportsService {
  const { db, clock, portfolio } = options;

  function source(id: ReportId): ExportSource<ReportFilter> {
    return {
      kind: id,
      permission: 'reports:export',
      fileStem(filter) {
        const institution = filter.institutionId === undefined ? '' : `_${institutionNames(db).find((row) => row.id === filter.institutionId)?.code ?? filter.institutionId}`;
        return `${id}_${filter.from}_${filter.to}${institution}`;
      },
      describe(filter) {
        return { ...filter };
      },
      build(database, filter, context) {
        switch (id) {
          case 'review-operations': {
            const settings = options.reviewSettings();
            return reviewOperationsDocument(database, filter, context, buildReviewOperations(database, filter, clock.now(), settings), settings);
          }
          case 'auth-funnel':
            return authFunnelDocument(database, filter, context, buildAuthFunnel(database, filter, clock.now()));
          case 'portfolio':
            return portfolioDocument(database, filter, context, buildPortfolioReport(database, portfolio, filter));
          default:
            return assertNever(id);
        }
      },
    };
  }

  return {
    reviewOperations: (filter) => buildReviewOperations(db, filter, clock.now(), options.reviewSettings()),
    authFunnel: (filter) => buildAuthFunnel(db, filter, clock.now()),
    portfolio: (filter) => buildPortfolioReport(db, portfolio, filter),
    source,
  };
}
