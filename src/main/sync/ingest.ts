/**
 * Ingest: one page of one resource in ONE write transaction: every record validated with the
 * shared zod schema (invalid ones quarantined, the rest go on), upserted by (institution,
 * external id) unless older than what is stored, derived data written alongside, and the new
 * cursor saved last. A crash anywhere leaves either the whole page with its cursor or neither,
 * so the next pass resumes without loss or duplicates.
 */
import type { z } from 'zod';
import { validateResidentId } from '../../shared/domain/idcard';
import type { DomainSettings } from '../../shared/domain/settings';
import {
  resourceRecordSchemas,
  type ApplicationRecord,
  type CreditLineRecord,
  type OrderRecord,
  type RepaymentPlanRecord,
  type RepaymentRecord,
  type ResourceName,
} from '../../shared/institution-api';
import { writeTransaction, type Db } from '../db/connection';
import {
  applicantsWithPhone,
  borrowerIdOfApplication,
  contactPhonesOf,
  applicationsWithContactPhone,
  linkLoansToBorrower,
  replaceContactPhones,
  replaceFindings,
  writeApplication,
} from '../repositories/applications';
import { upsertBorrower } from '../repositories/borrowers';
import { findLineByExternalId, insertLineHistory, reportedLineFields, writeLine } from '../repositories/credit-lines';
import {
  bookedInstallments,
  drawdownsOfLine,
  orderForDerivation,
  orderIdByExternalId,
  replaceInstallments,
  writeOrder,
  writePlan,
} from '../repositories/orders';
import { paidByPeriod, writeRepayment } from '../repositories/repayments';
import { hasOpenQuarantine, knownVersions, quarantineRecord, saveCursor, settleQuarantine, type KnownVersion } from '../repositories/sync';
import { syncReviewTasks } from '../review/ingest';
import {
  applicationsAffectedByOverdue,
  assessApplication,
  computeLineDerived,
  computeOrderDerived,
  deriveLineByExternalId,
  deriveOrderWith,
  type FactsCache,
  isOverdueOrder,
  lineDrawdowns,
  reassessApplication,
} from './derive';
import { normalizeApplication, normalizeCreditLine, normalizeOrder, normalizePlan, normalizeRepayment } from './normalize';

export interface IngestContext {
  institutionId: number;
  settings: DomainSettings;
  /** Shared across the pages of one pass so capabilities are read once. */
  facts: FactsCache;
}

export interface PageCounts {
  /** Records in the page. */
  fetched: number;
  /** Records written (new, or newer than the stored version). */
  upserted: number;
  /** Records not newer than the stored version (a re-read, or an out-of-order older copy). */
  unchanged: number;
  /** Records that failed the schema and went to quarantine. */
  quarantined: number;
}

export interface IngestResult extends PageCounts {
  /** The records that failed validation, by external id where one could be read. */
  invalid: Array<{ externalId: string | null; issues: QuarantineIssue[] }>;
}

export interface QuarantineIssue {
  path: string;
  code: string;
  message: string;
}

type Outcome = 'upserted' | 'unchanged';

interface PageEffects {
  orders: Set<number>;
  lines: Set<string>;
  overdueBorrowers: Set<number>;
  /** Contact phones whose number of applicants changed, with the count before the page touched them. */
  phones: Map<string, number>;
  /** Phones that changed owner (a borrower's phone changed). */
  ownerPhones: Set<string>;
  applications: Set<number>;
}

function isNewer(incoming: { version: number; remoteUpdatedAt: number }, stored: { version: number; remoteUpdatedAt: number } | undefined): boolean {
  if (stored === undefined) return true;
  if (incoming.version !== stored.version) return incoming.version > stored.version;
  return incoming.remoteUpdatedAt > stored.remoteUpdatedAt;
}

function externalIdOf(raw: unknown): string | null {
  if (raw !== null && typeof raw === 'object' && 'id' in raw) {
    const id = (raw as { id: unknown }).id;
    if (typeof id === 'string' && id.length > 0 && id.length <= 64) return id;
    if (typeof id === 'number' && Number.isFinite(id)) return String(id);
  }
  return null;
}

export function issuesOf(error: z.ZodError): QuarantineIssue[] {
  return error.issues.slice(0, 50).map((issue) => ({ path: issue.path.map(String).join('.'), code: issue.code, message: issue.message }));
}

