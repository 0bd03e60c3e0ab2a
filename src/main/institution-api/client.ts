/**
 * The HTTP client of the institution API v1. Every request is signed (src/main/institution-api/
 * signing.ts), bounded by a timeout, retried per src/main/sync/retry.ts, guarded by the
 * institution's circuit, and every response is parsed with the shared zod schemas before anyone
 * sees it. fetch is injected so tests can point it anywhere.
 */
import { isUtf8 } from 'node:buffer';
import { z } from 'zod';
import {
  apiErrorSchema,
  idempotencyKeyHeader,
  rawPageSchema,
  readCapabilities,
  readStats,
  reviewDecisionResponseSchema,
  type ReadCapabilities,
  type ReadStats,
  type ResourceName,
  type ReviewDecisionRequest,
  type ReviewDecisionResponse,
} from '../../shared/institution-api';
import type { SyncFailure } from '../../shared/contracts/sync';
import { AppError } from '../../shared/rpc/errors';
import type { Db } from '../db/connection';
import { signRequest } from './signing';
import type { SecretVault } from './secrets';
import { SecretUnavailableError } from './secrets';
import type { Logger } from '../logging/logger';
import { findInstitutionById } from '../repositories/institutions';
import { CircuitBreaker, defaultCircuitOptions, type CircuitOptions, type CircuitState } from './circuit';
import { failureOf, InstitutionApiError, notJson } from './errors';
import { arrayElementTexts, invalidUtf8Reason, markInvalidUtf8, markInvalidUtf8Records, pageFromParts } from './page-text';
import { defaultRetryPolicy, parseRetryAfter, withRetry, type RetryPolicy } from './retry';

/** A zod schema, or a reader shaped like one (institution-api/tolerant.ts). */
interface Parser<T> {
  safeParse(json: unknown): { success: true; data: T } | { success: false; error: z.ZodError };
}

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** Where and as whom to call one institution. */
export interface InstitutionEndpoint {
  baseUrl: string;
  appId: string;
  secret: string;
}

export interface ClientTuning {
  /** Per request, headers and body included. */
  timeoutMs: number;
  retry: RetryPolicy;
  /** Optional waits instead of real timers (tests). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

export const defaultClientTuning: ClientTuning = { timeoutMs: 30_000, retry: defaultRetryPolicy };

export interface RequestOptions {
  signal?: AbortSignal;
  /** Reads a 2xx answer (JSON, schema, record texts) when the caller allows: the sync's pacer (core/pacer.ts); absent: at once. */
  pace?: <T>(read: () => T) => Promise<T>;
}

export type RawPage = z.infer<typeof rawPageSchema> & {
  /**
   * Each record's text as the institution sent it, as its UTF-8 bytes (views of the body), in the
   * order of `data` (page-text.ts); absent when the body did not scan cleanly, and then records
   * are serialized again where text is needed.
   */
  texts?: Buffer[];
};

export interface InstitutionImage {
  contentType: string;
  body: Buffer;
}

/** One institution's API, as the rest of the back end uses it. */
export interface InstitutionClient {
  /** Resources and products this client cannot use are left out, and listed in `ignored`. */
  capabilities(options?: RequestOptions): Promise<ReadCapabilities>;
  /** Unknown statuses counted, figures it cannot hold exactly left out; both listed in `ignored`. */
  stats(options?: RequestOptions): Promise<ReadStats>;
  /** One page of a resource; records are left unparsed for record-by-record validation. */
  listPage(resource: ResourceName, cursor: string | null, limit: number, options?: RequestOptions): Promise<RawPage>;
  /** One record's current version, unparsed (quarantine retries validate it themselves). */
  getRecord(resource: ResourceName, externalId: string, options?: RequestOptions): Promise<unknown>;
  /** GET /v1/images/{id}: ID-card and face images, served by the review engineer to reviewers. */
  getImage(imageId: string, options?: RequestOptions): Promise<InstitutionImage>;
  /**
   * POST /v1/applications/{id}/review-decisions with an idempotency key; `body` as an object or
   * as the exact JSON text queued in the outbox.
   */
  postReviewDecision(
    applicationExternalId: string,
    body: ReviewDecisionRequest | string,
    idempotencyKey: string,
    options?: RequestOptions,
  ): Promise<{ response: ReviewDecisionResponse; replayed: boolean }>;
}

