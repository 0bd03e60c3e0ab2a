import { describe, expect, it } from 'vitest';
import { canonicalQueryString, canonicalRequestString, emptyBodySha256Hex } from '../../shared/institution-api/signing';
import { bodySha256Hex, NonceStore, signRequest, verifySignedRequest } from './signing';

const appId = 'app_demo';
const secret = 'test-secret-not-for-production';
const now = Date.UTC(2026, 10, 25, 2, 0, 0);

function verify(options: {
  method?: string;
  url?: string;
  headers: Record<string, string>;
  body?: string;
  nonces?: NonceStore;
  at?: number;
}) {
  return verifySignedRequest({
    method: options.method ?? 'GET',
    url: options.url ?? '/inst/qinghe/v1/orders?limit=10&cursor=abc',
    headers: options.headers,
    body: Buffer.from(options.body ?? ''),
    secretFor: (id) => (id === appId ? secret : undefined),
    nonces: options.nonces ?? new NonceStore(),
    now: options.at ?? now,
  });
}

function signed(overrides: { method?: string; url?: string; body?: string; at?: number; nonce?: string } = {}) {
  return signRequest({
    appId,
    secret,
    method: overrides.method ?? 'GET',
    url: overrides.url ?? 'http://127.0.0.1:9000/inst/qinghe/v1/orders?limit=10&cursor=abc',
    body: overrides.body,
    now: overrides.at ?? now,
    nonce: overrides.nonce ?? 'nonce-0123456789abcdef',
  });
}

describe('canonical request string', () => {
  it('joins method, path, sorted query, timestamp, nonce and body hash with newlines', () => {
    expect(
      canonicalRequestString({
        method: 'post',
        path: '/v1/applications/A1/review-decisions',
        query: '?b=2&a=1',
        timestamp: '1764036000000',
        nonce: 'n0123456789abcdef',
        bodySha256Hex: emptyBodySha256Hex,
      }),
    ).toBe(`POST\n/v1/applications/A1/review-decisions\na=1&b=2\n1764036000000\nn0123456789abcdef\n${emptyBodySha256Hex}`);
  });

  it('normalizes query encoding so equivalent queries sign the same', () => {
    expect(canonicalQueryString('z=%7e&a=hello+world&a=b')).toBe('a=b&a=hello%20world&z=~');
    expect(canonicalQueryString("q=it's*")).toBe('q=it%27s%2A');
    expect(canonicalQueryString('')).toBe('');
    expect(canonicalQueryString('flag')).toBe('flag=');
  });

  it('hashes an empty body to the published constant', () => {
    expect(bodySha256Hex(undefined)).toBe(emptyBodySha256Hex);
    expect(bodySha256Hex('')).toBe(emptyBodySha256Hex);
  });
});

describe('the worked examples of docs/institution-api.md', () => {
  const example = { appId: 'app_example_100001', secret: 'sim_example_secret_do_not_use', now: 1_764_036_000_000 };

  it('signs the GET example to the documented signature', () => {
    const headers = signRequest({
      ...example,
      method: 'GET',
      url: 'https://inst.example.com/v1/orders?limit=200&cursor=YzF8MTc2NDAzNTk5OTAwMHxMTzIwMjYxMTI1MDAwMDEyMzAwMA',
      nonce: 'Zk3q9VxT0bLr8mWcYp2dHs',
    });
    expect(headers).toEqual({
      'X-App-Id': 'app_example_100001',
      'X-Timestamp': '1764036000000',
      'X-Nonce': 'Zk3q9VxT0bLr8mWcYp2dHs',
      'X-Signature': 'da9470b9dfefebd8f463470252c84e8fc2863ddb9b2a05d2423b7f24376ef7d8',
    });
  });

  it('signs the POST example to the documented body hash and signature', () => {
    const body =
      '{"decision":"approve","approved_limit_fen":800000,"reviewer_id":"ops-li","reason_codes":[],"comment":"","decided_at":"2026-11-25T09:58:12.000+08:00","application_version":6,"face_compare_basis":null}';
    expect(bodySha256Hex(body)).toBe('698ba2be97860961e1901145fd988796030e18208d13c38c81f3d4d1fd023835');
    const headers = signRequest({ ...example, method: 'POST', url: 'https://inst.example.com/v1/applications/APP2026112500001230/review-decisions', body, nonce: 'p4Rw7NcX2eKj9QsLm0aZuV' });
    expect(headers['X-Signature']).toBe('5c72c8535df5766248a74c00f9c69a00d5d2f87c269f8960990442eb309a3239');
  });
});

