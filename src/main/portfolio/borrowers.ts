/**
 * Borrower lookup and the borrower page for support. The search reads the query's shape (digits,
 * letters, CJK) to choose which indexes to ask, matches full values (or the tails the masked view
 * shows) server-side and answers masked; searches by identifier are recorded and throttled.
 * Revealing personal data needs 'pii:reveal' (checked by the router) and is audited with the
 * fields revealed, never the values.
 */
import { AppError } from '../../shared/rpc/errors';
import { maskIdNumber, maskName, maskPhone } from '../../shared/domain/mask';
import { lineFlagSchema, openLoanStatuses } from '../../shared/contracts/portfolio';
import type { BorrowerMatch, BorrowerPage, BorrowerSearchResult } from '../../shared/contracts/borrowers';
import { writeTransaction, type Db } from '../db/connection';
import type { Actor } from '../core/actor';
import type { AuditRecorder } from '../core/audit';
import type { Clock } from '../core/clock';
import type { DomainSettings } from '../../shared/domain/settings';
import {
  applicationsOf,
  borrowersByIds,
  borrowersByPrefix,
  borrowersByReference,
  borrowersByTail,
  borrowersByValue,
  findBorrowerRow,
  linesOf,
  loansOf,
  openLoanStats,
  reviewTasksOf,
} from '../repositories/portfolio-borrowers';
import { institutionRefs } from '../repositories/portfolio-loans';
import { splitFlags } from './figures';

