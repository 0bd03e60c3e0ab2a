/**
 * Faults in what an institution says rather than how it says it: a body that trickles, a
 * maintenance window answered 503 with Retry-After, a plan naming one installment period twice,
 * stats and capabilities with additions a v1 client must tolerate, a sum beyond 2^53, invalid
 * UTF-8 in a record. Drawn from their own stream (seed, 'record-faults', request sequence), so
 * enabling one of them moves none of the transport faults in faults.ts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { Rng } from './rng';

export const recordFaultKinds = ['trickle', 'maintenance', 'duplicatePeriod', 'statsDrift', 'bigSum', 'capabilitiesDrift', 'badUtf8', 'html200'] as const;
export type RecordFaultKind = (typeof recordFaultKinds)[number];

const rate = z.number().min(0).max(1);

/** The fields faults.ts spreads into its config schema (all defaulted: absent means off). */
export const recordFaultShape = {
  /** Rate of answers whose body is sent one byte per `trickleMs`. */
  trickle: rate.default(0),
  trickleMs: z.int().min(1).max(60_000).default(1000),
  /** Length of a maintenance window opened when this is set (0: none): every API request is answered 503 with Retry-After. */
  maintenanceSeconds: z.int().min(0).max(3600).default(0),
  /** 1: Retry-After of the maintenance window as an HTTP date instead of seconds. */
  maintenanceDate: z.int().min(0).max(1).default(0),
  /** Rate of repayment-plan pages where one plan names its first installment period twice. */
  duplicatePeriod: rate.default(0),
  /** Rate of /v1/stats answers with an unknown status in every by_status and an unknown resource key. */
  statsDrift: rate.default(0),
  /** Rate of /v1/stats answers whose repayments.amount_fen is beyond 2^53 (written as exact digits). */
  bigSum: rate.default(0),
  /** Rate of /v1/capabilities answers naming a resource and a product this version of the standard does not know. */
  capabilitiesDrift: rate.default(0),
  /** Rate of application pages where one borrower name carries bytes that are not UTF-8. */
  badUtf8: rate.default(0),
  /** Rate of answers replaced by a gateway's HTML page, with status 200. */
  html200: rate.default(0),
};

export const recordFaultUpdateShape = {
  trickle: rate,
  trickleMs: z.int().min(1).max(60_000),
  maintenanceSeconds: z.int().min(0).max(3600),
  maintenanceDate: z.int().min(0).max(1),
  duplicatePeriod: rate,
  statsDrift: rate,
  bigSum: rate,
  capabilitiesDrift: rate,
  badUtf8: rate,
  html200: rate,
};

type RecordFaultConfig = { [Key in keyof typeof recordFaultShape]: number };

export interface RecordFaultPlan {
  trickleMs: number;
  duplicatePeriod: boolean;
  statsDrift: boolean;
  bigSum: boolean;
  capabilitiesDrift: boolean;
  badUtf8: boolean;
  html200: boolean;
  rng: Rng;
}

export function planRecordFaults(seed: string, sequence: number, config: RecordFaultConfig): RecordFaultPlan {
  const rng = Rng.for(seed, 'record-faults', sequence);
  const draws = recordFaultKinds.map(() => rng.next());
  const at = (kind: RecordFaultKind) => draws[recordFaultKinds.indexOf(kind)] ?? 1;
  return {
    trickleMs: at('trickle') < config.trickle ? config.trickleMs : 0,
    duplicatePeriod: at('duplicatePeriod') < config.duplicatePeriod,
    statsDrift: at('statsDrift') < config.statsDrift,
    bigSum: at('bigSum') < config.bigSum,
    capabilitiesDrift: at('capabilitiesDrift') < config.capabilitiesDrift,
    badUtf8: at('badUtf8') < config.badUtf8,
    html200: at('html200') < config.html200,
    rng,
  };
}

/** A maintenance window: opened when `maintenanceSeconds` is set, for that long. */
export class MaintenanceWindow {
  private until = 0;
  private dateForm = false;

  open(seconds: number, dateForm: boolean, now = Date.now()): void {
    // An HTTP date has whole seconds: the window ends on one, so the date announced is exact.
    this.until = seconds > 0 ? (dateForm ? Math.ceil((now + seconds * 1000) / 1000) * 1000 : now + seconds * 1000) : 0;
    this.dateForm = dateForm;
  }

  /** The Retry-After value while the window is open, else null. */
  retryAfter(now = Date.now()): string | null {
    if (now >= this.until) return null;
    if (this.dateForm) return new Date(this.until).toUTCString();
    return String(Math.max(1, Math.ceil((this.until - now) / 1000)));
  }
}

type Note = (kind: RecordFaultKind, extra?: Record<string, unknown>) => void;

/** A plan of the page names its first installment's period twice (the copy is otherwise identical). */
export function duplicateInstallmentPeriod(data: unknown[], plan: RecordFaultPlan, note: Note): unknown[] {
  const candidates = data.flatMap((record, index) => (isObject(record) && Array.isArray(record.installments) && record.installments.length > 0 ? [index] : []));
  if (!plan.duplicatePeriod || candidates.length === 0) return data;
  const index = candidates[plan.rng.int(0, candidates.length - 1)] as number;
  const original = data[index] as Record<string, unknown> & { installments: unknown[] };
  const copy = { ...original, installments: [...original.installments, structuredClone(original.installments[0])] };
  note('duplicatePeriod', { resource: 'repayment-plans', record_id: original.id, version: original.version });
  return data.map((record, position) => (position === index ? copy : record));
}

