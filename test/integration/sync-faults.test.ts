import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NonceStore, verifySignedRequest } from '../../src/main/institution-api/signing';
import { findInstitutionById } from '../../src/main/repositories/institutions';
import { saveCursor } from '../../src/main/repositories/sync';
import { CircuitBreaker } from '../../src/main/institution-api/circuit';
import { createInstitutionClient, type ClientTuning } from '../../src/main/institution-api/client';
import { nextRunAt } from '../../src/main/sync/scheduler';
import { institutionId, startSyncWorld, type SyncWorld } from './sync-support';
import { institutionFailure } from '../support/institution-failure';

type Behaviour = 'ok' | 'reset' | 'truncate' | 'hang' | 'e500' | 'e503' | 'e429' | 'e401' | 'e401-clock' | 'bad-shape' | 'bad-json';

const capabilities = {
  api_version: 'v1',
  institution: { code: 'scripted', name: 'Scripted' },
  resources: ['applications'],
  repayment_plans: false,
  review_decisions: true,
  grace_days: 0,
  default_page_limit: 200,
  max_page_limit: 1000,
  products: [],
};

/** An institution that answers each request as scripted (then 'ok'), checking every signature. */
class ScriptedInstitution {
  server: Server;
  requests = 0;
  badSignatures = 0;
  private script: Behaviour[] = [];
  private readonly nonces = new NonceStore();
  readonly endpoint = { baseUrl: '', appId: 'scripted-app', secret: 'scripted-secret-0123456789' };

