import { mkdirSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestBackend, testAdminPassword } from '../../../test/support/backend';
import { tempFolders } from '../../../test/support/temp-folders';
import type { Backend } from '../runtime/backend';
import { startHttpServer, type RunningHttpServer } from './http-server';

let backend: Backend & { cleanup(): Promise<void> };
let server: RunningHttpServer;
// The static root sits alone in a temporary folder, so a sibling test folder can stand beside it.
const folders = tempFolders();
const staticDir = folders.file('static');

beforeAll(async () => {
  backend = await createTestBackend();
  mkdirSync(path.join(staticDir, 'assets'), { recursive: true });
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>CreditDesk</title>');
  writeFileSync(path.join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  server = await startHttpServer({ backend, port: 0, staticDir });
});
afterAll(async () => {
  await server.close();
  await backend.cleanup();
  folders.removeAll();
});

async function rpc(channel: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}/api/rpc/${channel}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

async function signIn(): Promise<{ cookie: string; csrf: string }> {
  const result = await rpc('auth:sign-in', { username: 'admin', password: testAdminPassword });
  const cookie = (result.headers.get('set-cookie') ?? '').split(';')[0] as string;
  const csrf = (result.body.data as { csrfToken: string }).csrfToken;
  return { cookie, csrf };
}

describe('headless server', () => {
  it('answers /healthz', async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('gives an unauthenticated call UNAUTHORIZED (401) and never reaches a service', async () => {
    const result = await rpc('users:list', {});
    expect(result.status).toBe(401);
    expect(result.body).toEqual({ ok: false, error: { code: 'UNAUTHORIZED', message: 'Sign in first.' } });
  });

  it('sets an HttpOnly SameSite=Strict session cookie at sign-in', async () => {
    const result = await rpc('auth:sign-in', { username: 'admin', password: testAdminPassword });
    const cookie = result.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^creditdesk_session=[A-Za-z0-9_-]+;/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
  });

  it('requires the CSRF token on signed-in calls', async () => {
    const { cookie, csrf } = await signIn();
    const without = await rpc('users:list', {}, { cookie });
    expect(without.status).toBe(403);
    expect(without.body).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', details: { reason: 'csrf' } } });
    const wrong = await rpc('users:list', {}, { cookie, 'x-csrf-token': 'guess' });
    expect(wrong.status).toBe(403);
    const right = await rpc('users:list', {}, { cookie, 'x-csrf-token': csrf });
    expect(right.status).toBe(200);
    expect(right.body.ok).toBe(true);
  });

  it('refuses cross-site requests and foreign Host headers', async () => {
    const { cookie, csrf } = await signIn();
    const crossOrigin = await rpc('users:list', {}, { cookie, 'x-csrf-token': csrf, origin: 'https://evil.example' });
    expect(crossOrigin.status).toBe(403);
    // An opaque origin (a sandboxed frame, a file: or data: page) is never ours, not even for
    // sign-in, where a page could otherwise sign the browser into an account of its choosing.
    const opaque = await rpc('auth:sign-in', { username: 'admin', password: testAdminPassword }, { origin: 'null' });
    expect(opaque.status).toBe(403);
    expect(opaque.headers.get('set-cookie')).toBeNull();
    const crossSite = await rpc('users:list', {}, { cookie, 'x-csrf-token': csrf, 'sec-fetch-site': 'cross-site' });
    expect(crossSite.status).toBe(403);
    // fetch may not set Host; a DNS-rebinding page would arrive with its own name here.
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(
        { host: '127.0.0.1', port: server.port, path: '/api/rpc/auth:session', method: 'POST', headers: { host: 'attacker.example', 'content-type': 'application/json' } },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      request.on('error', reject);
      request.end('{}');
    });
    expect(status).toBe(403);
  });

  it('refuses non-JSON bodies, bad JSON and unknown channels with clear codes', async () => {
    const form = await fetch(`${server.url}/api/rpc/auth:sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'username=admin',
    });
    expect(form.status).toBe(400);
    const badJson = await fetch(`${server.url}/api/rpc/auth:sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    expect(await badJson.json()).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: 'The request body is not valid JSON.' } });
    const { cookie, csrf } = await signIn();
    const unknown = await rpc('nothing:here', {}, { cookie, 'x-csrf-token': csrf });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('streams pushes to signed-in operators over server-sent events', async () => {
    const { cookie } = await signIn();
    const denied = await fetch(`${server.url}/api/events`);
    expect(denied.status).toBe(401);
    const controller = new AbortController();
    const response = await fetch(`${server.url}/api/events`, { headers: { cookie }, signal: controller.signal });
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = decoder.decode((await reader.read()).value);
    backend.events.emit('users:changed', { userId: 42 });
    while (!text.includes('users:changed')) text += decoder.decode((await reader.read()).value);
    expect(text).toContain('event: users:changed\ndata: {"userId":42}');
    controller.abort();
  });

  it('serves the renderer with a strict Content-Security-Policy and falls back to index.html', async () => {
    const index = await fetch(`${server.url}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(index.headers.get('x-frame-options')).toBe('DENY');
    const asset = await fetch(`${server.url}/assets/app.js`);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    const traversal = await fetch(`${server.url}/..%2f..%2fetc%2fpasswd`);
    expect(traversal.status).toBe(404);
    expect(await traversal.text()).not.toContain('root:');
  });

  it('refuses a sibling folder whose name starts with the static folder’s name', async () => {
    // A string-prefix check lets `<root>-evil/secret.txt` through for the root `<root>`.
    const sibling = `${staticDir}-evil`;
    mkdirSync(sibling);
    writeFileSync(path.join(sibling, 'secret.txt'), 'not for you');
    const escape = await fetch(`${server.url}/..%2f${path.basename(sibling)}%2fsecret.txt`);
    expect(escape.status).toBe(404);
    expect(await escape.text()).not.toContain('not for you');
  });
});
