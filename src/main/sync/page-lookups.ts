/**
 * The look-ups of one page (or slice) of ingest, batched up front from the raw keys: one query
 * per kind of look-up instead of one per record (src/main/sync/README.md, *Where the time goes*).
 * Read inside the page's transaction, before its first write (ingest.ts).
 */
import type { PaidParts } from '../../shared/domain/delinquency';
import type { ResourceName } from '../../shared/institution-api';
import type { Db } from '../db/connection';
import type { InstallmentColumns, LineDrawdownRow, StoredBorrower } from '../db/schema';
import { applicationsWithLoans, borrowerIdsOfApplications } from '../repositories/applications';
import { borrowersByIdNumber } from '../repositories/borrowers';
import { bookedInstallmentsOf, drawdownsOfLines, orderIdByExternalId, orderIdsByExternalId } from '../repositories/orders';
import { paidByPeriodOf } from '../repositories/repayments';
import { PageContactFacts } from './contact-facts';
import type { RawKeys } from './prepare';

/**
 * What a page reads about other records, in one query each instead of one per record: for lines
 * and orders nothing the page writes changes it; for applications the counts are the "before" of
 * each phone the page touches first.
 */
export interface PageLookups {
  /** Borrower of each application the page's records name. */
  borrowers: Map<string, number>;
  /** Booked installments of each order of the page that has a synced plan. */
  booked: Map<string, InstallmentColumns[]>;
  /** What the repayments paid per period, for the page's orders without a synced plan. */
  paid: Map<string, Map<number, PaidParts>>;
  /** For a page of applications: who gave its contact phones and which overdue borrowers own them, kept current as the page writes. */
  contacts: PageContactFacts | null;
  /** For a page of applications: those with lines or orders already stored (a page of applications writes none). */
  withLoans: Set<string>;
  /** For a page of lines: the orders drawn on each (a page of lines writes no orders). */
  drawdowns: Map<string, LineDrawdownRow[]>;
  /** For a page of plans or repayments: the stored orders they name (a page of plans or repayments writes none). */
  orderIds: Map<string, number>;
  /** The order ids `orderIds` was read for: one of them missing from it is not stored. */
  ordersLookedUp: Set<string>;
  /** For a page of applications: the stored borrower of each ID number it names (null: none yet), kept current by upsertBorrower. */
  borrowersByIdNumber: Map<string, StoredBorrower | null>;
}

export function pageLookups(db: Db, institutionId: number, resource: ResourceName, keys: RawKeys, plansBooked: boolean): PageLookups {
  const lookups: PageLookups = { borrowers: new Map(), booked: new Map(), paid: new Map(), contacts: null, withLoans: new Set(), borrowersByIdNumber: new Map(), orderIds: new Map(), ordersLookedUp: new Set(), drawdowns: new Map() };
  if (resource === 'applications') {
    lookups.borrowersByIdNumber = borrowersByIdNumber(db, keys.idNumbers);
    lookups.contacts = new PageContactFacts(db, keys.contactPhones);
    lookups.withLoans = applicationsWithLoans(db, institutionId, keys.externalIds);
  } else if (resource === 'orders') {
    lookups.borrowers = borrowerIdsOfApplications(db, institutionId, keys.applicationExternalIds);
    lookups.booked = bookedInstallmentsOf(db, institutionId, keys.externalIds);
    lookups.paid = paidByPeriodOf(db, institutionId, keys.externalIds.filter((id) => !lookups.booked.has(id)));
  } else if (resource === 'repayment-plans' || (resource === 'repayments' && !plansBooked)) {
    lookups.orderIds = orderIdsByExternalId(db, institutionId, keys.orderExternalIds);
    lookups.ordersLookedUp = new Set(keys.orderExternalIds);
  } else if (resource === 'credit-lines') {
    lookups.borrowers = borrowerIdsOfApplications(db, institutionId, keys.applicationExternalIds);
    lookups.drawdowns = drawdownsOfLines(db, institutionId, keys.externalIds);
  }
  return lookups;
}

/**
 * The stored order a plan or repayment names, from the page's look-up: an order it asked for and
 * did not find is not stored (a page of plans or repayments writes no orders), which on a first
 * pass is every one (plans and repayments are pulled before orders), so it is not asked again
 * record by record.
 */
export function storedOrderId(db: Db, institutionId: number, lookups: PageLookups, orderExternalId: string): number | undefined {
  const found = lookups.orderIds.get(orderExternalId);
  if (found !== undefined || lookups.ordersLookedUp.has(orderExternalId)) return found;
  return orderIdByExternalId(db, institutionId, orderExternalId);
}
