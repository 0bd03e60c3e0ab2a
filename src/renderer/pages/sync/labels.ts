/**
 * Names of what an institution reports, in the operator's language: the statuses its /v1/stats
 * counts per resource and the resources and sums a stats note is about. A value this client does
 * not know (a status outside v1, a new key) stays as the institution wrote it.
 */
import type { SyncProblem } from '../../../shared/contracts/sync';
import { isMessageKey, labelOf, type Translate } from '../../i18n/translate';

type SyncResource = SyncProblem['resource'];

/** Where each resource's reported statuses are worded (the same words as the portfolio pages). */
const statusPrefixes: Partial<Record<SyncResource, string>> = {
  applications: 'borrowers.applicationStatus',
  'credit-lines': 'lines.reportedStatus',
  orders: 'loans.status',
};

/** A status of a resource as the institution reports it (AUDIT_NO_PASS, frozen...), worded; unknown ones as sent. */
export function reportedStatusLabel(t: Translate, resource: SyncResource, status: string): string {
  const prefix = statusPrefixes[resource];
  return prefix === undefined ? status : labelOf(t, prefix, status);
}

const camelCase = (name: string) => name.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());

/**
 * The subject of a /v1/stats note: a stats key (credit_lines) or a sum (repayments.amount_fen)
 * worded as the resource and the amount; anything else (an unknown key) as sent.
 */
export function statsSubjectLabel(t: Translate, subject: string): string {
  const [key = '', sum] = subject.split('.', 2);
  const resourceKey = `sync.resource.${key.replace(/_/g, '-')}`;
  if (!isMessageKey(resourceKey)) return subject;
  const resource = t(resourceKey);
  return sum === undefined ? resource : `${resource} · ${labelOf(t, 'sync.amount', camelCase(sum))}`;
}
