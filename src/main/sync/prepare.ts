/**
 * The first, pure stage of ingest: raw records of one resource become prepared records, with no
 * database. Each record is validated with the shared zod schema (an invalid one becomes a
 * quarantine entry), normalized to the stored columns, and whatever derivation needs no other
 * record is done here too: the application's stored JSON, its ID-number check, its OCR, face and
 * liveness findings (assess.ts's `ownFindingsOf`) and the canonical text its evidence hash covers.
 *
 * The second stage (ingest.ts) does the look-ups, the cross-record derivations and the writes in
 * the page's transaction, preparing each record just before writing it. This stage stays on the
 * ingest's thread: a worker thread was measured and dropped (slower and larger, every page and
 * prepared record copied between threads; docs/performance.md#ingest-on-one-thread).
 */
import type { z } from 'zod';
import { normalizeMobile } from '../../shared/domain/contact-info';
import type { Finding } from '../../shared/domain/findings';
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
import {
  normalizeApplication,
  normalizeIdNumber,
  normalizeCreditLine,
  normalizeOrder,
  normalizePlan,
  normalizeRepayment,
  type NormalizedApplication,
  type NormalizedCreditLine,
  type NormalizedOrder,
  type NormalizedPlan,
  type NormalizedRepayment,
} from './normalize';
import { invalidUtf8Of } from '../institution-api/page-text';
import { recordInvariantIssues } from './record-checks';
import { compileAcceptsUnchanged, type AcceptsUnchanged } from './schema-check';
import { ownFindingsOf } from './assess';

export interface QuarantineIssue {
  path: string;
  code: string;
  message: string;
}

/** What preparation reads besides the records: the instant derivations are made at and the rules. */
export interface PrepareOptions {
  at: number;
  settings: Pick<DomainSettings, 'ocrExpiringSoonDays' | 'faceBands'>;
}

export interface InvalidRecord {
  valid: false;
  externalId: string | null;
  issues: QuarantineIssue[];
  rawPayload: string;
}

export interface PreparedApplication {
  valid: true;
  resource: 'applications';
  row: NormalizedApplication;
  /** The record as stored (applications.record): the institution's own text as its UTF-8 bytes, or zod's output serialized. */
  recordText: string | Buffer;
  idValid: boolean;
  /** The findings that need no other record (OCR or the submitted ID number, face, liveness), in rule order. */
  ownFindings: Finding[];
  /** JSON of the evidence, as the evidence hash covers it. */
  evidenceJson: string;
}

export interface PreparedCreditLine {
  valid: true;
  resource: 'credit-lines';
  row: NormalizedCreditLine;
}

export interface PreparedOrder {
  valid: true;
  resource: 'orders';
  row: NormalizedOrder;
}

export interface PreparedPlan {
  valid: true;
  resource: 'repayment-plans';
  row: NormalizedPlan;
}

export interface PreparedRepayment {
  valid: true;
  resource: 'repayments';
  row: NormalizedRepayment;
}

export type PreparedValid = PreparedApplication | PreparedCreditLine | PreparedOrder | PreparedPlan | PreparedRepayment;
export type PreparedRecord = InvalidRecord | PreparedValid;

