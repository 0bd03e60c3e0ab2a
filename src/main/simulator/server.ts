/**
 * The simulator's HTTP server: every institution under /inst/<code>/v1/..., the OpenAPI document
 * at /openapi.json and the unsigned admin endpoints under /admin (loopback only). Signing,
 * faults and error bodies happen here; records come from SimInstitution.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type ApiErrorCode,
  apiErrorStatus,
  defaultPageLimit,
  idempotencyKeySchema,
  maxPageLimit,
  resourceNameSchema,
  type ResourceName,
} from '../../shared/institution-api';
import { type NonceStore, verifySignedRequest } from '../institution-api/signing';
import { pageWithCursorFault } from './cursor-faults';
import type { FaultInjector, FaultPlan } from './faults';
import type { ImageService } from './image-service';
import { ApiFailure } from './api-failure';
import type { SimInstitution, WireRecord } from './institution';
import { driftCapabilities, driftStats, duplicateInstallmentPeriod, encodeBadUtf8, encodeBigSum, gatewayPage, markBadUtf8, sendTrickled } from './record-faults';

/** What the admin endpoints can do (implemented by the simulator). */
export interface SimulatorControl {
  clock(): unknown;
  tick(step: { days?: number; hours?: number }): unknown;
  faults(): unknown;
  setFaults(partial: unknown): unknown;
  injectedFaults(): unknown;
  clearInjectedFaults(): void;
  decisions(code: string | undefined): unknown;
  resetNonces(): void;
  groundTruth(code: string | undefined): unknown;
  purge(input: unknown): unknown;
  institutions(): unknown;
}

export interface ServerDependencies {
  institutions: SimInstitution[];
  nonces: NonceStore;
  faults: FaultInjector;
  images: ImageService;
  control: SimulatorControl;
  openApi(baseUrl: string): unknown;
}

interface Reply {
  status: number;
  body: Buffer;
  contentType: string;
  headers?: Record<string, string>;
}

const maxBodyBytes = 1024 * 1024;

