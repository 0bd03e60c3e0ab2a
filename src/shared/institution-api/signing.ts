/**
 * The request-signing rules of the institution API (docs/institution-api.md, "Signing"), as pure
 * functions so the signer, the verifier and the documentation cannot drift apart. The HMAC itself
 * is computed in src/main/institution-api/signing.ts (node:crypto).
 */

/** Request headers of a signed request (HTTP header names are case-insensitive). */
export const signatureHeaders = {
  appId: 'X-App-Id',
  timestamp: 'X-Timestamp',
  nonce: 'X-Nonce',
  signature: 'X-Signature',
} as const;

/** A request whose timestamp is further than this from the server's clock is refused. */
export const maxClockSkewMs = 5 * 60 * 1000;

/** Nonces: 16-64 characters of A-Z a-z 0-9 _ -, unique per app id within the skew window. */
export const noncePattern = /^[A-Za-z0-9_-]{16,64}$/;

/** Timestamps: epoch milliseconds as decimal digits. */
export const timestampPattern = /^\d{10,16}$/;

/** Hex SHA-256 of an empty body, for requests without one. */
export const emptyBodySha256Hex = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export interface CanonicalRequestInput {
  /** HTTP method; upper-cased in the canonical string. */
  method: string;
  /** The path exactly as sent on the request line, percent-encoded, without the query. */
  path: string;
  /** The raw query string, with or without the leading '?'; '' when there is none. */
  query: string;
  /** Epoch milliseconds as sent in X-Timestamp. */
  timestamp: string;
  nonce: string;
  /** Lower-case hex SHA-256 of the raw body bytes (emptyBodySha256Hex for no body). */
  bodySha256Hex: string;
}

/**
 * The string an HMAC-SHA256 signature covers: six lines joined by '\n' (no trailing newline):
 * METHOD, path, canonical query, timestamp, nonce, body hash.
 */
export function canonicalRequestString(input: CanonicalRequestInput): string {
  return [
    input.method.toUpperCase(),
    input.path,
    canonicalQueryString(input.query),
    input.timestamp,
    input.nonce,
    input.bodySha256Hex.toLowerCase(),
  ].join('\n');
}

/**
 * The canonical form of a query string: parameters decoded ('+' is a space), sorted by name then
 * value (UTF-16 code-unit order), re-encoded per RFC 3986 (only A-Z a-z 0-9 - _ . ~ unescaped,
 * upper-case hex), joined with '&'. A parameter without '=' has the empty value.
 */
export function canonicalQueryString(query: string): string {
  const raw = query.startsWith('?') ? query.slice(1) : query;
  if (raw === '') return '';
  const pairs: Array<[string, string]> = [];
  for (const part of raw.split('&')) {
    if (part === '') continue;
    const equals = part.indexOf('=');
    const name = equals === -1 ? part : part.slice(0, equals);
    const value = equals === -1 ? '' : part.slice(equals + 1);
    pairs.push([decodeComponent(name), decodeComponent(value)]);
  }
  pairs.sort(([nameA, valueA], [nameB, valueB]) => compareCodeUnits(nameA, nameB) || compareCodeUnits(valueA, valueB));
  return pairs.map(([name, value]) => `${encodeRfc3986(name)}=${encodeRfc3986(value)}`).join('&');
}

function decodeComponent(text: string): string {
  const spaced = text.replaceAll('+', ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    // A malformed escape is kept as sent: both sides then sign the same bytes or the request fails honestly.
    return spaced;
  }
}

function encodeRfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);
}

function compareCodeUnits(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
