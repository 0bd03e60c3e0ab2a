/**
 * Borrower lookup and the borrower page for support. The search reads the query's shape (digits,
 * letters, CJK) to choose which indexes to ask, matches full values server-side and answers masked.
 * Revealing personal data needs 'pii:reveal' (checked by the router) and is audited with the
 * fields revealed, never the values.
 */
import { AppError } from '../../shared/rpc/errors';
import { maskIdNumber, maskName, maskPhone } from '../../shared/domain/mask';
import { lineFlagSchema, openLoanStatuses } from '../../shared/contracts/portfolio';
import type { BorrowerMatch, BorrowerPage, BorrowerSearchResult } from '../../shared/contracts/borrowers';
import { writeTransaction, type Db } from '../db/connection';
import type { Actor } from '../rpc/context';
import type { AuditRecorder } from '../services/audit';
import {
  applicationsOf,
  borrowersByIds,
  borrowersByPrefix,
  borrowersByReference,
  borrowersByTail,
  findBorrowerRow,
  linesOf,
  loansOf,
  openLoanStats,
  reviewTasksOf,
} from '../repositories/portfolio-borrowers';
import { institutionRefs } from '../repositories/portfolio-loans';
import { splitFlags } from './figures';

export interface BorrowerLookupService {
  search(input: { query: string; limit: number }): { results: BorrowerSearchResult[]; truncated: boolean };
  page(id: number): BorrowerPage;
  reveal(actor: Actor, input: { id: number; fields: Array<'name' | 'phone' | 'idNumber'> }): { name?: string; phone?: string; idNumber?: string };
}

interface Candidate {
  borrowerId: number;
  matchedOn: BorrowerMatch;
  matchedReference: string | null;
}

/** Digits of a phone as typed (+86, spaces and dashes dropped). */
function phoneDigits(query: string): string | null {
  const compact = query.replace(/[\s-]+/g, '').replace(/^(\+86|0086)/, '');
  return /^\d+$/.test(compact) ? compact : null;
}

/** The searches a query's shape calls for, best match first. */
export function planSearch(query: string): Array<
  | { kind: 'column'; column: 'idNumber' | 'phone' | 'name' | 'platformUserId'; value: string; matchedOn: BorrowerMatch }
  | { kind: 'tail'; tailOf: 't' | 'q'; value: string; matchedOn: BorrowerMatch }
  | { kind: 'reference'; reference: 'loan' | 'application' | 'line'; value: string; matchedOn: BorrowerMatch }
> {
  const trimmed = query.trim();
  const plan: ReturnType<typeof planSearch> = [];
  const idLike = trimmed.replace(/\s+/g, '').toUpperCase();
  const digits = phoneDigits(trimmed);
  if (/^\d{17}[\dX]$/.test(idLike)) plan.push({ kind: 'column', column: 'idNumber', value: idLike, matchedOn: 'id_number' });
  if (digits !== null && /^1\d{10}$/.test(digits)) plan.push({ kind: 'column', column: 'phone', value: digits, matchedOn: 'phone' });
  if (/^\d{3,17}[\dX]?$/.test(idLike) && idLike.length >= 4) {
    if (idLike.length < 18) plan.push({ kind: 'tail', tailOf: 't', value: idLike, matchedOn: 'id_tail' });
    if (digits !== null && digits.length <= 10) plan.push({ kind: 'tail', tailOf: 'q', value: digits, matchedOn: 'phone_tail' });
  }
  // A partial number typed from its start (the full number is searched above).
  if (digits !== null && /^1\d{2,9}$/.test(digits)) plan.push({ kind: 'column', column: 'phone', value: digits, matchedOn: 'phone' });
  if (/^\d{6,17}[\dX]?$/.test(idLike) && idLike.length < 18) plan.push({ kind: 'column', column: 'idNumber', value: idLike, matchedOn: 'id_number' });
  if (/[^\u0000-\u007f]/.test(trimmed)) {
    plan.push({ kind: 'column', column: 'name', value: trimmed, matchedOn: 'name' });
  } else if (trimmed.length >= 2) {
    plan.push({ kind: 'column', column: 'platformUserId', value: trimmed, matchedOn: 'platform_user' });
    plan.push({ kind: 'reference', reference: 'loan', value: trimmed, matchedOn: 'loan' });
    plan.push({ kind: 'reference', reference: 'application', value: trimmed, matchedOn: 'application' });
    plan.push({ kind: 'reference', reference: 'line', value: trimmed, matchedOn: 'line' });
    if (trimmed !== trimmed.toUpperCase()) {
      plan.push({ kind: 'reference', reference: 'loan', value: trimmed.toUpperCase(), matchedOn: 'loan' });
      plan.push({ kind: 'reference', reference: 'application', value: trimmed.toUpperCase(), matchedOn: 'application' });
    }
    if (/[A-Za-z]/.test(trimmed) && !/\d/.test(trimmed)) plan.push({ kind: 'column', column: 'name', value: trimmed, matchedOn: 'name' });
  }
  return plan;
}