function ingestApplication(db: Db, context: IngestContext, record: ApplicationRecord, at: number, effects: PageEffects, known: Map<string, KnownVersion>): Outcome {
  const normalized = normalizeApplication(record);
  const stored = known.get(normalized.externalId);
  if (!isNewer(normalized, stored)) return 'unchanged';
  const { id: borrowerId, previousPhone } = upsertBorrower(
    db,
    {
      idNumber: normalized.borrower.idNumber,
      idValid: validateResidentId(normalized.borrower.idNumber, { now: at }).valid,
      name: normalized.borrower.name,
      phone: normalized.borrower.phone,
      platformUserId: normalized.borrower.platformUserId,
      sourceUpdatedAt: normalized.remoteUpdatedAt,
    },
    at,
  );
  // A borrower's new phone moves "this contact is an overdue borrower" from one number to another.
  if (previousPhone !== null) {
    effects.ownerPhones.add(previousPhone);
    effects.ownerPhones.add(normalized.borrower.phone);
  }
  const previousPhones = stored ? contactPhonesOf(db, stored.id) : [];
  const phonesChanged = previousPhones.length !== normalized.contactPhones.length || previousPhones.some((phone, index) => phone !== normalized.contactPhones[index]) || stored?.borrowerId !== borrowerId;
  if (phonesChanged) {
    for (const phone of new Set([...previousPhones, ...normalized.contactPhones])) {
      if (!effects.phones.has(phone)) effects.phones.set(phone, applicantsWithPhone(db, phone));
    }
  }
  const assessment = assessApplication(db, { borrowerId, evidence: normalized.evidence, contactPhones: normalized.contactPhones }, at, context.settings);
  const applicationId = writeApplication(db, {
    institutionId: context.institutionId,
    externalId: normalized.externalId,
    version: normalized.version,
    remoteUpdatedAt: normalized.remoteUpdatedAt,
    borrowerId,
    ...normalized.columns,
    record: JSON.stringify(record),
    evidenceHash: assessment.evidenceHash,
    syncedAt: at,
  }, stored?.id);
  known.set(normalized.externalId, { id: applicationId, version: normalized.version, remoteUpdatedAt: normalized.remoteUpdatedAt, borrowerId });
  // A new row has nothing to replace: the inserts alone.
  if (phonesChanged) replaceContactPhones(db, applicationId, borrowerId, normalized.contactPhones, stored !== undefined);
  replaceFindings(db, applicationId, assessment.findings, stored !== undefined);
  if (stored?.borrowerId !== borrowerId) linkLoansToBorrower(db, context.institutionId, normalized.externalId, borrowerId);
  // A new application outside manual review cannot have tasks yet: skip the lookup.
  if (stored || normalized.columns.status === 'MANUAL_REVIEW') {
    syncReviewTasks(
      db,
      {
        applicationId,
        institutionId: context.institutionId,
        borrowerId,
        awaitingManualReview: normalized.columns.status === 'MANUAL_REVIEW',
        evidenceHash: assessment.evidenceHash,
        findings: assessment.findings,
      },
      at,
    );
  }
  return 'upserted';
}

function ingestCreditLine(db: Db, context: IngestContext, record: CreditLineRecord, at: number, known: Map<string, KnownVersion>): Outcome {
  const normalized = normalizeCreditLine(record);
  const version = known.get(normalized.externalId);
  if (!isNewer(normalized, version)) return 'unchanged';
  // The full stored line only when there is one: its fields are the "before" of the history.
  const stored = version ? findLineByExternalId(db, context.institutionId, normalized.externalId) : undefined;
  const borrowerId = borrowerIdOfApplication(db, context.institutionId, normalized.columns.applicationExternalId) ?? stored?.borrowerId ?? null;
  const derived = computeLineDerived(normalized.columns, lineDrawdowns(drawdownsOfLine(db, context.institutionId, normalized.externalId)), at, context.settings);
  const lineId = writeLine(db, {
    institutionId: context.institutionId,
    externalId: normalized.externalId,
    version: normalized.version,
    remoteUpdatedAt: normalized.remoteUpdatedAt,
    borrowerId,
    ...normalized.columns,
    ...derived,
    derivedAt: at,
    syncedAt: at,
  }, stored?.id);
  known.set(normalized.externalId, { id: lineId, version: normalized.version, remoteUpdatedAt: normalized.remoteUpdatedAt, borrowerId });
  if (!stored || stored.version !== normalized.version) {
    const changes: Record<string, [unknown, unknown]> = {};
    for (const field of reportedLineFields) {
      const before = stored ? stored[field] : null;
      const after = normalized.columns[field];
      if (before !== after) changes[field] = [before, after];
    }
    insertLineHistory(db, lineId, normalized.version, at, normalized.remoteUpdatedAt, changes);
  }
  return 'upserted';
}