export function externalIdOf(raw: unknown): string | null {
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

function prepareValid(resource: ResourceName, record: unknown, options: PrepareOptions, text: Buffer | undefined): PreparedValid {
  switch (resource) {
    case 'applications': {
      const row = normalizeApplication(record as ApplicationRecord);
      return {
        valid: true,
        resource,
        row,
        recordText: text ?? JSON.stringify(record),
        idValid: validateResidentId(row.borrower.idNumber, { now: options.at }).valid,
        ownFindings: ownFindingsOf(row.evidence, options.at, options.settings),
        evidenceJson: JSON.stringify(row.evidence),
      };
    }
    case 'credit-lines':
      return { valid: true, resource, row: normalizeCreditLine(record as CreditLineRecord) };
    case 'orders':
      return { valid: true, resource, row: normalizeOrder(record as OrderRecord) };
    case 'repayment-plans':
      return { valid: true, resource, row: normalizePlan(record as RepaymentPlanRecord) };
    case 'repayments':
      return { valid: true, resource, row: normalizeRepayment(record as RepaymentRecord) };
    default: {
      const unreachable: never = resource;
      throw new Error(`Unknown resource ${String(unreachable)}`);
    }
  }
}

/** Each resource's fast check (schema-check.ts), built on first use; null where the schema has a part it does not know. */
const acceptsUnchanged = new Map<ResourceName, AcceptsUnchanged | null>();

function acceptedAsIs(resource: ResourceName, raw: unknown): boolean {
  let check = acceptsUnchanged.get(resource);
  if (check === undefined) {
    check = compileAcceptsUnchanged(resourceRecordSchemas[resource]);
    acceptsUnchanged.set(resource, check);
  }
  return check !== null && check(raw);
}

/**
 * Validates and prepares one raw record. Never throws for a bad record. After the schema, the
 * invariants the database enforces (record-checks.ts): a record breaking one is refused here. A record the schema's
 * fast check accepts is zod's output as it is; any other goes through `safeParse`, which strips
 * unknown keys or says what is wrong. `text`, the record as the institution sent it, is what an
 * application accepted as it is stores and what an invalid record's quarantine entry keeps; a
 * record zod changed (an unknown key stripped) is stored as zod's output, serialized.
 */
export function prepareRecord(resource: ResourceName, raw: unknown, options: PrepareOptions, text?: Buffer): PreparedRecord {
  const invalid = (issues: QuarantineIssue[]): InvalidRecord => ({ valid: false, externalId: externalIdOf(raw), issues, rawPayload: text?.toString('utf8') ?? JSON.stringify(raw) ?? 'null' });
  const notUtf8 = invalidUtf8Of(raw);
  if (notUtf8 !== undefined) return invalid([{ path: '', code: 'invalid_utf8', message: notUtf8 }]);
  let record = raw;
  let asSent = true;
  if (!acceptedAsIs(resource, raw)) {
    const parsed = resourceRecordSchemas[resource].safeParse(raw);
    if (!parsed.success) return invalid(issuesOf(parsed.error));
    record = parsed.data;
    asSent = false;
  }
  const refused = recordInvariantIssues(resource, record);
  if (refused.length > 0) return invalid(refused);
  return prepareValid(resource, record, options, asSent ? text : undefined);
}

function field(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
}

/**
 * The keys a page's batched look-ups need, read from raw (not yet validated) records: only ever
 * used to look rows up, so a record that later fails validation costs at most a wasted key.
 */
export interface RawKeys {
  externalIds: string[];
  /** applications named by lines and orders */
  applicationExternalIds: string[];
  /** orders named by plans and repayments */
  orderExternalIds: string[];
  /** normalized emergency-contact phones of applications */
  contactPhones: string[];
  /** normalized borrower ID numbers of applications */
  idNumbers: string[];
}

export function rawKeysOf(resource: ResourceName, records: readonly unknown[]): RawKeys {
  const keys: RawKeys = { externalIds: [], applicationExternalIds: [], orderExternalIds: [], contactPhones: [], idNumbers: [] };
  for (const raw of records) {
    const id = externalIdOf(raw);
    if (id !== null) keys.externalIds.push(id);
    if (resource === 'orders' || resource === 'credit-lines') {
      const application = field(raw, 'application_id');
      if (typeof application === 'string') keys.applicationExternalIds.push(application);
    } else if (resource === 'repayment-plans' || resource === 'repayments') {
      const order = field(raw, 'order_id');
      if (typeof order === 'string') keys.orderExternalIds.push(order);
    } else if (resource === 'applications') {
      const idNumber = field(field(raw, 'borrower'), 'id_number');
      if (typeof idNumber === 'string') keys.idNumbers.push(normalizeIdNumber(idNumber));
      const contacts = field(field(field(field(raw, 'authentication'), 'contacts'), 'result'), 'emergency_contacts');
      if (Array.isArray(contacts)) {
        for (const contact of contacts) {
          const phone = field(contact, 'phone');
          if (typeof phone === 'string') keys.contactPhones.push(normalizeMobile(phone));
        }
      }
    }
  }
  return keys;
}
