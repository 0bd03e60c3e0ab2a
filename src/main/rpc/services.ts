import type { InstitutionService } from '../institutions/service';
import type { AuditBrowser } from '../audit/service';
import type { ExportService } from '../exports/service';
import type { ReportsService } from '../reports/service';
import type { AuthService } from '../auth/service';
import type { BorrowerLookupService } from '../portfolio/borrowers';
import type { PortfolioService } from '../portfolio/service';
import type { ReviewService } from '../review/service';
import type { OperatorService } from '../users/service';
import type { SystemService } from '../system/service';
import type { InstitutionClients } from '../institution-api/client';
import type { SyncService } from '../sync/service';
import type { DomainSettingsService } from '../settings/service';

/** Every service the router's handlers may call, built once per process by the backend. */
export interface Services {
  auth: AuthService;
  operators: OperatorService;
  system: SystemService;
  /** Line and loan dashboards, lists and details (src/main/portfolio). */
  portfolio: PortfolioService;
  /** Borrower lookup, the borrower page and the audited reveal. */
  borrowers: BorrowerLookupService;
  /** Configured institutions (Settings > Institutions, `creditdesk institutions`). */
  institutions: InstitutionService;
  /** `institutionClients.forInstitution(id)`: the signed, retried, zod-checked API of one institution. */
  institutionClients: InstitutionClients;
  /** The sync engine: passes, schedule, quarantine, reconciliation, outbox delivery (src/main/sync). */
  sync: SyncService;
  /** Business settings of the domain rules (grace days, APR thresholds, face bands...). */
  domainSettings: DomainSettingsService;
  /** The manual-review queues: claims, evidence, decisions, assignments. */
  review: ReviewService;
  /** Background exports (CSV/XLSX/PDF) with progress, cancel, download or save dialog. */
  exports: ExportService;
  /** Supervisor reports (review operations, authentication funnel, portfolio), on screen and as exports. */
  reports: ReportsService;
  /** Browse, verify and export the audit log. */
  audit: AuditBrowser;
}
