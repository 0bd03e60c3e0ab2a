/**
 * What the emergency-contact rules read about OTHER borrowers: how many other applicants gave a
 * phone, and which overdue borrower a phone belongs to. `sqlContactFacts` asks the database each
 * time (a re-assessment); `PageContactFacts` answers a page of applications from two queries made
 * before its first write, kept exact as the page writes: a phone whose facts the page changed in
 * a way the cache cannot follow (a stored application's phones replaced, a borrower's phone
 * changed, loans linked to a borrower) is forgotten and asked of the database again.
 */
import type { Db } from '../db/connection';
import { applicantsWithPhone, borrowersGivingPhones, otherApplicantsWithPhone } from '../repositories/applications';
import { overdueBorrowersWithPhones, overdueBorrowerWithPhone } from '../repositories/borrowers';

export interface ContactFacts {
  /** How many borrowers other than `borrowerId` gave this phone as an emergency contact. */
  otherApplicants(phone: string, borrowerId: number): number;
  /** The overdue borrower (other than `borrowerId`, lowest id first) whose phone this is. */
  overdueBorrower(phone: string, borrowerId: number): number | undefined;
}

export function sqlContactFacts(db: Db): ContactFacts {
  return {
    otherApplicants: (phone, borrowerId) => otherApplicantsWithPhone(db, phone, borrowerId),
    overdueBorrower: (phone, borrowerId) => overdueBorrowerWithPhone(db, phone, borrowerId),
  };
}

export class PageContactFacts implements ContactFacts {
  /** Per phone: the borrowers who gave it (contact_phones), for the phones still followed. */
  private readonly applicants = new Map<string, Set<number>>();
  /** Per phone: the overdue borrowers whose phone it is, ascending, for the phones still followed. */
  private readonly overdue = new Map<string, number[]>();

  constructor(
    private readonly db: Db,
    phones: Iterable<string>,
  ) {
    const unique = [...new Set(phones)];
    for (const phone of unique) {
      this.applicants.set(phone, new Set());
      this.overdue.set(phone, []);
    }
    for (const [phone, borrowerId] of borrowersGivingPhones(db, unique)) this.applicants.get(phone)?.add(borrowerId);
    for (const [phone, borrowerId] of overdueBorrowersWithPhones(db, unique)) this.overdue.get(phone)?.push(borrowerId);
  }

  /** Distinct borrowers who gave the phone, as the page's writes so far left it. */
  applicantCount(phone: string): number {
    const known = this.applicants.get(phone);
    return known !== undefined ? known.size : applicantsWithPhone(this.db, phone);
  }

  otherApplicants(phone: string, borrowerId: number): number {
    const known = this.applicants.get(phone);
    if (known === undefined) return otherApplicantsWithPhone(this.db, phone, borrowerId);
    return known.has(borrowerId) ? known.size - 1 : known.size;
  }

  overdueBorrower(phone: string, borrowerId: number): number | undefined {
    const known = this.overdue.get(phone);
    if (known === undefined) return overdueBorrowerWithPhone(this.db, phone, borrowerId);
    return known.find((id) => id !== borrowerId);
  }

  /** A new application's contact phones were inserted. */
  addedContacts(borrowerId: number, phones: readonly string[]): void {
    for (const phone of phones) this.applicants.get(phone)?.add(borrowerId);
  }

  /** A stored application's contact phones were replaced: whether its borrower still gives the old ones depends on its other applications. */
  replacedContacts(phones: Iterable<string>): void {
    for (const phone of phones) this.applicants.delete(phone);
  }

  /** A borrower's phone changed: the owners of both numbers changed. */
  ownerPhoneChanged(previous: string, next: string): void {
    this.overdue.delete(previous);
    this.overdue.delete(next);
  }

  /** Loans were linked to a borrower: whose number is overdue may have changed anywhere the page looks. */
  loansLinked(): void {
    this.overdue.clear();
  }
}