export interface BorrowerLookupService {
  /** Identifier searches (ID number, phone, name) are recorded and throttled per operator. */
  search(actor: Actor, input: { query: string; limit: number }): { results: BorrowerSearchResult[]; truncated: boolean };
  page(id: number): BorrowerPage;
  /** Refused (VALIDATION, reason purpose_required) without a purpose while the revealNeedsPurpose setting is on. */
  reveal(actor: Actor, input: { id: number; fields: Array<'name' | 'phone' | 'idNumber'>; purpose?: string }): { name?: string; phone?: string; idNumber?: string };
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

/** What a borrower search may match on that is personal data: these searches are recorded and throttled. */
const identifierMatches = new Set<BorrowerMatch>(['id_number', 'id_tail', 'phone', 'phone_tail', 'name']);

/**
 * Identifier searches one operator may make in a rolling window before RATE_LIMITED: enough for
 * a support call, far too few to guess a phone's four hidden digits (10,000 tries).
 */
export const identifierSearchLimit = { searches: 30, windowMs: 60_000 };

/**
 * Whole-value searches (ID number, phone, name) that found no one, per operator in a rolling
 * day. A whole value that matches is an answer to a guess: a masked ID number hides only the
 * birth date, which a review task's age band and the visible check character narrow to about
 * 170 candidates, a handful of minutes at the per-minute limit. A guesser's searches miss; a
 * support call's do not (the caller gives their own number), so misses are what is rationed.
 */
export const identifierMissLimit = { misses: 30, windowMs: 24 * 60 * 60_000 };

/**
 * A miss the operator was still typing: the desk searches as one types, so an ID number starting
 * 13, 14 or 15 is searched as a phone at its 11th digit and misses. When the operator's next
 * whole-value search extends the text of their latest miss within this time, that miss is taken
 * back. A guesser gains nothing: a masked value's candidates all have one length, none extends
 * another, and the longer search is itself counted when it misses.
 */
export const typedOnWithinMs = 60_000;

/** What a whole-value search matched on: a search that matched none of these missed. */
const wholeValueMatches = new Set<BorrowerMatch>(['id_number', 'phone', 'name']);

/**
 * The searches a query's shape calls for, best match first. Personal identifiers match whole
 * values, or exactly the tail the masked view already shows (the last 4 characters of an ID
 * number or phone), never an open-ended prefix or a longer tail: either would let a series of
 * searches read the hidden digits one by one. Platform user ids and loan, application and line
 * numbers are not personal data and match by prefix.
 */
export function planSearch(query: string): Array<
  | { kind: 'exact'; column: 'idNumber' | 'phone' | 'name'; value: string; matchedOn: BorrowerMatch }
  | { kind: 'prefix'; column: 'platformUserId'; value: string; matchedOn: BorrowerMatch }
  | { kind: 'tail'; tailOf: 't' | 'q'; value: string; matchedOn: BorrowerMatch }
  | { kind: 'reference'; reference: 'loan' | 'application' | 'line'; value: string; matchedOn: BorrowerMatch }
> {
  const trimmed = query.trim();
  const plan: ReturnType<typeof planSearch> = [];
  const idLike = trimmed.replace(/\s+/g, '').toUpperCase();
  const digits = phoneDigits(trimmed);
  if (/^\d{17}[\dX]$/.test(idLike)) plan.push({ kind: 'exact', column: 'idNumber', value: idLike, matchedOn: 'id_number' });
  if (digits !== null && /^1\d{10}$/.test(digits)) plan.push({ kind: 'exact', column: 'phone', value: digits, matchedOn: 'phone' });
  if (/^\d{3}[\dX]$/.test(idLike)) plan.push({ kind: 'tail', tailOf: 't', value: idLike, matchedOn: 'id_tail' });
  if (digits !== null && /^\d{4}$/.test(digits)) plan.push({ kind: 'tail', tailOf: 'q', value: digits, matchedOn: 'phone_tail' });
  if (/[^\u0000-\u007f]/.test(trimmed)) {
    plan.push({ kind: 'exact', column: 'name', value: trimmed, matchedOn: 'name' });
  } else if (trimmed.length >= 2) {
    plan.push({ kind: 'prefix', column: 'platformUserId', value: trimmed, matchedOn: 'platform_user' });
    plan.push({ kind: 'reference', reference: 'loan', value: trimmed, matchedOn: 'loan' });
    plan.push({ kind: 'reference', reference: 'application', value: trimmed, matchedOn: 'application' });
    plan.push({ kind: 'reference', reference: 'line', value: trimmed, matchedOn: 'line' });
    if (trimmed !== trimmed.toUpperCase()) {
      plan.push({ kind: 'reference', reference: 'loan', value: trimmed.toUpperCase(), matchedOn: 'loan' });
      plan.push({ kind: 'reference', reference: 'application', value: trimmed.toUpperCase(), matchedOn: 'application' });
    }
    if (/[A-Za-z]/.test(trimmed) && !/\d/.test(trimmed)) plan.push({ kind: 'exact', column: 'name', value: trimmed, matchedOn: 'name' });
  }
  return plan;
}

export function createBorrowerLookupService(options: { db: Db; audit: AuditRecorder; clock: Clock; settings: () => DomainSettings }): BorrowerLookupService {
  const { db, audit, clock } = options;
  /** Recent identifier searches per operator (their times), for the throttle. */
  const recent = new Map<number, number[]>();
  /** Recent whole-value searches that found no one, per operator (their times). */
  const misses = new Map<number, number[]>();
  /** Each operator's latest miss (its normalised text, kept in memory only), for {@link typedOnWithinMs}. */
  const latestMiss = new Map<number, { at: number; text: string }>();
  /** When each operator's latest refusal for misses was recorded. */
  const missRefusalRecorded = new Map<number, number>();

  /** Takes back the operator's latest miss when this search's text extends it (they typed on). */
  function forgiveTypedOn(actor: Actor, text: string, now: number): void {
    const previous = latestMiss.get(actor.id);
    if (!previous || now - previous.at > typedOnWithinMs || text.length <= previous.text.length || !text.startsWith(previous.text)) return;
    latestMiss.delete(actor.id);
    const times = misses.get(actor.id) ?? [];
    const index = times.lastIndexOf(previous.at);
    if (index >= 0) times.splice(index, 1);
  }

  function refuseAfterMisses(actor: Actor, now: number): void {
    const since = now - identifierMissLimit.windowMs;
    const times = (misses.get(actor.id) ?? []).filter((at) => at > since);
    misses.set(actor.id, times);
    if (times.length < identifierMissLimit.misses) return;
    // Recorded once per run of refusals: the first refusal after the latest miss.
    if ((missRefusalRecorded.get(actor.id) ?? -Infinity) < (times[times.length - 1] as number)) {
      missRefusalRecorded.set(actor.id, now);
      writeTransaction(db, (tx) =>
        audit.record(tx, actor, 'access.refused', { type: 'channel', id: 'borrowers:search' }, { reason: 'identifier_misses', misses: identifierMissLimit.misses }),
      );
    }
    const retryAfterMs = (times[0] as number) + identifierMissLimit.windowMs - now;
    throw new AppError('RATE_LIMITED', 'Too many searches by ID number, phone or name that found no one; wait before searching by a whole value again.', {
      reason: 'identifier_misses',
      retryAfterMs,
    });
  }

  function throttle(actor: Actor, now: number): void {
    const since = now - identifierSearchLimit.windowMs;
    const times = (recent.get(actor.id) ?? []).filter((at) => at > since);
    if (times.length >= identifierSearchLimit.searches) {
      recent.set(actor.id, times);
      const retryAfterMs = (times[0] as number) + identifierSearchLimit.windowMs - now;
      throw new AppError('RATE_LIMITED', 'Too many searches by ID number, phone or name in a short time; wait a moment.', { retryAfterMs });
    }
    times.push(now);
    recent.set(actor.id, times);
  }

  return {
    search(actor, { query, limit }) {
      const plan = planSearch(query);
      const identifierKinds = [...new Set(plan.filter((step) => identifierMatches.has(step.matchedOn)).map((step) => step.matchedOn))].sort();
      const now = clock.now();
      const wholeValue = plan.some((step) => step.kind === 'exact');
      const typedText = query.replace(/[\s+-]/g, '').toUpperCase();
      if (wholeValue) forgiveTypedOn(actor, typedText, now);
      if (wholeValue) refuseAfterMisses(actor, now);
      if (identifierKinds.length > 0) throttle(actor, now);
      const found = new Map<number, Candidate>();
      let truncated = false;
      for (const step of plan) {
        if (found.size > limit) break;
        // One more than needed tells whether there are more.
        const room = limit + 1;
        let matches: Candidate[];
        if (step.kind === 'exact') {
          matches = borrowersByValue(db, step.column, step.value, room).map((row) => ({ borrowerId: row.id, matchedOn: step.matchedOn, matchedReference: null }));
        } else if (step.kind === 'prefix') {
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
      // A name that matched no one but found a reference (letters only, as 'LN') is a reference search, not a guess.
      const guessedDigits = plan.some((step) => step.kind === 'exact' && step.column !== 'name');
      if (wholeValue && ![...found.values()].some((candidate) => wholeValueMatches.has(candidate.matchedOn)) && (guessedDigits || found.size === 0)) {
        const times = misses.get(actor.id) ?? [];
        times.push(now);
        misses.set(actor.id, times);
        latestMiss.set(actor.id, { at: now, text: typedText });
      }
      // Who searched by which kind of identifier and how many borrowers it found; never the value searched.
      if (identifierKinds.length > 0) {
        writeTransaction(db, (tx) => audit.record(tx, actor, 'borrowers.searched', undefined, { kinds: identifierKinds, hits: Math.min(found.size, limit), truncated }));
      }
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
        revealNeedsPurpose: options.settings().revealNeedsPurpose,
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
      const purpose = input.purpose?.trim() ?? '';
      if (purpose === '' && options.settings().revealNeedsPurpose) {
        throw new AppError('VALIDATION', 'Give the purpose of this reveal (a ticket number).', { field: 'purpose', reason: 'purpose_required' });
      }
      writeTransaction(db, (tx) =>
        audit.record(tx, actor, 'borrowers.pii-revealed', { type: 'borrower', id: borrower.id }, purpose === '' ? { fields } : { fields, purpose }),
      );
      return {
        ...(fields.includes('name') ? { name: borrower.name } : {}),
        ...(fields.includes('phone') ? { phone: borrower.phone } : {}),
        ...(fields.includes('idNumber') ? { idNumber: borrower.idNumber } : {}),
      };
    },
  };
}