export function createBorrowerLookupService(options: { db: Db; audit: AuditRecorder }): BorrowerLookupService {
  const { db, audit } = options;

  return {
    search({ query, limit }) {
      const found = new Map<number, Candidate>();
      let truncated = false;
      for (const step of planSearch(query)) {
        if (found.size > limit) break;
        // One more than needed tells whether there are more.
        const room = limit + 1;
        let matches: Candidate[];
        if (step.kind === 'column') {
          matches = borrowersByPrefix(db, step.column, step.value, room).map((row) => ({ borrowerId: row.id, matchedOn: step.matchedOn, matchedReference: null }));
        } else if (step.kind === 'tail') {
          matches = borrowersByTail(db, step.tailOf, step.value, room).map((row) => ({ borrowerId: row.id, matchedOn: step.matchedOn, matchedReference: null }));
        } else {
          matches = borrowersByReference(db, step.reference, step.value, room).map((row) => ({
            borrowerId: row.borrowerId,
            matchedOn: step.matchedOn,
            matchedReference: row.reference,
          }));
        }
        if (matches.length >= room) truncated = true;
        for (const match of matches) if (!found.has(match.borrowerId)) found.set(match.borrowerId, match);
      }
      if (found.size > limit) truncated = true;
      const candidates = [...found.values()].slice(0, limit);
      const borrowers = new Map(borrowersByIds(db, candidates.map((candidate) => candidate.borrowerId)).map((row) => [row.id, row]));
      const stats = openLoanStats(db, candidates.map((candidate) => candidate.borrowerId));
      return {
        truncated,
        results: candidates.flatMap((candidate) => {
          const borrower = borrowers.get(candidate.borrowerId);
          if (!borrower) return [];
          const loanStats = stats.get(borrower.id);
          return [
            {
              borrowerId: borrower.id,
              nameMasked: maskName(borrower.name),
              phoneMasked: maskPhone(borrower.phone),
              idNumberMasked: maskIdNumber(borrower.idNumber),
              platformUserId: borrower.platformUserId,
              matchedOn: candidate.matchedOn,
              matchedReference: candidate.matchedReference,
              openLoanCount: loanStats?.openLoanCount ?? 0,
              maxDpd: loanStats?.maxDpd ?? 0,
            },
          ];
        }),
      };
    },

    page(id) {
      const borrower = findBorrowerRow(db, id);
      if (!borrower) throw new AppError('NOT_FOUND', `Borrower ${id} does not exist.`);
      const loans = loansOf(db, id);
      const open = new Set<string>(openLoanStatuses);
      const openLoans = loans.filter((loan) => open.has(loan.status));
      const nextDueDate = openLoans.reduce<string | null>(
        (earliest, loan) => (loan.nextDueDate !== null && (earliest === null || loan.nextDueDate < earliest) ? loan.nextDueDate : earliest),
        null,
      );
      const nextDueFen =
        nextDueDate === null ? null : openLoans.filter((loan) => loan.nextDueDate === nextDueDate).reduce((sum, loan) => sum + (loan.nextDueFen ?? 0), 0);
      return {
        borrower: {
          id: borrower.id,
          nameMasked: maskName(borrower.name),
          phoneMasked: maskPhone(borrower.phone),
          idNumberMasked: maskIdNumber(borrower.idNumber),
          idValid: borrower.idValid,
          platformUserId: borrower.platformUserId,
          firstSeenAt: borrower.firstSeenAt,
          updatedAt: borrower.updatedAt,
        },
        institutions: institutionRefs(db),
        summary: {
          openLoanCount: openLoans.length,
          outstandingPrincipalFen: openLoans.reduce((sum, loan) => sum + loan.outstandingPrincipalFen, 0),
          overdueLoanCount: openLoans.filter((loan) => loan.dpd > 0).length,
          maxDpd: openLoans.reduce((max, loan) => Math.max(max, loan.dpd), 0),
          nextDueDate,
          nextDueFen,
        },
        applications: applicationsOf(db, id),
        lines: linesOf(db, id).map((line) => ({
          ...line,
          flags: splitFlags(line.flags).flatMap((flag) => {
            const parsed = lineFlagSchema.safeParse(flag);
            return parsed.success ? [parsed.data] : [];
          }),
        })),
        loans,
        reviewTasks: reviewTasksOf(db, id),
      };
    },

    reveal(actor, input) {
      const borrower = findBorrowerRow(db, input.id);
      if (!borrower) throw new AppError('NOT_FOUND', `Borrower ${input.id} does not exist.`);
      const fields = [...new Set(input.fields)].sort();
      writeTransaction(db, (tx) => audit.record(tx, actor, 'borrowers.pii-revealed', { type: 'borrower', id: borrower.id }, { fields }));
      return {
        ...(fields.includes('name') ? { name: borrower.name } : {}),
        ...(fields.includes('phone') ? { phone: borrower.phone } : {}),
        ...(fields.includes('idNumber') ? { idNumber: borrower.idNumber } : {}),
      };
    },
  };
}