/** Starts listening; resolves with the server and its base URL. */
export async function startHttpServer(dependencies: ServerDependencies, host: string, port: number): Promise<{ server: Server; url: string }> {
  const byCode = new Map(dependencies.institutions.map((institution) => [institution.config.code, institution]));
  let requestCounter = 0;
  let baseUrl = '';
  const server = createServer((request, response) => {
    requestCounter += 1;
    const requestId = `req-${requestCounter}`;
    handle(request, response, requestId).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      if (!response.headersSent) send(response, jsonReply(500, errorBody('INTERNAL_ERROR', message, requestId)), requestId);
      else response.destroy();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse, requestId: string): Promise<void> {
    const target = request.url ?? '/';
    const path = target.split('?', 1)[0] ?? '/';
    if (path === '/' && request.method === 'GET') {
      send(response, jsonReply(200, index()), requestId);
      return;
    }
    if (path === '/openapi.json' && request.method === 'GET') {
      send(response, jsonReply(200, dependencies.openApi(baseUrl)), requestId);
      return;
    }
    if (path === '/admin' || path.startsWith('/admin/')) {
      if (!isLoopback(request.socket.remoteAddress)) {
        send(response, jsonReply(403, errorBody('NOT_FOUND', 'Admin endpoints answer on loopback only', requestId)), requestId);
        return;
      }
      const body = await readBody(request);
      send(response, admin(request.method ?? 'GET', target, body, requestId), requestId);
      return;
    }
    const match = /^\/inst\/([a-z0-9-]+)(\/.*)$/.exec(path);
    const institution = match === null ? undefined : byCode.get(match[1] ?? '');
    if (match === null || institution === undefined) {
      send(response, jsonReply(404, errorBody('NOT_FOUND', `No route ${request.method ?? ''} ${path}`, requestId)), requestId);
      return;
    }
    await api(institution, match[2] ?? '/', request, response, requestId);
  }

  function index(): unknown {
    return {
      name: 'CreditDesk institution simulator',
      openapi: `${baseUrl}/openapi.json`,
      admin: `${baseUrl}/admin`,
      institutions: dependencies.institutions.map((institution) => ({
        code: institution.config.code,
        name: institution.config.name,
        base_url: `${baseUrl}/inst/${institution.config.code}`,
      })),
    };
  }

  async function api(institution: SimInstitution, apiPath: string, request: IncomingMessage, response: ServerResponse, requestId: string): Promise<void> {
    const method = request.method ?? 'GET';
    const target = request.url ?? '/';
    let body: Buffer;
    try {
      body = await readBody(request);
    } catch (error) {
      send(response, jsonReply(400, errorBody('BAD_REQUEST', error instanceof Error ? error.message : 'Unreadable body', requestId)), requestId);
      return;
    }
    const verdict = verifySignedRequest({
      method,
      url: target,
      headers: request.headers,
      body,
      secretFor: (appId) => (appId === institution.config.appId ? institution.config.secret : undefined),
      nonces: dependencies.nonces,
    });
    if (!verdict.ok) {
      if (verdict.code === 'NONCE_STORE_FULL') {
        send(response, jsonReply(429, errorBody('RATE_LIMITED', verdict.message, requestId), { 'Retry-After': '1' }), requestId);
      } else {
        send(response, jsonReply(401, errorBody(verdict.code, verdict.message, requestId)), requestId);
      }
      return;
    }

    const faults = dependencies.faults;
    const plan = faults.plan();
    const note = (kind: Parameters<FaultInjector['record']>[0]['kind'], extra: Record<string, unknown> = {}) =>
      faults.record({ sequence: plan.sequence, kind, institution: institution.config.code, method, path: target, ...extra });
    const isPost = method === 'POST';
    if (plan.maintenanceRetryAfter !== null) {
      note('maintenance', { retry_after: plan.maintenanceRetryAfter });
      send(response, jsonReply(503, errorBody('SERVICE_UNAVAILABLE', 'Down for maintenance (injected)', requestId), { 'Retry-After': plan.maintenanceRetryAfter }), requestId);
      return;
    }
    if (plan.reset && !isPost) {
      note('reset');
      resetSocket(request);
      return;
    }
    if (plan.respond429) {
      note('rate429');
      send(response, jsonReply(429, errorBody('RATE_LIMITED', 'Too many requests (injected)', requestId), { 'Retry-After': String(faults.retryAfterSeconds()) }), requestId);
      return;
    }
    if (plan.respond5xx !== null) {
      note('rate5xx');
      const code: ApiErrorCode = plan.respond5xx === 500 ? 'INTERNAL_ERROR' : 'SERVICE_UNAVAILABLE';
      send(response, jsonReply(plan.respond5xx, errorBody(code, 'Server error (injected)', requestId)), requestId);
      return;
    }
    if (plan.slowMs > 0) {
      note('slow', { delay_ms: plan.slowMs });
      await new Promise((resolve) => setTimeout(resolve, plan.slowMs));
      if (request.socket.destroyed) return;
    }

    let reply: Reply;
    try {
      reply = await route(institution, method, apiPath, target, request, body, plan, note);
    } catch (error) {
      if (!(error instanceof ApiFailure)) throw error;
      reply = jsonReply(apiErrorStatus[error.code], errorBody(error.code, error.message, requestId, error.details));
    }
    if (plan.reset && isPost) {
      // The decision was applied; the answer is lost: the client must retry with the same key.
      note('reset');
      resetSocket(request);
      return;
    }
    if (plan.truncate) {
      note('truncate');
      sendTruncated(response, reply, requestId, request);
      return;
    }
    if (plan.records.html200 && !isPost) {
      note('html200');
      send(response, { status: 200, body: gatewayPage, contentType: 'text/html; charset=utf-8' }, requestId);
      return;
    }
    if (plan.records.trickleMs > 0) {
      note('trickle', { byte_ms: plan.records.trickleMs });
      const trickled = withRequestId(reply, requestId);
      sendTrickled(response, request, reply.status, { 'Content-Type': reply.contentType, 'Content-Length': String(trickled.length), 'X-Request-Id': requestId, ...reply.headers }, trickled, plan.records.trickleMs);
      return;
    }
    send(response, reply, requestId);
  }

  async function route(
    institution: SimInstitution,
    method: string,
    apiPath: string,
    target: string,
    request: IncomingMessage,
    body: Buffer,
    plan: FaultPlan,
    note: (kind: Parameters<FaultInjector['record']>[0]['kind'], extra?: Record<string, unknown>) => void,
  ): Promise<Reply> {
    const query = new URLSearchParams(target.includes('?') ? target.slice(target.indexOf('?') + 1) : '');
    const segments = apiPath.split('/').filter((segment) => segment !== '');
    if (segments[0] !== 'v1') throw new ApiFailure('NOT_FOUND', `No route ${method} ${apiPath} (the API lives under /v1)`);
    const [, first, second, third] = segments;
    if (method === 'GET' && first === 'capabilities' && second === undefined) return jsonReply(200, driftCapabilities({ ...institution.capabilities() }, plan.records, note));
    if (method === 'GET' && first === 'stats' && second === undefined) {
      const drifted = driftStats({ ...institution.stats() }, plan.records, note);
      const reply = jsonReply(200, drifted.body);
      return { ...reply, body: encodeBigSum(reply.body, drifted.bigSum) };
    }
    if (method === 'GET' && first === 'images' && second !== undefined && third === undefined) {
      const image = await dependencies.images.render(`${institution.config.code}/${second}`, institution.image(decodeURIComponent(second)));
      return { status: 200, body: image.bytes, contentType: image.contentType, headers: { 'Cache-Control': 'private, max-age=86400' } };
    }
    if (method === 'POST' && first === 'applications' && second !== undefined && third === 'review-decisions' && segments.length === 4) {
      const key = request.headers['idempotency-key'];
      const keyText = Array.isArray(key) ? key[0] : key;
      if (keyText === undefined || keyText === '') throw new ApiFailure('IDEMPOTENCY_KEY_MISSING', 'POST review-decisions needs an Idempotency-Key header');
      if (!idempotencyKeySchema.safeParse(keyText).success) throw new ApiFailure('BAD_REQUEST', 'Idempotency-Key must be 8-128 characters of A-Z a-z 0-9 _ . : -');
      const outcome = institution.decide(decodeURIComponent(second), keyText, body);
      return jsonReply(outcome.status, outcome.body, outcome.replayed ? { 'Idempotent-Replayed': 'true' } : {});
    }
    const resource = resourceNameSchema.safeParse(first);
    if (method === 'GET' && resource.success && segments.length === 3 && second !== undefined) {
      return jsonReply(200, institution.one(resource.data, decodeURIComponent(second)));
    }
    if (method === 'GET' && resource.success && segments.length === 2) {
      const limitText = query.get('limit');
      const limit = limitText === null ? defaultPageLimit : /^\d{1,4}$/.test(limitText) ? Number(limitText) : Number.NaN;
      if (!Number.isInteger(limit) || limit < 1 || limit > maxPageLimit) throw new ApiFailure('INVALID_LIMIT', `limit must be an integer 1-${maxPageLimit}`);
      const cursor = query.get('cursor');
      const page = pageWithCursorFault(institution, resource.data, cursor === '' ? null : cursor, limit, plan.cursor, note);
      let data = applyPageFaults(institution, resource.data, cursor, page, plan, note);
      if (resource.data === 'repayment-plans') data = duplicateInstallmentPeriod(data, plan.records, note);
      if (resource.data === 'applications') data = markBadUtf8(data, plan.records, note);
      const reply = jsonReply(200, { data, next_cursor: page.nextCursor, has_more: page.hasMore });
      return { ...reply, body: encodeBadUtf8(reply.body) };
    }
    throw new ApiFailure('NOT_FOUND', `No route ${method} ${apiPath}`);
  }

  function admin(method: string, target: string, body: Buffer, requestId: string): Reply {
    const control = dependencies.control;
    const url = new URL(target, 'http://localhost');
    const institution = url.searchParams.get('institution') ?? undefined;
    let input: unknown = {};
    if (body.length > 0) {
      try {
        input = JSON.parse(body.toString('utf8'));
      } catch {
        return jsonReply(400, errorBody('BAD_REQUEST', 'Body is not JSON', requestId));
      }
    }
    const record = (value: unknown): Record<string, unknown> => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {});
    try {
      switch (`${method} ${url.pathname}`) {
        case 'GET /admin':
          return jsonReply(200, {
            endpoints: [
              'GET /admin/institutions',
              'GET /admin/clock',
              'POST /admin/tick {"days": 1} or {"hours": 6}',
              'GET /admin/faults',
              'PUT /admin/faults {"rate429": 0.05, ...}',
              'GET /admin/faults/injected',
              'DELETE /admin/faults/injected',
              'GET /admin/decisions?institution=CODE',
              'POST /admin/nonces/reset',
              'GET /admin/ground-truth?institution=CODE',
              'POST /admin/purge {"institution": "qinghe", "resource": "repayments", "count": 3}',
            ],
          });
        case 'GET /admin/institutions':
          return jsonReply(200, control.institutions());
        case 'GET /admin/clock':
          return jsonReply(200, control.clock());
        case 'POST /admin/tick': {
          const step = record(input);
          const days = typeof step.days === 'number' ? step.days : undefined;
          const hours = typeof step.hours === 'number' ? step.hours : undefined;
          return jsonReply(200, control.tick({ days, hours }));
        }
        case 'GET /admin/faults':
          return jsonReply(200, control.faults());
        case 'PUT /admin/faults':
        case 'POST /admin/faults':
          return jsonReply(200, control.setFaults(input));
        case 'GET /admin/faults/injected':
          return jsonReply(200, control.injectedFaults());
        case 'DELETE /admin/faults/injected':
          control.clearInjectedFaults();
          return jsonReply(200, control.injectedFaults());
        case 'GET /admin/decisions':
          return jsonReply(200, control.decisions(institution));
        case 'POST /admin/nonces/reset':
          control.resetNonces();
          return jsonReply(200, { ok: true });
        case 'GET /admin/ground-truth':
          return jsonReply(200, control.groundTruth(institution));
        case 'POST /admin/purge':
          return jsonReply(200, control.purge(input));
        default:
          return jsonReply(404, errorBody('NOT_FOUND', `No admin route ${method} ${url.pathname} (GET /admin lists them)`, requestId));
      }
    } catch (error) {
      return jsonReply(400, errorBody('BAD_REQUEST', error instanceof Error ? error.message : String(error), requestId));
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  baseUrl = `http://${host}:${address.port}`;
  return { server, url: baseUrl };
}

/**
 * Duplicate, out-of-order and schema-invalid records on a page. The cursor stays the server's
 * natural one, so a client that follows next_cursor and upserts by (id, version) still ends
 * with every record exactly once.
 */
function applyPageFaults(
  institution: SimInstitution,
  resource: ResourceName,
  cursor: string | null,
  page: { records: WireRecord[]; rows: Array<{ updated_ms: number | null; id: string }> },
  plan: FaultPlan,
  note: (kind: Parameters<FaultInjector['record']>[0]['kind'], extra?: Record<string, unknown>) => void,
): unknown[] {
  let data: Array<Record<string, unknown>> = [...page.records];
  if (plan.duplicate && data.length > 0) {
    const repeated = cursor !== null && cursor !== '' ? institution.recordsBefore(resource, cursor, plan.rng.int(1, 2)) : [data[plan.rng.int(0, data.length - 1)] as WireRecord];
    if (repeated.length > 0) {
      data = cursor !== null && cursor !== '' ? [...repeated, ...data] : [...data, ...repeated];
      note('duplicate', { resource, record_ids: repeated.map((record) => record.id) });
    }
  }
  if (plan.outOfOrder && data.length > 0) {
    const lastRow = page.rows[page.rows.length - 1];
    const early = lastRow === undefined ? null : institution.peekAfter(resource, lastRow as Parameters<SimInstitution['peekAfter']>[1]);
    if (early !== null || data.length > 1) {
      if (early !== null) data.push(early);
      // Rotate and swap so the page is never returned in (updated_at, id) order.
      const shift = plan.rng.int(1, Math.max(1, data.length - 1));
      data = [...data.slice(shift), ...data.slice(0, shift)];
      note('outOfOrder', { resource, record_ids: early === null ? [] : [early.id] });
    }
  }
  if (plan.invalid && data.length > 0) {
    const index = plan.rng.int(0, data.length - 1);
    const original = data[index] as WireRecord;
    data[index] = corrupt(original, resource, plan.rng.int(0, 2));
    note('invalid', { resource, record_id: original.id, version: original.version });
  }
  return data;
}

/** A copy of a record that no longer matches its schema (id kept, so it can be quarantined by id). */
function corrupt(record: WireRecord, resource: ResourceName, variant: number): Record<string, unknown> {
  const copy: Record<string, unknown> = structuredClone(record);
  if (variant === 0) {
    delete copy.updated_at;
    return copy;
  }
  if (variant === 1) {
    copy.version = `${record.version}`;
    return copy;
  }
  switch (resource) {
    case 'applications':
      copy.requested_amount_fen = -Math.abs(Number(copy.requested_amount_fen) || 100);
      break;
    case 'credit-lines':
      copy.limit_fen = `${String(copy.limit_fen)}.5`;
      break;
    case 'orders':
      copy.status = 'PAID_OFF';
      break;
    case 'repayment-plans':
      copy.installments = 'unavailable';
      break;
    case 'repayments':
      copy.amount_fen = 12.34;
      break;
    default: {
      const unknown: never = resource;
      throw new Error(`Unknown resource ${String(unknown)}`);
    }
  }
  return copy;
}

function errorBody(code: ApiErrorCode, message: string, requestId: string, details?: Record<string, unknown>) {
  return { code, message, request_id: requestId, ...(details === undefined ? {} : { details }) };
}

function jsonReply(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
  return { status, body: Buffer.from(JSON.stringify(body), 'utf8'), contentType: 'application/json; charset=utf-8', headers };
}

function send(response: ServerResponse, reply: Reply, requestId: string): void {
  const body = withRequestId(reply, requestId);
  response.writeHead(reply.status, {
    'Content-Type': reply.contentType,
    'Content-Length': String(body.length),
    'X-Request-Id': requestId,
    ...reply.headers,
  });
  response.end(body);
}

function sendTruncated(response: ServerResponse, reply: Reply, requestId: string, request: IncomingMessage): void {
  const body = withRequestId(reply, requestId);
  response.writeHead(reply.status, {
    'Content-Type': reply.contentType,
    'Content-Length': String(body.length),
    'X-Request-Id': requestId,
    ...reply.headers,
  });
  response.write(body.subarray(0, Math.max(1, Math.floor(body.length / 2))), () => request.socket.destroy());
}

// Error bodies built before the request id was known carry request_id null; fill it in.
function withRequestId(reply: Reply, requestId: string): Buffer {
  if (reply.status < 400 || !reply.contentType.startsWith('application/json')) return reply.body;
  const text = reply.body.toString('utf8');
  if (!text.includes('"request_id":null')) return reply.body;
  return Buffer.from(text.replace('"request_id":null', `"request_id":${JSON.stringify(requestId)}`), 'utf8');
}

function resetSocket(request: IncomingMessage): void {
  const socket = request.socket as IncomingMessage['socket'] & { resetAndDestroy?: () => void };
  if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
  else socket.destroy();
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        reject(new Error(`Body larger than ${maxBodyBytes} bytes`));
        request.resume();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}
