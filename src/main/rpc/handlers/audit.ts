import type { AuditBrowser } from '../../audit/service';
import type { ExportService } from '../../exports/service';
import { requireActor } from './auth';
import type { Handlers } from '../router';

export function auditHandlers(audit: AuditBrowser, exports: ExportService): Pick<Handlers, 'audit:list' | 'audit:actions' | 'audit:verify' | 'audit:export'> {
  return {
    'audit:list': (input) => audit.list(input),
    'audit:actions': () => audit.actions(),
    'audit:verify': () => audit.verify(),
    'audit:export': (input, context) =>
      exports.start(requireActor(context.actor), audit.exportSource, input.filter, { format: input.format, clear: input.clear }),
  };
}