  constructor() {
    this.server = createServer((request, response) => void this.answer(request, response));
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.endpoint.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/inst/scripted`;
  }

  then(...behaviours: Behaviour[]): this {
    this.script.push(...behaviours);
    return this;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }

  private async answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    this.requests++;
    const verdict = verifySignedRequest({
      method: request.method ?? 'GET',
      url: request.url ?? '/',
      headers: request.headers,
      body: Buffer.concat(chunks),
      secretFor: (appId) => (appId === this.endpoint.appId ? this.endpoint.secret : undefined),
      nonces: this.nonces,
    });
    if (!verdict.ok) this.badSignatures++;
    const behaviour = this.script.shift() ?? 'ok';
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      const text = JSON.stringify(body);
      response.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
      response.end(text);
    };
    const error = (status: number, code: string) => json(status, { code, message: code, request_id: 'r1' });
    switch (behaviour) {
      case 'ok':
        return json(200, capabilities);
      case 'reset':
        request.socket.destroy();
        return;
      case 'truncate': {
        const text = JSON.stringify(capabilities);
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(text.length) });
        response.write(text.slice(0, 20), () => request.socket.destroy());
        return;
      }
      case 'hang':
        return; // never answers; the client's timeout must fire
      case 'e500':
        return error(500, 'INTERNAL_ERROR');
      case 'e503':
        return error(503, 'SERVICE_UNAVAILABLE');
      case 'e429':
        return json(429, { code: 'RATE_LIMITED', message: 'slow down', request_id: 'r2' }, { 'retry-after': '2' });
      case 'e401':
        return error(401, 'SIGNATURE_INVALID');
      case 'e401-clock':
        return error(401, 'TIMESTAMP_OUT_OF_RANGE');
      case 'bad-shape':
        return json(200, { api_version: 'v0' });
      case 'bad-json': {
        const text = '{"api_version": "v1", "institution": ';
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(text.length) });
        response.end(text);
        return;
      }
      default: {
        const unknown: never = behaviour;
        throw new Error(String(unknown));
      }
    }
  }
}

let institution: ScriptedInstitution;
let waits: number[];
let tuning: ClientTuning;
let circuit: CircuitBreaker;

beforeEach(async () => {
  institution = new ScriptedInstitution();
  await institution.listen();
  waits = [];
  // Waits are recorded, not slept: the test asserts what was asked for, never how long it took.
  tuning = { timeoutMs: 300, retry: { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 60_000 }, sleep: async (ms) => void waits.push(ms), random: () => 0.5 };
  circuit = new CircuitBreaker({ failureThreshold: 4, openMs: 30_000, maxOpenMs: 600_000, now: () => 1_000_000 });
});
afterEach(() => institution.close());

function client(withCircuit = true) {
  return createInstitutionClient(institution.endpoint, { fetch: (input, init) => fetch(input, init), circuit: withCircuit ? circuit : null, tuning });
}

describe('institution client fault paths', () => {
  it('retries 5xx with exponential backoff and jitter, then succeeds', async () => {
    institution.then('e500', 'e503', 'e500');
    const result = await client().capabilities();
    expect(result.institution.code).toBe('scripted');
    expect(institution.requests).toBe(4);
    // Full jitter at random() = 0.5: half of 100, 200, 400 ms.
    expect(waits).toEqual([50, 100, 200]);
    expect(institution.badSignatures).toBe(0);
  });

  it('retries a connection reset and a truncated body', async () => {
    institution.then('reset', 'truncate', 'bad-json');
    await client().capabilities();
    expect(institution.requests).toBe(4);
  });

  it('gives a request that does not answer up to its timeout, then retries it', async () => {
    institution.then('hang');
    await client().capabilities();
    expect(institution.requests).toBe(2);
  });

  it('honours Retry-After on 429 instead of its own backoff', async () => {
    institution.then('e429');
    await client().capabilities();
    expect(waits).toEqual([2000]);
  });

  it('does not retry a 401: the credentials are wrong, not the network', async () => {
    institution.then('e401', 'e401');
    const error = await institutionFailure(client().capabilities());
    expect(error.kind).toBe('credentials');
    expect(error.apiCode).toBe('SIGNATURE_INVALID');
    expect(institution.requests).toBe(1);
  });

  it('re-signs once after a refused timestamp, and says to check the clock when it happens again', async () => {
    institution.then('e401-clock');
    await client().capabilities();
    expect(institution.requests).toBe(2);
    institution.then('e401-clock', 'e401-clock');
    const error = await institutionFailure(client().capabilities());
    expect(error.kind).toBe('clock');
    expect(error.message).toMatch(/system clock/);
  });

  it('does not retry an answer that breaks the standard', async () => {
    institution.then('bad-shape');
    const error = await institutionFailure(client().capabilities());
    expect(error.kind).toBe('invalid_response');
    expect(institution.requests).toBe(1);
  });

  it('gives up after the last attempt and reports the last error', async () => {
    institution.then('e503', 'e503', 'e503', 'e503', 'e503');
    const error = await institutionFailure(client(false).capabilities());
    expect(error.kind).toBe('server');
    expect(error.status).toBe(503);
    expect(institution.requests).toBe(5);
  });

  it('opens the circuit after repeated outages and stops sending requests', async () => {
    institution.then('e500', 'e500', 'e500', 'e500', 'e500', 'e500', 'e500', 'e500');
    const error = await institutionFailure(client().capabilities());
    expect(error.kind).toBe('circuit_open');
    expect(institution.requests).toBe(4);
    expect(circuit.state).toBe('open');
    await institutionFailure(client().capabilities());
    expect(institution.requests).toBe(4);
  });
});

describe('institution failures during a pass', () => {
  let world: SyncWorld;
  beforeEach(async () => {
    world = await startSyncWorld({ borrowers: 60, institutions: 2 });
  });
  afterEach(() => world.close());

  it('marks an institution whose secret is refused "credentials rejected", takes it off the schedule, and syncs the others', async () => {
    const [first, second] = world.sim.institutions;
    if (!first || !second) throw new Error('two institutions expected');
    const refused = institutionId(world, first.code);
    world.backend.services.institutions.update(null, { id: refused, secret: 'not-the-right-secret-at-all' });
    const unreachable = world.backend.services.institutions.create(null, { code: 'GONE', name: 'Gone', baseUrl: 'http://127.0.0.1:9/inst/gone', appId: 'x', secret: 'whatever-secret' });
    const results = await world.backend.services.sync.runOnce();
    const byCode = new Map(results.map((result) => [result.code, result]));
    expect(byCode.get(first.code.toUpperCase())).toMatchObject({ status: 'failed', state: 'credentials_rejected', errorKind: 'credentials' });
    // Connection refused on every attempt: failed, and after enough of them its circuit opens.
    expect(byCode.get('GONE')?.status).toBe('failed');
    expect(['failed', 'circuit_open']).toContain(byCode.get('GONE')?.state);
    expect(byCode.get(second.code.toUpperCase())).toMatchObject({ status: 'succeeded', state: 'idle' });
    const row = findInstitutionById(world.backend.db, refused);
    expect(row?.state).toBe('credentials_rejected');
    expect(nextRunAt(row ?? ({} as never), Date.now())).toBeNull();
    expect(findInstitutionById(world.backend.db, unreachable.id)?.stateReason).toMatch(/ECONNREFUSED|Circuit open/);
  });

  it('pulls a resource again from the start when the institution no longer knows the stored cursor', async () => {
    const [first] = world.sim.institutions;
    if (!first) throw new Error('institution expected');
    const id = institutionId(world, first.code);
    await world.backend.services.sync.runOnce({ institutionIds: [id] });
    saveCursor(world.backend.db, id, 'orders', 'not-a-cursor-this-server-issued', 0, world.backend.clock.now());
    const [result] = await world.backend.services.sync.runOnce({ institutionIds: [id] });
    expect(result?.status).toBe('succeeded');
    expect(result?.resources.orders?.unchanged).toBeGreaterThan(0);
    expect(result?.reconciliation.every((entry) => entry.matched)).toBe(true);
  });

  it('says "circuit open" when an institution keeps failing, until the open period ends', async () => {
    const [first] = world.sim.institutions;
    if (!first) throw new Error('institution expected');
    world.sim.admin.setFaults({ rate5xx: 1 });
    const id = institutionId(world, first.code);
    const [result] = await world.backend.services.sync.runOnce({ institutionIds: [id] });
    expect(result).toMatchObject({ status: 'failed', state: 'circuit_open', errorKind: 'circuit_open' });
    const row = findInstitutionById(world.backend.db, id);
    expect(row?.state).toBe('circuit_open');
    expect(row?.circuitOpenUntil).toBeGreaterThan(world.backend.clock.now());
    expect(nextRunAt(row ?? ({} as never), world.backend.clock.now())).toBe(row?.circuitOpenUntil);
  });
});