function ingestOrder(db: Db, context: IngestContext, record: OrderRecord, at: number, effects: PageEffects, known: Map<string, KnownVersion>): Outcome {
  const normalized = normalizeOrder(record);
  const stored = known.get(normalized.externalId);
  if (!isNewer(normalized, stored)) return 'unchanged';
  const previous = stored ? orderForDerivation(db, stored.id) : undefined;
  const booked = bookedInstallments(db, context.institutionId, normalized.externalId);
  const paid = booked === null ? paidByPeriod(db, context.institutionId, normalized.externalId) : null;
  const derived = computeOrderDerived(normalized.columns, normalized.quoted, booked, paid, context.facts.get(context.institutionId), at, context.settings);
  const borrowerId = borrowerIdOfApplication(db, context.institutionId, normalized.columns.applicationExternalId) ?? previous?.borrowerId ?? null;
  const orderId = writeOrder(db, {
    institutionId: context.institutionId,
    externalId: normalized.externalId,
    version: normalized.version,
    remoteUpdatedAt: normalized.remoteUpdatedAt,
    borrowerId,
    ...normalized.columns,
    ...derived,
    derivedAt: at,
    syncedAt: at,
  }, stored?.id);
  known.set(normalized.externalId, { id: orderId, version: normalized.version, remoteUpdatedAt: normalized.remoteUpdatedAt, borrowerId });
  effects.lines.add(normalized.columns.creditLineExternalId);
  if (previous && previous.creditLineExternalId !== normalized.columns.creditLineExternalId) effects.lines.add(previous.creditLineExternalId);
  const wasOverdue = previous ? isOverdueOrder(previous) : false;
  if (borrowerId !== null && wasOverdue !== isOverdueOrder({ bucket: derived.bucket, status: normalized.columns.status })) effects.overdueBorrowers.add(borrowerId);
  return 'upserted';
}

function ingestPlan(db: Db, context: IngestContext, record: RepaymentPlanRecord, at: number, effects: PageEffects, known: Map<string, KnownVersion>): Outcome {
  const normalized = normalizePlan(record);
  const stored = known.get(normalized.externalId);
  if (!isNewer(normalized, stored)) return 'unchanged';
  const planId = writePlan(db, {
    institutionId: context.institutionId,
    externalId: normalized.externalId,
    version: normalized.version,
    remoteUpdatedAt: normalized.remoteUpdatedAt,
    orderExternalId: normalized.orderExternalId,
    syncedAt: at,
  }, stored?.id);
  known.set(normalized.externalId, { id: planId, version: normalized.version, remoteUpdatedAt: normalized.remoteUpdatedAt, borrowerId: null });
  replaceInstallments(db, planId, normalized.installments);
  const orderId = orderIdByExternalId(db, context.institutionId, normalized.orderExternalId);
  if (orderId !== undefined) effects.orders.add(orderId);
  return 'upserted';
}

function ingestRepayment(db: Db, context: IngestContext, record: RepaymentRecord, at: number, effects: PageEffects, known: Map<string, KnownVersion>): Outcome {
  const normalized = normalizeRepayment(record);
  const stored = known.get(normalized.externalId);
  if (!isNewer(normalized, stored)) return 'unchanged';
  const repaymentId = writeRepayment(
    db,
    { institutionId: context.institutionId, externalId: normalized.externalId, version: normalized.version, remoteUpdatedAt: normalized.remoteUpdatedAt, ...normalized.columns, syncedAt: at },
    stored?.id,
  );
  known.set(normalized.externalId, { id: repaymentId, version: normalized.version, remoteUpdatedAt: normalized.remoteUpdatedAt, borrowerId: null });
  // With a booked plan the plan carries what was paid; without one the repayments are the only evidence.
  if (context.facts.get(context.institutionId).repaymentPlans !== true) {
    const orderId = orderIdByExternalId(db, context.institutionId, normalized.columns.orderExternalId);
    if (orderId !== undefined) effects.orders.add(orderId);
  }
  return 'upserted';
}

