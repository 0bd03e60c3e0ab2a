import type { Locale } from '../../shared/contracts/auth';
import { errorCodeSchema, type ErrorCode } from '../../shared/rpc/errors';
import { messages, type MessageKey } from './messages';
import { translate } from './translate';

interface ErrorLike {
  code: ErrorCode;
  details?: unknown;
}

function isKey(key: string): key is MessageKey {
  return key in messages;
}

function fieldName(locale: Locale, path: readonly string[] | undefined): string {
  // The last named segment ("borrowers.0.note" -> "note"): the field the operator typed into.
  const name = [...(path ?? [])].reverse().find((segment) => !/^\d+$/.test(segment));
  const key = `error.field.${name ?? 'any'}`;
  // A field without a label yet (a setting's key) is named as the form names it, not hidden.
  if (!isKey(key) && name !== undefined) return name;
  return translate(locale, isKey(key) ? key : 'error.field.any');
}

interface Issue {
  path?: string[];
  code?: string;
  limit?: number;
  origin?: string;
}

function issueText(locale: Locale, issue: Issue): string {
  const field = fieldName(locale, issue.path);
  if ((issue.code === 'too_big' || issue.code === 'too_small') && typeof issue.limit === 'number') {
    // The router names the limit; a number field says "at most N", a text field "N characters".
    const numeric = issue.path?.some((segment) => /^(limit|amount|id|taskId|days|hours|minutes)$/i.test(segment)) ?? false;
    return translate(locale, numeric ? `error.issue.${issue.code}.number` : `error.issue.${issue.code}`, { field, limit: issue.limit });
  }
  return translate(locale, 'error.issue.other', { field });
}

/**
 * What an operator reads for a failed call: always a message in their language, chosen by the
 * contract's error code and the details the server adds (a reason, the invalid fields, a missing
 * permission). The server's English message is never shown; it is for logs and scripts.
 */
export function errorText(locale: Locale, error: unknown): string {
  const known = asErrorLike(error);
  if (!known) return translate(locale, 'error.INTERNAL');
  const details = (known.details ?? {}) as { reason?: unknown; holder?: unknown; issues?: unknown; permission?: unknown; field?: unknown };
  if (typeof details.reason === 'string') {
    const key = `error.reason.${details.reason}`;
    if (isKey(key)) return translate(locale, key, { holder: typeof details.holder === 'string' ? details.holder : '' });
  }
  if (known.code === 'VALIDATION' && Array.isArray(details.issues) && details.issues.length > 0) {
    return (details.issues as Issue[]).slice(0, 3).map((issue) => issueText(locale, issue)).join(locale === 'en' ? '; ' : '；');
  }
  if (known.code === 'FORBIDDEN' && typeof details.permission === 'string') {
    return translate(locale, 'error.permission', { permission: details.permission });
  }
  if (known.code === 'CONFLICT' && typeof details.field === 'string') {
    return translate(locale, 'error.taken', { field: fieldName(locale, [details.field]) });
  }
  if (known.code === 'VALIDATION' && typeof details.field === 'string') {
    return translate(locale, 'error.issue.other', { field: fieldName(locale, [details.field]) });
  }
  return translate(locale, `error.${known.code}`);
}

function asErrorLike(error: unknown): ErrorLike | null {
  if (typeof error !== 'object' || error === null) return null;
  const code = errorCodeSchema.safeParse((error as { code?: unknown }).code);
  return code.success ? { code: code.data, details: (error as { details?: unknown }).details } : null;
}