/** What the sentinel in a name becomes on the wire: a lone continuation byte and an overlong encoding, neither valid UTF-8. */
const badUtf8Sentinel = '\uE000bad-utf8\uE000';
const badUtf8Bytes = Buffer.from([0x80, 0xc0, 0xaf]);

/** One application of the page gets the sentinel in its borrower's name; `encodeBadUtf8` turns it into invalid bytes. */
export function markBadUtf8(data: unknown[], plan: RecordFaultPlan, note: Note): unknown[] {
  const candidates = data.flatMap((record, index) => (isObject(record) && isObject(record.borrower) ? [index] : []));
  if (!plan.badUtf8 || candidates.length === 0) return data;
  const index = candidates[plan.rng.int(0, candidates.length - 1)] as number;
  const original = data[index] as Record<string, unknown> & { borrower: Record<string, unknown> };
  note('badUtf8', { resource: 'applications', record_id: original.id, version: original.version });
  const copy = { ...original, borrower: { ...original.borrower, name: `${String(original.borrower.name).slice(0, 1)}${badUtf8Sentinel}` } };
  return data.map((record, position) => (position === index ? copy : record));
}

export function encodeBadUtf8(body: Buffer): Buffer {
  const sentinel = Buffer.from(badUtf8Sentinel, 'utf8');
  const at = body.indexOf(sentinel);
  if (at < 0) return body;
  return Buffer.concat([body.subarray(0, at), badUtf8Bytes, body.subarray(at + sentinel.length)]);
}

/** Additions within v1 (docs/institution-api.md section 9): a resource and a product this client cannot know. */
export function driftCapabilities(capabilities: Record<string, unknown>, plan: RecordFaultPlan, note: Note): Record<string, unknown> {
  if (!plan.capabilitiesDrift) return capabilities;
  note('capabilitiesDrift', { resource: 'capabilities' });
  const products = Array.isArray(capabilities.products) ? capabilities.products : [];
  const template = isObject(products[0]) ? products[0] : {};
  return {
    ...capabilities,
    resources: [...(Array.isArray(capabilities.resources) ? capabilities.resources : []), 'collections'],
    products: [...products, { ...template, code: 'NEW-INSTALMENT-CARD', name: '分期卡（新）', line_mode: 'instalment_card', required_items: ['id_card_ocr', 'video_interview'], co_branded: true }],
    webhooks: { supported: false },
  };
}

const bigSumMarker = 987_654_321_012;
/** 2^53 + 1 more than the true figure, written as exact digits (JSON.parse cannot hold it). */
const bigSumText = (trueSum: number) => (9_007_199_254_740_993n + BigInt(trueSum)).toString();

/** Stats with an unknown status in each by_status and an unknown resource key; with bigSum, a repayments sum beyond 2^53. */
export function driftStats(stats: Record<string, unknown>, plan: RecordFaultPlan, note: Note): { body: Record<string, unknown>; bigSum: string | null } {
  let body = stats;
  if (plan.statsDrift) {
    note('statsDrift', { resource: 'stats' });
    body = Object.fromEntries(
      Object.entries(stats).map(([key, value]) => [key, isObject(value) && isObject(value.by_status) ? { ...value, by_status: { ...value.by_status, WRITTEN_OFF: 0 } } : value]),
    );
    body = { ...body, collections: { count: 3, max_updated_at: null, by_status: { OPEN: 3 } } };
  }
  if (plan.bigSum && isObject(body.repayments) && typeof body.repayments.amount_fen === 'number') {
    note('bigSum', { resource: 'stats' });
    const exact = bigSumText(body.repayments.amount_fen);
    return { body: { ...body, repayments: { ...body.repayments, amount_fen: bigSumMarker } }, bigSum: exact };
  }
  return { body, bigSum: null };
}

/** Writes the exact big sum where driftStats left its marker. */
export function encodeBigSum(body: Buffer, exact: string | null): Buffer {
  if (exact === null) return body;
  return Buffer.from(body.toString('utf8').replace(`"amount_fen":${bigSumMarker}`, `"amount_fen":${exact}`), 'utf8');
}

/** Sends the headers at once and the body one byte per `byteMs`; stops when the client goes away. */
export function sendTrickled(response: ServerResponse, request: IncomingMessage, status: number, headers: Record<string, string>, body: Buffer, byteMs: number): void {
  response.writeHead(status, headers);
  let offset = 0;
  const timer = setInterval(() => {
    if (request.socket.destroyed || response.destroyed) {
      clearInterval(timer);
      return;
    }
    response.write(body.subarray(offset, offset + 1));
    offset += 1;
    if (offset >= body.length) {
      clearInterval(timer);
      response.end();
    }
  }, byteMs);
  timer.unref();
  response.on('close', () => clearInterval(timer));
}

/** What a gateway or login portal answers in the API's place: a page, status 200. */
export const gatewayPage = Buffer.from(
  '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>统一身份认证</title></head><body><form action="/login">请登录后继续访问</form></body></html>\n',
  'utf8',
);

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
