import type { ExportService } from '../../exports/service';
import type { ReportsService } from '../../reports/service';
import type { Handlers } from '../router';
import { requireActor } from './auth';

export function reportsHandlers(
  reports: ReportsService,
  exports: ExportService,
): Pick<Handlers, 'reports:review-operations' | 'reports:auth-funnel' | 'reports:portfolio' | 'reports:export'> {
  return {
    'reports:review-operations': (input) => reports.reviewOperations(input),
    'reports:auth-funnel': (input) => reports.authFunnel(input),
    'reports:portfolio': (input) => reports.portfolio(input),
    'reports:export': (input, context) =>
      exports.start(requireActor(context.actor), reports.source(input.report), input.filter, { format: input.format, clear: input.clear }),
  };
}
