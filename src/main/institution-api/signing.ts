/**
 * HMAC-SHA256 request signing of the institution API, shared by the simulator (verifying) and
 * the sync client (signing). The canonical string itself is defined once, in
 * src/shared/institution-api/signing.ts.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  canonicalRequestString,
  maxClockSkewMs,
  noncePattern,
  signatureHeaders,
  timestampPattern,
} from '../../shared/institution-api/signing';

export interface SignRequestInput {
  appId: string;
  secret: string;
  method: string;
  /** Absolute URL or request target ('/inst/a/v1/orders?limit=10'); path and query are signed as written. */
  url: string | URL;
  /** The exact bytes that will be sent; absent or null for no body. */
  body?: string | Uint8Array | null;
  /** Epoch ms; defaults to Date.now(). */
  now?: number;
  /** Defaults to 24 random bytes, base64url. */
  nonce?: string;
}

/** Hex SHA-256 of a body (the empty string for no body). */
export function bodySha256Hex(body: string | Uint8Array | null | undefined): string {
  return createHash('sha256')
    .update(body ?? '')
    .digest('hex');
}

/** Lower-case hex HMAC-SHA256 of a canonical string. */
function computeSignature(secret: string, canonical: string): string {
  return createHmac('sha256', secret).update(canonical, 'utf8').digest('hex');
}

