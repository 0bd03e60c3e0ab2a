/**
 * Ingest: one page of one resource in ONE write transaction: every record validated with the
 * shared zod schema (invalid ones quarantined, the rest go on), upserted by (institution,
 * external id) unless older than what is stored, derived data written alongside, and the new
 * cursor saved last. A crash anywhere leaves either the whole page with its cursor or neither,
 * so the next pass resumes without loss or duplicates.
 */
import type { DomainSettings } from '../../shared/domain/settings';
import type { ResourceName } from '../../shared/institution-api';
import { writeTransaction, type Db } from '../db/connection';
import {
  applicantsWithPhones,
  contactPhonesOf,
  applicationsWithContactPhone,
  linkLoansToBorrower,
  replaceContactPhones,
  replaceFindings,
  setSharedPhoneCount,
  writeApplication,
} from '../repositories/applications';
import { upsertBorrower } from '../repositories/borrowers';
import { findLineByExternalId, insertLineHistory, writeLine } from '../repositories/credit-lines';
import { drawdownsOfLine, orderForDerivation, replaceInstallments, writeOrder, writePlan } from '../repositories/orders';
import { writeRepayment } from '../repositories/repayments';
import { hasOpenQuarantine, knownVersions, prepared, quarantineRecord, saveCursor, settleQuarantine, type KnownVersion } from '../repositories/sync';
import { syncReviewTasks } from '../review/task-sync';
import { applicationsAffectedByOverdue, assessWithOwnFindings, reassessApplication } from './assess';
import { computeLineDerived, computeOrderDerived, deriveLineByExternalId, deriveOrderWith, type FactsCache, isOverdueOrder, lineDrawdowns } from './derive';
import { PageContactFacts } from './contact-facts';
import { pageLookups, storedOrderId, type PageLookups } from './page-lookups';
import { reportedLineFields } from '../db/schema';
import { prepareRecord, rawKeysOf, type PreparedApplication, type PreparedCreditLine, type PreparedOrder, type PreparedPlan, type PreparedRepayment, type PreparedValid, type QuarantineIssue } from './prepare';

export { issuesOf, type QuarantineIssue } from './prepare';

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

type Outcome = 'upserted' | 'unchanged';

interface PageEffects {
  orders: Set<number>;
  lines: Set<string>;
  overdueBorrowers: Set<number>;
  /** Contact phones whose number of applicants changed, with the count before the page touched them. */
  phones: Map<string, number>;
  /** How many of the page's applications added each of those phones (the count can have grown by at most that). */
  phoneAdds: Map<string, number>;
  /** Phones an application of the page dropped (or moved to another borrower): their count may also have fallen. */
  phoneDrops: Set<string>;
  /** Phones that changed owner (a borrower's phone changed). */
  ownerPhones: Set<string>;
  applications: Set<number>;
}

/**
 * The highest version wins; an equal version is the same record again (docs/institution-api.md
 * section 4: a version changes with every change). Never updated_at: it comes from the
 * institution's clocks, which can disagree between its nodes, and rewriting a row for an equal
 * version would redo its derivations and, for an application, could change the evidence hash that
 * cancels a reviewer's pending decision.
 */
function isNewer(incoming: { version: number }, stored: { version: number } | undefined): boolean {
  return stored === undefined || incoming.version > stored.version;
}

