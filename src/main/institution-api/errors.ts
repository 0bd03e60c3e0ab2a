import type { SyncFailure } from '../../shared/contracts/sync';

/**
 * What can go wrong talking to an institution, classified once so retry, the circuit, the
 * scheduler and the Sync page all read the same facts.
 */
export type InstitutionErrorKind =
  /** The request (headers and body) did not finish within the per-request timeout. */
  | 'timeout'
  /** Connection refused or reset, DNS, socket closed before a response. */
  | 'network'
  /** A 2xx response whose body ended early (shorter than announced, or JSON that stops mid-way). */
  | 'truncated'
  /** 5xx. */
  | 'server'
  /** 429, with the wait the institution asked for. */
  | 'rate_limited'
  /** 401: the app id or secret is refused. Never retried. */
  | 'credentials'
  /** Any other 4xx: the request itself is wrong; retrying it unchanged cannot help. */
  | 'client'
  /** A complete response that does not match the API standard (zod). */
  | 'invalid_response'
  /** A 2xx answer that is not JSON at all: an HTML page from a gateway, a login portal, a maintenance page. */
  | 'not_json'
  /** 401 TIMESTAMP_OUT_OF_RANGE again after a freshly signed retry: this machine's clock and the institution's disagree. */
  | 'clock'
  /** The institution's circuit is open: no request was sent. */
  | 'circuit_open'
  /** Cancelled by shutdown or by the caller. */
  | 'aborted'
  /** The stored secret cannot be decrypted by this process. */
  | 'secret_unavailable';

const retryableKinds: ReadonlySet<InstitutionErrorKind> = new Set(['timeout', 'network', 'truncated', 'not_json', 'server', 'rate_limited']);

export class InstitutionApiError extends Error {
  override name = 'InstitutionApiError';
  readonly kind: InstitutionErrorKind;
  /** HTTP status when a response arrived. */
  readonly status: number | null;
  /** The API error code from the body (SIGNATURE_INVALID, RATE_LIMITED...), when one was sent. */
  readonly apiCode: string | null;
  /** For 429 (and 503 with the header): how long the institution asked us to wait. */
  readonly retryAfterMs: number | null;
  readonly requestId: string | null;

  constructor(
    kind: InstitutionErrorKind,
    message: string,
    details: { status?: number | null; apiCode?: string | null; retryAfterMs?: number | null; requestId?: string | null; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.kind = kind;
    this.status = details.status ?? null;
    this.apiCode = details.apiCode ?? null;
    this.retryAfterMs = details.retryAfterMs ?? null;
    this.requestId = details.requestId ?? null;
  }

  /** Worth sending again after a pause. */
  get retryable(): boolean {
    return retryableKinds.has(this.kind);
  }

  /** Counts against the institution's circuit: it looks down, not merely busy or misconfigured. */
  get countsAsOutage(): boolean {
    return this.kind === 'timeout' || this.kind === 'network' || this.kind === 'truncated' || this.kind === 'not_json' || this.kind === 'server';
  }
}

export function isInstitutionApiError(error: unknown): error is InstitutionApiError {
  return error instanceof InstitutionApiError;
}

/** What a failure talking to an institution was: its kind, or `internal` for a fault in this program. */
export type FailureKind = InstitutionErrorKind | 'internal';

/**
 * A failure as the sync run and the outbox store it: the kind as its closed code (every kind is
 * one: the assignment below checks it), the HTTP status, and the message as the technical detail.
 * Anything that is not an InstitutionApiError is a fault in this program. The one place an error
 * becomes its kind: the pass's `errorKind` is this code.
 */
export function failureOf(error: unknown): SyncFailure & { code: FailureKind } {
  if (error instanceof InstitutionApiError) return { code: error.kind, status: error.status, text: error.message };
  return { code: 'internal', status: null, text: error instanceof Error ? error.message : String(error) };
}

/**
 * A 2xx body JSON.parse refused, said as what it is: JSON that stops mid-way (a cut body: the
 * length was not announced or the cut fell on it), or something else altogether, most often an
 * HTML page a gateway, a login portal or a maintenance page put in the API's place.
 */
export function notJson(raw: { status: number; headers: Headers }, text: string, where: string, error: unknown): InstitutionApiError {
  const type = raw.headers.get('content-type')?.split(';')[0]?.trim() || 'no content type';
  const start = text.trimStart();
  const json = /json/i.test(type);
  if (json && start !== '' && !start.startsWith('<') && error instanceof SyntaxError && /end of (JSON )?input|Unterminated/i.test(error.message)) {
    return new InstitutionApiError('truncated', `The answer to ${where} stops mid-way (${text.length} characters of JSON)`, { status: raw.status });
  }
  const opening = start.slice(0, 60).replace(/\s+/g, ' ');
  const what = start === '' ? 'an empty body' : start.startsWith('<') ? `an HTML or XML page (${type})` : `${json ? 'malformed JSON' : type}`;
  return new InstitutionApiError('not_json', `The answer to ${where} is ${what}, not the API's JSON${opening === '' ? '' : `: “${opening}${start.length > 60 ? '…' : ''}”`}`, { status: raw.status });
}