describe('verifySignedRequest', () => {
  it('accepts a correctly signed request, whatever the query parameter order', () => {
    const headers = signed();
    expect(verify({ headers })).toEqual({ ok: true, appId });
    expect(verify({ headers: signed({ nonce: 'nonce-second-abcdefgh' }), url: '/inst/qinghe/v1/orders?cursor=abc&limit=10' })).toEqual({
      ok: true,
      appId,
    });
  });

  it('accepts header names in any case and a body signed byte for byte', () => {
    const body = JSON.stringify({ decision: 'reject', reason_codes: ['FRAUD'] });
    const headers = signed({ method: 'POST', url: '/inst/qinghe/v1/applications/A1/review-decisions', body });
    const lower = Object.fromEntries(Object.entries(headers).map(([key, value]) => [key.toLowerCase(), value]));
    expect(verify({ method: 'POST', url: '/inst/qinghe/v1/applications/A1/review-decisions', headers: lower, body }).ok).toBe(true);
  });

  it('refuses a signature made with another secret', () => {
    const headers = signRequest({ appId, secret: 'other', method: 'GET', url: '/inst/qinghe/v1/orders?limit=10&cursor=abc', now, nonce: 'nonce-0123456789abcdef' });
    expect(verify({ headers })).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
  });

  it('refuses a request whose path, query, method or body changed after signing', () => {
    const body = '{"decision":"approve"}';
    const headers = signed({ method: 'POST', url: '/inst/qinghe/v1/applications/A1/review-decisions', body });
    const base = { method: 'POST', url: '/inst/qinghe/v1/applications/A1/review-decisions', headers, body };
    expect(verify({ ...base, body: '{"decision":"reject"}' })).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
    expect(verify({ ...base, url: '/inst/qinghe/v1/applications/A2/review-decisions' })).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
    expect(verify({ ...base, url: '/inst/qinghe/v1/applications/A1/review-decisions?x=1' })).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
    expect(verify({ ...base, method: 'PUT' })).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
  });

  it('refuses a truncated or non-hex signature', () => {
    const headers = signed();
    expect(verify({ headers: { ...headers, 'X-Signature': headers['X-Signature']!.slice(0, 20) } })).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
    expect(verify({ headers: { ...headers, 'X-Signature': 'zz'.repeat(32) } })).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
  });

  it('refuses timestamps more than 5 minutes away, either way, and accepts them just inside', () => {
    const fiveMinutes = 5 * 60 * 1000;
    expect(verify({ headers: signed({ at: now - fiveMinutes - 1 }) })).toMatchObject({ ok: false, code: 'TIMESTAMP_OUT_OF_RANGE' });
    expect(verify({ headers: signed({ at: now + fiveMinutes + 1 }) })).toMatchObject({ ok: false, code: 'TIMESTAMP_OUT_OF_RANGE' });
    expect(verify({ headers: signed({ at: now - fiveMinutes }) }).ok).toBe(true);
    expect(verify({ headers: { ...signed(), 'X-Timestamp': '2026-11-25' } })).toMatchObject({ ok: false, code: 'TIMESTAMP_OUT_OF_RANGE' });
  });

  it('refuses a replayed nonce, but not the same nonce from another app', () => {
    const nonces = new NonceStore();
    const headers = signed();
    expect(verify({ headers, nonces }).ok).toBe(true);
    expect(verify({ headers, nonces })).toMatchObject({ ok: false, code: 'NONCE_REPLAYED' });
    expect(nonces.checkAndRemember('another_app', 'nonce-0123456789abcdef', now, now)).toBe('fresh');
  });

  it('refuses unknown app ids and missing headers', () => {
    expect(verify({ headers: { ...signed(), 'X-App-Id': 'nobody' } })).toMatchObject({ ok: false, code: 'APP_ID_UNKNOWN' });
    const { ['X-Nonce']: _dropped, ...withoutNonce } = signed();
    expect(verify({ headers: withoutNonce })).toMatchObject({ ok: false, code: 'SIGNATURE_MISSING' });
  });

  it('does not remember the nonce of a badly signed request', () => {
    const nonces = new NonceStore();
    const headers = signed();
    expect(verify({ headers: { ...headers, 'X-Signature': '00'.repeat(32) }, nonces }).ok).toBe(false);
    expect(verify({ headers, nonces }).ok).toBe(true);
  });
});

describe('NonceStore', () => {
  it('forgets a nonce once its timestamp is outside the window, and refuses when full of live nonces', () => {
    const store = new NonceStore({ maxEntries: 2, maxSkewMs: 1000 });
    expect(store.checkAndRemember('a', 'n1', 0, 0)).toBe('fresh');
    expect(store.checkAndRemember('a', 'n2', 0, 0)).toBe('fresh');
    expect(store.checkAndRemember('a', 'n3', 0, 500)).toBe('full');
    expect(store.checkAndRemember('a', 'n3', 2000, 2000)).toBe('fresh');
    expect(store.size).toBe(1);
    expect(store.checkAndRemember('a', 'n1', 2000, 2000)).toBe('fresh');
  });
});