/** A fresh random nonce that satisfies the API's nonce pattern. */
function newNonce(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * The four signature headers for one request. Send the body exactly as passed here: the
 * signature covers its SHA-256.
 */
export function signRequest(input: SignRequestInput): Record<string, string> {
  const { path, query } = splitTarget(input.url);
  const timestamp = String(Math.trunc(input.now ?? Date.now()));
  const nonce = input.nonce ?? newNonce();
  const canonical = canonicalRequestString({
    method: input.method,
    path,
    query,
    timestamp,
    nonce,
    bodySha256Hex: bodySha256Hex(input.body),
  });
  return {
    [signatureHeaders.appId]: input.appId,
    [signatureHeaders.timestamp]: timestamp,
    [signatureHeaders.nonce]: nonce,
    [signatureHeaders.signature]: computeSignature(input.secret, canonical),
  };
}

export type NonceCheck = 'fresh' | 'replayed' | 'full';

/**
 * Remembers nonces per app id for as long as their timestamp stays acceptable, so a replay
 * inside the skew window is caught. Memory is bounded: when `maxEntries` unexpired nonces are
 * held, new requests are refused ('full') rather than forgetting a nonce early, which would
 * reopen the replay window.
 */
export class NonceStore {
  private readonly expiries = new Map<string, number>();
  private readonly maxEntries: number;
  private readonly skewMs: number;

  constructor(options: { maxEntries?: number; maxSkewMs?: number } = {}) {
    this.maxEntries = options.maxEntries ?? 200_000;
    this.skewMs = options.maxSkewMs ?? maxClockSkewMs;
  }

  /** Records the nonce unless it was seen before (and has not expired). */
  checkAndRemember(appId: string, nonce: string, timestampMs: number, now: number): NonceCheck {
    const key = `${appId}\u0000${nonce}`;
    const seenUntil = this.expiries.get(key);
    if (seenUntil !== undefined && seenUntil >= now) return 'replayed';
    this.pruneExpired(now, false);
    if (this.expiries.size >= this.maxEntries) {
      this.pruneExpired(now, true);
      if (this.expiries.size >= this.maxEntries) return 'full';
    }
    this.expiries.delete(key);
    this.expiries.set(key, timestampMs + this.skewMs);
    return 'fresh';
  }

  /** Forgets every nonce (the simulator's admin reset). */
  clear(): void {
    this.expiries.clear();
  }

  get size(): number {
    return this.expiries.size;
  }

  // Insertion order is close to expiry order (timestamps cluster around now), so the cheap pass
  // stops at the first live entry; the full pass runs only when the store is at its bound.
  private pruneExpired(now: number, full: boolean): void {
    for (const [key, expiry] of this.expiries) {
      if (expiry < now) this.expiries.delete(key);
      else if (!full) return;
    }
  }
}

export type SignatureErrorCode = 'SIGNATURE_MISSING' | 'SIGNATURE_INVALID' | 'APP_ID_UNKNOWN' | 'TIMESTAMP_OUT_OF_RANGE' | 'NONCE_REPLAYED';

export type VerifyResult =
  | { ok: true; appId: string }
  | { ok: false; code: SignatureErrorCode; message: string }
  | { ok: false; code: 'NONCE_STORE_FULL'; message: string };

export interface VerifySignedRequestInput {
  method: string;
  /** The request target as received: path plus optional '?query'. */
  url: string;
  /** Request headers; names matched case-insensitively. */
  headers: Record<string, string | string[] | undefined>;
  body: Uint8Array;
  /** The secret of an app id, or undefined for an unknown one. */
  secretFor(appId: string): string | undefined;
  nonces: NonceStore;
  now?: number;
  maxSkewMs?: number;
}

/**
 * Checks a signed request: headers present, known app id, timestamp within the skew, signature
 * (constant-time), then nonce not seen. The nonce is remembered only for a correctly signed
 * request, so forged traffic cannot fill the nonce store.
 */
export function verifySignedRequest(input: VerifySignedRequestInput): VerifyResult {
  const appId = header(input.headers, signatureHeaders.appId);
  const timestamp = header(input.headers, signatureHeaders.timestamp);
  const nonce = header(input.headers, signatureHeaders.nonce);
  const signature = header(input.headers, signatureHeaders.signature);
  if (appId === undefined || timestamp === undefined || nonce === undefined || signature === undefined) {
    return { ok: false, code: 'SIGNATURE_MISSING', message: `Signed requests need ${Object.values(signatureHeaders).join(', ')}` };
  }
  const secret = input.secretFor(appId);
  if (secret === undefined) return { ok: false, code: 'APP_ID_UNKNOWN', message: 'Unknown app id' };
  const now = input.now ?? Date.now();
  const skew = input.maxSkewMs ?? maxClockSkewMs;
  const timestampMs = timestampPattern.test(timestamp) ? Number(timestamp) : Number.NaN;
  if (!Number.isFinite(timestampMs) || Math.abs(now - timestampMs) > skew) {
    return {
      ok: false,
      code: 'TIMESTAMP_OUT_OF_RANGE',
      message: `${signatureHeaders.timestamp} must be epoch milliseconds within ${skew / 1000} s of the server clock`,
    };
  }
  if (!noncePattern.test(nonce)) {
    return { ok: false, code: 'SIGNATURE_INVALID', message: `${signatureHeaders.nonce} must be 16-64 characters of A-Z a-z 0-9 _ -` };
  }
  const { path, query } = splitTarget(input.url);
  const expected = computeSignature(
    secret,
    canonicalRequestString({ method: input.method, path, query, timestamp, nonce, bodySha256Hex: bodySha256Hex(input.body) }),
  );
  if (!constantTimeHexEqual(expected, signature)) {
    return { ok: false, code: 'SIGNATURE_INVALID', message: 'Signature does not match the request' };
  }
  const seen = input.nonces.checkAndRemember(appId, nonce, timestampMs, now);
  if (seen === 'replayed') return { ok: false, code: 'NONCE_REPLAYED', message: 'Nonce already used' };
  if (seen === 'full') return { ok: false, code: 'NONCE_STORE_FULL', message: 'Too many requests in the replay window' };
  return { ok: true, appId };
}

function constantTimeHexEqual(expectedHex: string, givenHex: string): boolean {
  const expected = Buffer.from(expectedHex, 'hex');
  const given = /^[0-9a-fA-F]*$/.test(givenHex) && givenHex.length % 2 === 0 ? Buffer.from(givenHex, 'hex') : Buffer.alloc(0);
  if (given.length !== expected.length) {
    // Still spend one comparison so a wrong length is not measurably faster than a wrong value.
    timingSafeEqual(expected, expected);
    return false;
  }
  return timingSafeEqual(expected, given);
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted) continue;
    const single = Array.isArray(value) ? value[0] : value;
    return single === undefined || single === '' ? undefined : single;
  }
  return undefined;
}

/** Path (as written, still percent-encoded) and raw query of an absolute URL or request target. */
function splitTarget(url: string | URL): { path: string; query: string } {
  const text = typeof url === 'string' ? url : url.href;
  const withoutOrigin = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '') : text;
  const withoutFragment = withoutOrigin.split('#', 1)[0] ?? '';
  const questionMark = withoutFragment.indexOf('?');
  const path = questionMark === -1 ? withoutFragment : withoutFragment.slice(0, questionMark);
  const query = questionMark === -1 ? '' : withoutFragment.slice(questionMark + 1);
  return { path: path === '' ? '/' : path, query };
}
