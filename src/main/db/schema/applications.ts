import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { findingSeverities, reviewQueues } from '../../../shared/domain/findings';
import { lineModes } from '../../../shared/domain/lines';
import { applicationStatuses, riskResults } from '../../../shared/institution-api/applications';
import { epochMs, externalIdUnique, idColumn, syncedAtColumn, syncedRecordColumns } from './columns';
import { borrowersTable } from './borrowers';
import { institutionsTable } from './institutions';

/**
 * Credit applications as the institution reports them. Hot columns are lifted out for queries;
 * the whole record (authentication items and all) stays in `record` as the institution sent it.
 */
export const applicationsTable = sqliteTable(
  'applications',
  {
    ...syncedRecordColumns(() => institutionsTable.id),
    borrowerId: integer('borrower_id')
      .notNull()
      .references(() => borrowersTable.id),
    platformUserId: text('platform_user_id').notNull(),
    productCode: text('product_code').notNull(),
    productName: text('product_name').notNull(),
    lineMode: text('line_mode', { enum: lineModes }).notNull(),
    requestedAmountFen: integer('requested_amount_fen').notNull(),
    requestedTermMonths: integer('requested_term_months').notNull(),
    status: text('status', { enum: applicationStatuses }).notNull(),
    riskResult: text('risk_result', { enum: riskResults }),
    appliedAt: epochMs('applied_at').notNull(),
    submittedAt: epochMs('submitted_at'),
    creditLineExternalId: text('credit_line_external_id'),
    /** The applicationRecordSchema JSON exactly as received (validated). */
    record: text('record').notNull(),
    /** Hash of the evidence the findings were computed from; a change cancels waiting decisions. */
    evidenceHash: text('evidence_hash').notNull(),
    syncedAt: syncedAtColumn(),
  },
  (table) => [
    externalIdUnique('applications', table),
    index('applications_borrower_idx').on(table.borrowerId),
    index('applications_status_idx').on(table.status, table.institutionId),
    index('applications_applied_idx').on(table.appliedAt),
  ],
);
export type ApplicationRow = typeof applicationsTable.$inferSelect;
/** The stored version of a synced record (the same columns on every synced table: columns.ts), against which a newer one is checked. */
export type StoredVersion = Pick<ApplicationRow, 'id' | 'version' | 'remoteUpdatedAt'>;
/** An application's hot fields as the institution reports them (normalize lifts them out of the record). */
export type ReportedApplication = Pick<
  ApplicationRow,
  | 'platformUserId'
  | 'productCode'
  | 'productName'
  | 'lineMode'
  | 'requestedAmountFen'
  | 'requestedTermMonths'
  | 'status'
  | 'riskResult'
  | 'appliedAt'
  | 'submittedAt'
  | 'creditLineExternalId'
>;
/** An application version as ingest writes it; `record` may be the text's UTF-8 bytes (stored as text all the same). */
export type ApplicationWrite = Omit<ApplicationRow, 'id' | 'record'> & { record: string | Buffer };
/** What the daily pass reads of an application to evaluate its findings again. */
export type ApplicationForEvaluation = Pick<ApplicationRow, 'id' | 'institutionId' | 'borrowerId' | 'status' | 'record' | 'evidenceHash' | 'remoteUpdatedAt'>;

/** The domain findings of an application, replaced as a whole each time the application changes. */
export const applicationFindingsTable = sqliteTable(
  'application_findings',
  {
    id: idColumn(),
    applicationId: integer('application_id')
      .notNull()
      .references(() => applicationsTable.id, { onDelete: 'cascade' }),
    queue: text('queue', { enum: reviewQueues }).notNull(),
    code: text('code').notNull(),
    severity: text('severity', { enum: findingSeverities }).notNull(),
    subject: text('subject'),
    expected: text('expected'),
    actual: text('actual'),
    /** JSON record of the evidence values. */
    evidence: text('evidence').notNull(),
  },
  (table) => [index('application_findings_app_idx').on(table.applicationId), index('application_findings_code_idx').on(table.code, table.queue)],
);
export type ApplicationFindingRow = typeof applicationFindingsTable.$inferSelect;

/**
 * Emergency-contact phones per application: finds a phone shared by many applicants and links an
 * overdue contact to their borrower record.
 */
export const contactPhonesTable = sqliteTable(
  'contact_phones',
  {
    applicationId: integer('application_id')
      .notNull()
      .references(() => applicationsTable.id, { onDelete: 'cascade' }),
    borrowerId: integer('borrower_id').notNull(),
    phone: text('phone').notNull(),
  },
  (table) => [index('contact_phones_phone_idx').on(table.phone, table.borrowerId), index('contact_phones_app_idx').on(table.applicationId)],
);