function ingestValid(db: Db, context: IngestContext, resource: ResourceName, record: unknown, at: number, effects: PageEffects, known: Map<string, KnownVersion>): Outcome {
  switch (resource) {
    case 'applications':
      return ingestApplication(db, context, record as ApplicationRecord, at, effects, known);
    case 'credit-lines':
      return ingestCreditLine(db, context, record as CreditLineRecord, at, known);
    case 'orders':
      return ingestOrder(db, context, record as OrderRecord, at, effects, known);
    case 'repayment-plans':
      return ingestPlan(db, context, record as RepaymentPlanRecord, at, effects, known);
    case 'repayments':
      return ingestRepayment(db, context, record as RepaymentRecord, at, effects, known);
    default: {
      const unreachable: never = resource;
      throw new Error(`Unknown resource ${String(unreachable)}`);
    }
  }
}

/** Derived data other rows of the page changed: orders, then their lines, then affected applications. */
function applyEffects(db: Db, context: IngestContext, effects: PageEffects, at: number): void {
  for (const orderId of effects.orders) {
    const result = deriveOrderWith(db, orderId, at, context.settings, context.facts);
    if (!result) continue;
    if (result.changed) effects.lines.add(result.lineExternalId);
    if (result.overdueChanged && result.borrowerId !== null) effects.overdueBorrowers.add(result.borrowerId);
  }
  for (const lineExternalId of effects.lines) deriveLineByExternalId(db, context.institutionId, lineExternalId, at, context.settings);
  const threshold = context.settings.sharedContactMinApplicants;
  for (const [phone, before] of effects.phones) {
    const after = applicantsWithPhone(db, phone);
    // Another applicant sees (count - 1) others: reassess when that crossed the threshold.
    if (before - 1 >= threshold !== after - 1 >= threshold) {
      for (const id of applicationsWithContactPhone(db, phone, -1)) effects.applications.add(id);
    }
  }
  for (const phone of effects.ownerPhones) {
    for (const id of applicationsWithContactPhone(db, phone, -1)) effects.applications.add(id);
  }
  for (const borrowerId of effects.overdueBorrowers) {
    for (const id of applicationsAffectedByOverdue(db, borrowerId)) effects.applications.add(id);
  }
  for (const applicationId of effects.applications) reassessApplication(db, applicationId, at, context.settings);
}

/**
 * Validates, upserts and derives a batch of raw records of one resource in one write
 * transaction; with `cursor`, the resource's cursor is saved in the same transaction.
 */
export function ingestRecords(
  db: Db,
  context: IngestContext,
  resource: ResourceName,
  records: readonly unknown[],
  at: number,
  cursor?: { next: string | null },
): IngestResult {
  const schema = resourceRecordSchemas[resource];
  return writeTransaction(db, () => {
    const result: IngestResult = { fetched: records.length, upserted: 0, unchanged: 0, quarantined: 0, invalid: [] };
    const effects: PageEffects = { orders: new Set(), lines: new Set(), overdueBorrowers: new Set(), phones: new Map(), ownerPhones: new Set(), applications: new Set() };
    // Settling quarantine costs a write per record; most pages have nothing to settle.
    let quarantineOpen = hasOpenQuarantine(db, context.institutionId, resource);
    const known = knownVersions(db, resource, context.institutionId, records.map(externalIdOf).filter((id): id is string => id !== null));
    for (const raw of records) {
      const parsed = schema.safeParse(raw);
      if (!parsed.success) {
        const externalId = externalIdOf(raw);
        const issues = issuesOf(parsed.error);
        quarantineRecord(db, { institutionId: context.institutionId, resource, externalId, rawPayload: JSON.stringify(raw) ?? 'null', issues: JSON.stringify(issues) }, at);
        result.quarantined++;
        result.invalid.push({ externalId, issues });
        quarantineOpen = true;
        continue;
      }
      const outcome = ingestValid(db, context, resource, parsed.data, at, effects, known);
      if (outcome === 'upserted') {
        result.upserted++;
        if (quarantineOpen) settleQuarantine(db, context.institutionId, resource, parsed.data.id, `A valid version ${parsed.data.version} arrived`, at);
      } else {
        result.unchanged++;
      }
    }
    applyEffects(db, context, effects, at);
    if (cursor) saveCursor(db, context.institutionId, resource, cursor.next, records.length, at);
    return result;
  });
}