function ingestApplication(db: Db, context: IngestContext, prepared: PreparedApplication, at: number, effects: PageEffects, known: Map<string, KnownVersion>, lookups: PageLookups): Outcome {
  const normalized = prepared.row;
  const stored = known.get(normalized.externalId);
  if (!isNewer(normalized, stored)) return 'unchanged';
  const contacts = (lookups.contacts ??= new PageContactFacts(db, normalized.contactPhones));
  const { id: borrowerId, previousPhone } = upsertBorrower(
    db,
    {
      idNumber: normalized.borrower.idNumber,
      idValid: prepared.idValid,
      name: normalized.borrower.name,
      phone: normalized.borrower.phone,
      platformUserId: normalized.borrower.platformUserId,
      sourceUpdatedAt: normalized.remoteUpdatedAt,
    },
    at,
    lookups.borrowersByIdNumber,
  );
  // A borrower's new phone moves "this contact is an overdue borrower" from one number to another.
  if (previousPhone !== null) {
    effects.ownerPhones.add(previousPhone);
    effects.ownerPhones.add(normalized.borrower.phone);
    contacts.ownerPhoneChanged(previousPhone, normalized.borrower.phone);
  }
  const previousPhones = stored ? contactPhonesOf(db, stored.id) : [];
  const phonesChanged = previousPhones.length !== normalized.contactPhones.length || previousPhones.some((phone, index) => phone !== normalized.contactPhones[index]) || stored?.borrowerId !== borrowerId;
  if (phonesChanged) {
    const sameBorrower = stored?.borrowerId === borrowerId;
    for (const phone of new Set([...previousPhones, ...normalized.contactPhones])) {
      // The page's new phones were counted before its first write; a previous phone of a stored application is counted now.
      if (!effects.phones.has(phone)) effects.phones.set(phone, contacts.applicantCount(phone));
      const kept = normalized.contactPhones.includes(phone);
      const had = sameBorrower && previousPhones.includes(phone);
      if (kept && !had) effects.phoneAdds.set(phone, (effects.phoneAdds.get(phone) ?? 0) + 1);
      if (!kept || (previousPhones.includes(phone) && !sameBorrower)) effects.phoneDrops.add(phone);
    }
  }
  const assessment = assessWithOwnFindings(
    db,
    { borrowerId, evidence: normalized.evidence, contactPhones: normalized.contactPhones, ownFindings: prepared.ownFindings, evidenceJson: prepared.evidenceJson },
    context.settings,
    contacts,
  );
  const applicationId = writeApplication(db, {
    institutionId: context.institutionId,
    externalId: normalized.externalId,
    version: normalized.version,
    remoteUpdatedAt: normalized.remoteUpdatedAt,
    borrowerId,
    ...normalized.columns,
    record: prepared.recordText,
    evidenceHash: assessment.evidenceHash,
    syncedAt: at,
  }, stored?.id);
  known.set(normalized.externalId, { id: applicationId, version: normalized.version, remoteUpdatedAt: normalized.remoteUpdatedAt, borrowerId });
  // A new row has nothing to replace: the inserts alone.
  if (phonesChanged) {
    replaceContactPhones(db, applicationId, borrowerId, normalized.contactPhones, stored !== undefined);
    if (stored === undefined) contacts.addedContacts(borrowerId, normalized.contactPhones);
    else contacts.replacedContacts([...previousPhones, ...normalized.contactPhones]);
  }
  replaceFindings(db, applicationId, assessment.findings, stored !== undefined);
  // Lines and orders name their application; those that came first take its borrower now.
  if (stored?.borrowerId !== borrowerId && lookups.withLoans.has(normalized.externalId)) {
    linkLoansToBorrower(db, context.institutionId, normalized.externalId, borrowerId);
    contacts.loansLinked();
    // The loans now count for this borrower (and no longer for the one before): an overdue one
    // makes the borrower's phone an overdue borrower's, on every application naming it, whichever
    // of the application and its order arrived first (the quarantine-recovery path brings the
    // application last).
    effects.overdueBorrowers.add(borrowerId);
    if (stored !== undefined && stored.borrowerId !== null) effects.overdueBorrowers.add(stored.borrowerId);
  }
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

function ingestCreditLine(db: Db, context: IngestContext, prepared: PreparedCreditLine, at: number, known: Map<string, KnownVersion>, lookups: PageLookups): Outcome {
  const normalized = prepared.row;
  const version = known.get(normalized.externalId);
  if (!isNewer(normalized, version)) return 'unchanged';
  // The full stored line only when there is one: its fields are the "before" of the history.
  const stored = version ? findLineByExternalId(db, context.institutionId, normalized.externalId) : undefined;
  const borrowerId = lookups.borrowers.get(normalized.columns.applicationExternalId) ?? stored?.borrowerId ?? null;
  const derived = computeLineDerived(normalized.columns, lineDrawdowns(lookups.drawdowns.get(normalized.externalId) ?? drawdownsOfLine(db, context.institutionId, normalized.externalId)), at, context.settings);
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

function ingestOrder(db: Db, context: IngestContext, prepared: PreparedOrder, at: number, effects: PageEffects, known: Map<string, KnownVersion>, lookups: PageLookups): Outcome {
  const normalized = prepared.row;
  const stored = known.get(normalized.externalId);
  if (!isNewer(normalized, stored)) return 'unchanged';
  const previous = stored ? orderForDerivation(db, stored.id) : undefined;
  const booked = lookups.booked.get(normalized.externalId) ?? null;
  const paid = booked === null ? (lookups.paid.get(normalized.externalId) ?? new Map()) : null;
  const derived = computeOrderDerived(normalized.columns, normalized.quoted, booked, paid, context.facts.get(context.institutionId), at, context.settings);
  const borrowerId = lookups.borrowers.get(normalized.columns.applicationExternalId) ?? previous?.borrowerId ?? null;
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

function ingestPlan(db: Db, context: IngestContext, prepared: PreparedPlan, at: number, effects: PageEffects, known: Map<string, KnownVersion>, lookups: PageLookups): Outcome {
  const normalized = prepared.row;
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
  replaceInstallments(db, planId, normalized.installments, stored !== undefined);
  const orderId = storedOrderId(db, context.institutionId, lookups, normalized.orderExternalId);
  if (orderId !== undefined) effects.orders.add(orderId);
  return 'upserted';
}

function ingestRepayment(db: Db, context: IngestContext, prepared: PreparedRepayment, at: number, effects: PageEffects, known: Map<string, KnownVersion>, lookups: PageLookups): Outcome {
  const normalized = prepared.row;
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
    const orderId = storedOrderId(db, context.institutionId, lookups, normalized.columns.orderExternalId);
    if (orderId !== undefined) effects.orders.add(orderId);
  }
  return 'upserted';
}

function ingestValid(db: Db, context: IngestContext, prepared: PreparedValid, at: number, effects: PageEffects, known: Map<string, KnownVersion>, lookups: PageLookups): Outcome {
  switch (prepared.resource) {
    case 'applications':
      return ingestApplication(db, context, prepared, at, effects, known, lookups);
    case 'credit-lines':
      return ingestCreditLine(db, context, prepared, at, known, lookups);
    case 'orders':
      return ingestOrder(db, context, prepared, at, effects, known, lookups);
    case 'repayment-plans':
      return ingestPlan(db, context, prepared, at, effects, known, lookups);
    case 'repayments':
      return ingestRepayment(db, context, prepared, at, effects, known, lookups);
    default: {
      const unreachable: never = prepared;
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
  // An applicant giving a phone sees (count - 1) others; its finding names that number once it
  // reaches the threshold. Only a phone that may be there is counted again: one the page dropped
  // somewhere, or one whose count plus the page's additions reaches the threshold.
  const shown = (count: number) => count - 1 >= threshold;
  const recount = [...effects.phones].filter(([phone, before]) => effects.phoneDrops.has(phone) || shown(before) || shown(before + (effects.phoneAdds.get(phone) ?? 0)));
  const afterCounts = applicantsWithPhones(db, recount.map(([phone]) => phone));
  for (const [phone, before] of recount) {
    const after = afterCounts.get(phone) ?? 0;
    const added = effects.phoneAdds.get(phone) ?? 0;
    if (!effects.phoneDrops.has(phone)) {
      if (after === before) continue;
      if (shown(before)) {
        // Without drops the count only grew through the page, so every application giving the
        // phone (stored, or written by the page at some count >= before) has the finding and
        // keeps it: only its number changes, which nothing else in an assessment depends on.
        setSharedPhoneCount(db, phone, after - 1);
        continue;
      }
    } else if (!(shown(before) || shown(after) || shown(before + added))) {
      continue;
    }
    // The finding appears or goes: each application giving the phone is assessed again. A page
    // that dropped the phone somewhere may have written applications at a count that went down
    // and up again (the same count at both ends is no proof), so those are reassessed whenever
    // the finding could have shown at any point of the page.
    for (const id of applicationsWithContactPhone(db, phone, -1)) effects.applications.add(id);
  }
  for (const phone of effects.ownerPhones) {
    for (const id of applicationsWithContactPhone(db, phone, -1)) effects.applications.add(id);
  }
  for (const borrowerId of effects.overdueBorrowers) {
    for (const id of applicationsAffectedByOverdue(db, borrowerId)) effects.applications.add(id);
  }
  for (const applicationId of effects.applications) reassessApplication(db, applicationId, at, context.settings);
}

/** SQLite failures that say nothing about the record being written: the page fails as a whole and the pass with it. */
const failuresOfTheDatabase = /^SQLITE_(BUSY|LOCKED|FULL|IOERR|NOMEM|CORRUPT|READONLY|INTERRUPT|CANTOPEN|NOTADB|PROTOCOL|PERM|NOLFS|AUTH)/;

/**
 * Whether a failure while storing one record is that record's (a constraint it breaks, a value
 * derivation cannot handle) rather than the database's: then the record is quarantined and the
 * rest of its page stored.
 */
export function isRecordFailure(error: unknown): boolean {
  const code = error !== null && typeof error === 'object' ? (error as { code?: unknown }).code : undefined;
  if (typeof code === 'string' && code.startsWith('SQLITE_')) return !failuresOfTheDatabase.test(code);
  return error instanceof Error;
}

/**
 * Validates, upserts and derives a batch of raw records of one resource in one write
 * transaction; with `cursor`, the resource's cursor is saved in the same transaction. Each record
 * is prepared (prepare.ts) just before it is written, so a page's validated copies never pile up
 * for the garbage collector; the page's look-ups are batched up front from the raw keys.
 *
 * A record that cannot be stored (a constraint the record checks did not foresee, a derivation
 * that throws) must not stop the page, or every later pass would stop at the same page. The
 * page is written first without savepoints (a page without failures pays nothing for them); when a
 * record fails, that transaction rolls back and the page is written again with a savepoint per
 * record, the failing one quarantined with the reason, the rest and the cursor committed together.
 */
export function ingestRecords(
  db: Db,
  context: IngestContext,
  resource: ResourceName,
  records: readonly unknown[],
  at: number,
  /** `save` keeps the position elsewhere (a re-read's own cursor) instead of the resource's incremental cursor. */
  cursor?: { next: string | null; save?: (next: string | null, fetched: number) => void },
  /** Each record's text as the institution sent it, as UTF-8 bytes (RawPage.texts), stored instead of serializing the record again. */
  texts?: readonly Buffer[],
): IngestResult {
  if (texts !== undefined && texts.length !== records.length) throw new RangeError(`${texts.length} record texts for ${records.length} records`);
  try {
    return writeTransaction(db, () => ingestBatch(db, context, resource, records, at, cursor, texts, false));
  } catch (error) {
    if (!isRecordFailure(error)) throw error;
    return writeTransaction(db, () => ingestBatch(db, context, resource, records, at, cursor, texts, true));
  }
}

function ingestBatch(
  db: Db,
  context: IngestContext,
  resource: ResourceName,
  records: readonly unknown[],
  at: number,
  cursor: { next: string | null; save?: (next: string | null, fetched: number) => void } | undefined,
  texts: readonly Buffer[] | undefined,
  guarded: boolean,
): IngestResult {
  const options = { at, settings: context.settings };
  const result: IngestResult = { fetched: records.length, upserted: 0, unchanged: 0, quarantined: 0, invalid: [] };
  const effects: PageEffects = { orders: new Set(), lines: new Set(), overdueBorrowers: new Set(), phones: new Map(), phoneAdds: new Map(), phoneDrops: new Set(), ownerPhones: new Set(), applications: new Set() };
  // Settling quarantine costs a write per record; most pages have nothing to settle.
  let quarantineOpen = hasOpenQuarantine(db, context.institutionId, resource);
  const keys = rawKeysOf(resource, records);
  const plansBooked = context.facts.get(context.institutionId).repaymentPlans === true;
  let known = knownVersions(db, resource, context.institutionId, keys.externalIds);
  let lookups = pageLookups(db, context.institutionId, resource, keys, plansBooked);
  const quarantine = (externalId: string | null, issues: QuarantineIssue[], rawPayload: string) => {
    quarantineRecord(db, { institutionId: context.institutionId, resource, externalId, rawPayload, issues: JSON.stringify(issues) }, at);
    result.quarantined++;
    result.invalid.push({ externalId, issues });
    quarantineOpen = true;
  };
  for (let index = 0; index < records.length; index++) {
    const record = prepareRecord(resource, records[index], options, texts?.[index]);
    if (!record.valid) {
      quarantine(record.externalId, record.issues, record.rawPayload);
      continue;
    }
    let outcome: Outcome;
    if (!guarded) {
      outcome = ingestValid(db, context, record, at, effects, known, lookups);
    } else {
      prepared(db, 'SAVEPOINT ingest_record').run();
      try {
        outcome = ingestValid(db, context, record, at, effects, known, lookups);
        prepared(db, 'RELEASE ingest_record').run();
      } catch (error) {
        prepared(db, 'ROLLBACK TO ingest_record').run();
        prepared(db, 'RELEASE ingest_record').run();
        if (!isRecordFailure(error)) throw error;
        const message = error instanceof Error ? error.message : String(error);
        quarantine(record.row.externalId, [{ path: '', code: 'not_stored', message: `Could not be stored: ${message}` }], texts?.[index]?.toString('utf8') ?? JSON.stringify(records[index]) ?? 'null');
        // What the page had read and kept current may name rows the rollback took away: read it again.
        known = knownVersions(db, resource, context.institutionId, keys.externalIds);
        lookups = pageLookups(db, context.institutionId, resource, keys, plansBooked);
        continue;
      }
    }
    if (outcome === 'upserted') {
      result.upserted++;
      if (quarantineOpen) settleQuarantine(db, context.institutionId, resource, record.row.externalId, `A valid version ${record.row.version} arrived`, at);
    } else {
      result.unchanged++;
    }
  }
  applyEffects(db, context, effects, at);
  if (cursor?.save) cursor.save(cursor.next, records.length);
  else if (cursor) saveCursor(db, context.institutionId, resource, cursor.next, records.length, at);
  return result;
}