interface RawResponse {
  status: number;
  headers: Headers;
  body: Buffer;
}

function joinUrl(baseUrl: string, pathAndQuery: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${pathAndQuery}`;
}

function isFreshSignatureCode(raw: { body: Buffer }): boolean {
  try {
    const code = (JSON.parse(raw.body.toString('utf8')) as { code?: unknown }).code;
    return code === 'TIMESTAMP_OUT_OF_RANGE' || code === 'NONCE_REPLAYED';
  } catch {
    return false;
  }
}

function isTimeoutReason(reason: unknown): boolean {
  return reason instanceof Error && reason.name === 'TimeoutError';
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return `${cause.code}${cause.message ? `: ${cause.message}` : ''}`;
  return error instanceof Error ? error.message : String(error);
}

/**
 * One deadline for a whole exchange, headers and body: its own controller and timer, held here
 * for the exchange's lifetime. (An AbortSignal.timeout combined with AbortSignal.any is held only
 * weakly by fetch on Node 20: after a garbage collection its abort never reached a body being
 * read, and a body trickling a byte a second hung the pass.) Every await of the exchange races
 * `expiry`, so the deadline holds even where an abort is not honoured.
 */
class Deadline {
  private readonly controller = new AbortController();
  private readonly timer: ReturnType<typeof setTimeout>;
  private readonly onCallerAbort: (() => void) | null = null;
  private rejectExpiry: (reason: unknown) => void = () => undefined;
  private readonly expiry: Promise<never>;
  expired = false;
  callerAborted = false;
  callerReason: unknown = undefined;

  constructor(
    timeoutMs: number,
    private readonly caller: AbortSignal | undefined,
  ) {
    this.expiry = new Promise<never>((_, reject) => {
      this.rejectExpiry = reject;
    });
    this.expiry.catch(() => undefined);
    this.timer = setTimeout(() => {
      this.expired = true;
      const reason = new DOMException(`No complete answer within ${timeoutMs} ms`, 'TimeoutError');
      this.controller.abort(reason);
      this.rejectExpiry(reason);
    }, timeoutMs);
    if (caller) {
      this.onCallerAbort = () => {
        this.callerAborted = true;
        this.callerReason = caller.reason;
        this.controller.abort(caller.reason);
        this.rejectExpiry(caller.reason);
      };
      if (caller.aborted) this.onCallerAbort();
      else caller.addEventListener('abort', this.onCallerAbort, { once: true });
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** `work`, unless the deadline passes or the caller aborts first. */
  race<T>(work: Promise<T>): Promise<T> {
    work.catch(() => undefined);
    return Promise.race([work, this.expiry]);
  }

  finish(): void {
    clearTimeout(this.timer);
    if (this.onCallerAbort) this.caller?.removeEventListener('abort', this.onCallerAbort);
  }
}

/** The body, chunk by chunk, each read raced against the deadline; the stream is cancelled when the deadline passes. */
async function readBody(response: Response, deadline: Deadline): Promise<Buffer> {
  if (response.body === null) return Buffer.alloc(0);
  const reader = response.body.getReader();
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await deadline.race(reader.read());
      if (done) break;
      chunks.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
      size += value.byteLength;
    }
  } catch (error) {
    reader.cancel().catch(() => undefined);
    throw error;
  }
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
}

/** The client for one endpoint, sharing a circuit with every other client of the same institution. */
export function createInstitutionClient(
  endpoint: InstitutionEndpoint,
  deps: { fetch: FetchLike; circuit: CircuitBreaker | null; tuning?: ClientTuning; logger?: Logger; wallClock?: () => number },
): InstitutionClient {
  const tuning = deps.tuning ?? defaultClientTuning;
  const wallClock = deps.wallClock ?? Date.now;

  async function sendOnce(method: 'GET' | 'POST', pathAndQuery: string, body: string | null, extraHeaders: Record<string, string>, signal?: AbortSignal): Promise<RawResponse> {
    if (signal?.aborted) throw new InstitutionApiError('aborted', 'Cancelled');
    deps.circuit?.acquire();
    const url = joinUrl(endpoint.baseUrl, pathAndQuery);
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...extraHeaders,
      ...signRequest({ appId: endpoint.appId, secret: endpoint.secret, method, url, body, now: wallClock() }),
    };
    if (body !== null) headers['content-type'] = 'application/json';
    const deadline = new Deadline(tuning.timeoutMs, signal);
    try {
      let response: Response;
      try {
        response = await deadline.race(deps.fetch(url, { method, headers, body, signal: deadline.signal, redirect: 'error' }));
      } catch (error) {
        throw classifyTransportError(error, deadline, 'network');
      }
      let bytes: Buffer;
      try {
        bytes = await readBody(response, deadline);
      } catch (error) {
        // Headers arrived but the body did not: a reset mid-body, or the deadline while reading.
        throw classifyTransportError(error, deadline, 'truncated', response.status);
      }
      const declaredLength = response.headers.get('content-length');
      if (declaredLength !== null && /^\d+$/.test(declaredLength) && Number(declaredLength) !== bytes.length && response.headers.get('content-encoding') === null) {
        throw new InstitutionApiError('truncated', `Body ended after ${bytes.length} of ${declaredLength} bytes`, { status: response.status });
      }
      return { status: response.status, headers: response.headers, body: bytes };
    } finally {
      deadline.finish();
    }
  }

  function classifyTransportError(error: unknown, deadline: Deadline, fallback: 'network' | 'truncated', status?: number): InstitutionApiError {
    if (error instanceof InstitutionApiError) return error;
    // A caller's deadline (AbortSignal.timeout) is a timeout too, not a cancellation.
    if (deadline.callerAborted && !isTimeoutReason(deadline.callerReason)) return new InstitutionApiError('aborted', 'Cancelled', { cause: error });
    if (deadline.callerAborted) return new InstitutionApiError('timeout', 'The caller’s deadline passed before a complete answer', { status, cause: error });
    if (deadline.expired) return new InstitutionApiError('timeout', `No complete answer within ${tuning.timeoutMs} ms${status === undefined ? '' : ' (the body was still arriving)'}`, { status, cause: error });
    return new InstitutionApiError(fallback, fallback === 'truncated' ? `Body cut short (${describeNetworkError(error)})` : `Network error (${describeNetworkError(error)})`, {
      status,
      cause: error,
    });
  }

  function errorFromResponse(raw: RawResponse): InstitutionApiError {
    let apiCode: string | null = null;
    let message = `HTTP ${raw.status}`;
    let requestId: string | null = null;
    try {
      const parsed = apiErrorSchema.safeParse(JSON.parse(raw.body.toString('utf8')));
      if (parsed.success) {
        apiCode = parsed.data.code;
        message = `HTTP ${raw.status} ${parsed.data.code}: ${parsed.data.message}`;
        requestId = parsed.data.request_id;
      }
    } catch {
      // An error page that is not JSON: the status says enough.
    }
    const details = { status: raw.status, apiCode, requestId, retryAfterMs: parseRetryAfter(raw.headers.get('retry-after'), wallClock()) };
    if (raw.status === 401 && apiCode === 'TIMESTAMP_OUT_OF_RANGE') {
      return new InstitutionApiError('clock', `${message}: this computer's clock and the institution's differ by more than the 5 minutes signing allows (check the system clock)`, details);
    }
    if (raw.status === 401) return new InstitutionApiError('credentials', message, details);
    if (raw.status === 429) return new InstitutionApiError('rate_limited', message, details);
    if (raw.status >= 500) return new InstitutionApiError('server', message, details);
    return new InstitutionApiError('client', message, details);
  }

  /**
   * One logical request: attempts with retry, each through the circuit. `read` turns a 2xx
   * answer into the result inside the attempt, so a body that is not complete JSON is retried
   * like a reset connection.
   */
  async function request<T>(
    method: 'GET' | 'POST',
    pathAndQuery: string,
    body: string | null,
    extraHeaders: Record<string, string>,
    read: (raw: RawResponse) => T,
    options: RequestOptions = {},
  ): Promise<T> {
    return withRetry(
      async () => {
        try {
          let raw = await sendOnce(method, pathAndQuery, body, extraHeaders, options.signal);
          // A refused timestamp or nonce is retried once, freshly signed (docs/institution-api.md §7); twice means a clock or signing problem.
          if (raw.status === 401 && isFreshSignatureCode(raw)) raw = await sendOnce(method, pathAndQuery, body, extraHeaders, options.signal);
          if (raw.status < 200 || raw.status >= 300) throw errorFromResponse(raw);
          const result = options.pace ? await options.pace(() => read(raw)) : read(raw);
          deps.circuit?.recordSuccess();
          return result;
        } catch (error) {
          if (error instanceof InstitutionApiError && error.kind !== 'circuit_open' && error.kind !== 'aborted') {
            if (error.countsAsOutage) deps.circuit?.recordFailure(error);
            else deps.circuit?.recordSuccess();
          }
          throw error;
        }
      },
      {
        policy: tuning.retry,
        signal: options.signal,
        sleep: tuning.sleep,
        random: tuning.random,
        onRetry: ({ attempt, delayMs, error }) =>
          deps.logger?.debug('institution request retried', { path: pathAndQuery.split('?')[0], attempt, delayMs, kind: error.kind, status: error.status }),
      },
    );
  }

  function jsonReader<T>(schema: Parser<T>, pathAndQuery: string, onBody?: (body: Buffer, data: T) => void): (raw: RawResponse) => { data: T; headers: Headers } {
    const where = pathAndQuery.split('?')[0] ?? pathAndQuery;
    return (raw) => {
      let json: unknown;
      const text = raw.body.toString('utf8');
      try {
        json = JSON.parse(text);
      } catch (error) {
        throw notJson(raw, text, where, error);
      }
      const parsed = schema.safeParse(json);
      if (!parsed.success) {
        const first = parsed.error.issues[0];
        throw new InstitutionApiError('invalid_response', `The answer to ${where} breaks the API standard${first ? ` at ${first.path.join('.') || '(root)'}: ${first.message}` : ''}`, {
          status: raw.status,
        });
      }
      onBody?.(raw.body, parsed.data);
      return { data: parsed.data, headers: raw.headers };
    };
  }

  function requestJson<T>(schema: Parser<T>, method: 'GET' | 'POST', pathAndQuery: string, body: string | null, extraHeaders: Record<string, string>, options?: RequestOptions) {
    return request(method, pathAndQuery, body, extraHeaders, jsonReader(schema, pathAndQuery), options);
  }

  return {
    async capabilities(options) {
      const capabilities = (await requestJson({ safeParse: readCapabilities }, 'GET', '/v1/capabilities', null, {}, options)).data;
      if (capabilities.ignored.length > 0) deps.logger?.info('capabilities: additions this client does not use', { ignored: capabilities.ignored });
      return capabilities;
    },
    async stats(options) {
      const stats = (await requestJson({ safeParse: readStats }, 'GET', '/v1/stats', null, {}, options)).data;
      if (stats.ignored.length > 0) deps.logger?.info('stats: figures this client cannot use', { ignored: stats.ignored });
      return stats;
    },
    async listPage(resource, cursor, limit, options) {
      const query = new URLSearchParams();
      if (cursor !== null) query.set('cursor', cursor);
      query.set('limit', String(limit));
      const pathAndQuery = `/v1/${resource}?${query.toString()}`;
      const whole = jsonReader(rawPageSchema, pathAndQuery, (body, page: RawPage) => {
        const texts = arrayElementTexts(body, 'data');
        if (texts !== null && texts.length === page.data.length) page.texts = texts;
        else if (!isUtf8(body)) markInvalidUtf8Records(body, 'data', page.data);
      });
      // Record by record where the body allows it (page-text.ts); anything else, a page that breaks the standard included, is read whole, which says what is wrong.
      const reader = (raw: RawResponse) => {
        const page: RawPage | null = pageFromParts(raw.body, rawPageSchema);
        return page === null ? whole(raw) : { data: page, headers: raw.headers };
      };
      return (await request('GET', pathAndQuery, null, {}, reader, options)).data;
    },
    async getRecord(resource, externalId, options) {
      const pathAndQuery = `/v1/${resource}/${encodeURIComponent(externalId)}`;
      const reader = jsonReader(z.unknown(), pathAndQuery, (body, record) => {
        if (!isUtf8(body)) markInvalidUtf8(record, invalidUtf8Reason(body));
      });
      return (await request('GET', pathAndQuery, null, {}, reader, options)).data;
    },
    async getImage(imageId, options) {
      return request(
        'GET',
        `/v1/images/${encodeURIComponent(imageId)}`,
        null,
        { accept: 'image/*' },
        (raw) => ({ contentType: raw.headers.get('content-type') ?? 'application/octet-stream', body: raw.body }),
        options,
      );
    },
    async postReviewDecision(applicationExternalId, body, idempotencyKey, options) {
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      const { data, headers } = await requestJson(
        reviewDecisionResponseSchema,
        'POST',
        `/v1/applications/${encodeURIComponent(applicationExternalId)}/review-decisions`,
        text,
        { [idempotencyKeyHeader]: idempotencyKey },
        options,
      );
      return { response: data, replayed: headers.get('idempotent-replayed') === 'true' };
    },
  };
}

/** The clients of configured institutions, one circuit per institution for the process's lifetime. */
export interface InstitutionClients {
  /** The client of a configured institution (its current base URL, app id and secret). */
  forInstitution(institutionId: number): InstitutionClient;
  /** A client for an endpoint not (yet) saved, e.g. "Test connection" in the add form. No circuit. */
  forEndpoint(endpoint: InstitutionEndpoint): InstitutionClient;
  /** The circuit of an institution (created closed on first use). */
  circuit(institutionId: number): CircuitBreaker;
  circuitState(institutionId: number): { state: CircuitState; openUntil: number | null };
}

export interface InstitutionClientsDeps {
  db: Db;
  vault: SecretVault;
  fetch?: FetchLike;
  tuning?: ClientTuning;
  circuit?: Partial<Omit<CircuitOptions, 'now' | 'onChange'>>;
  now: () => number;
  logger?: Logger;
  /** `cause`: the failure that opened the circuit, as stored (null when it closes). */
  onCircuitChange?: (institutionId: number, state: CircuitState, openUntil: number | null, cause: SyncFailure | null) => void;
}

/** Builds the factory `services.institutionClients` exposes to the rest of the back end. */
export function createInstitutionClients(deps: InstitutionClientsDeps): InstitutionClients {
  const fetchImpl: FetchLike = deps.fetch ?? ((input, init) => fetch(input, init));
  const circuits = new Map<number, CircuitBreaker>();

  function circuit(institutionId: number): CircuitBreaker {
    let breaker = circuits.get(institutionId);
    if (!breaker) {
      breaker = new CircuitBreaker({
        ...defaultCircuitOptions,
        ...deps.circuit,
        now: deps.now,
        onChange: (state, openUntil, cause) => deps.onCircuitChange?.(institutionId, state, openUntil, cause && failureOf(cause)),
      });
      circuits.set(institutionId, breaker);
    }
    return breaker;
  }

  return {
    forInstitution(institutionId) {
      const row = findInstitutionById(deps.db, institutionId);
      if (!row) throw new AppError('NOT_FOUND', `No institution with id ${institutionId}.`);
      let secret: string;
      try {
        secret = deps.vault.open(row.secretCiphertext, row.secretScheme);
      } catch (error) {
        if (error instanceof SecretUnavailableError) throw new InstitutionApiError('secret_unavailable', error.message);
        throw error;
      }
      return createInstitutionClient(
        { baseUrl: row.baseUrl, appId: row.appId, secret },
        { fetch: fetchImpl, circuit: circuit(institutionId), tuning: deps.tuning, logger: deps.logger },
      );
    },
    forEndpoint(endpoint) {
      return createInstitutionClient(endpoint, { fetch: fetchImpl, circuit: null, tuning: { ...(deps.tuning ?? defaultClientTuning), retry: { ...defaultRetryPolicy, maxAttempts: 2 } }, logger: deps.logger });
    },
    circuit,
    circuitState(institutionId) {
      const breaker = circuit(institutionId);
      return { state: breaker.state, openUntil: breaker.openUntil };
    },
  };
}
