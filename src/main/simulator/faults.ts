/**
 * Fault injection: each fault is a rate (0-1) applied per signed API request. Decisions are
 * drawn from a stream keyed by the fault seed and the request's sequence number, so the same
 * seed and the same request order inject the same faults. Every injected fault is counted and
 * listed, with the record id for schema-invalid records.
 */
import { z } from 'zod';
import { clockFaultKinds, clockFaultShape, clockFaultUpdateShape, type ClockFaultKind } from './clock-faults';
import { cursorFaultKinds, cursorFaultRates, drawCursorFault, type CursorFault } from './cursor-faults';
import { MaintenanceWindow, planRecordFaults, recordFaultKinds, recordFaultShape, recordFaultUpdateShape, type RecordFaultKind, type RecordFaultPlan } from './record-faults';
import { Rng } from './rng';

/** Faults drawn from the main stream (one number each per request, whatever the rates). */
const streamFaultKinds = ['rate429', 'rate5xx', 'slow', 'reset', 'truncate', 'invalid', 'duplicate', 'outOfOrder'] as const;
export const faultKinds = [...streamFaultKinds, ...cursorFaultKinds] as const;
export type FaultKind = (typeof faultKinds)[number] | RecordFaultKind | ClockFaultKind;

const rate = z.number().min(0).max(1);

export const faultConfigSchema = z.object({
  rate429: rate.default(0),
  rate5xx: rate.default(0),
  slow: rate.default(0),
  /** Delay of a slow response. */
  slowMs: z.int().min(0).max(120_000).default(2000),
  reset: rate.default(0),
  truncate: rate.default(0),
  invalid: rate.default(0),
  duplicate: rate.default(0),
  outOfOrder: rate.default(0),
  ...cursorFaultRates(rate.default(0)),
  /** Retry-After of injected 429s, in seconds. */
  retryAfterSeconds: z.int().min(0).max(3600).default(1),
  ...recordFaultShape,
  ...clockFaultShape,
});
export type FaultConfig = z.infer<typeof faultConfigSchema>;

export const noFaults: FaultConfig = faultConfigSchema.parse({});

/** A change to some rates (PUT /admin/faults): absent fields keep their value. */
export const faultUpdateSchema = z
  .object({
    rate429: rate,
    rate5xx: rate,
    slow: rate,
    slowMs: z.int().min(0).max(120_000),
    reset: rate,
    truncate: rate,
    invalid: rate,
    duplicate: rate,
    outOfOrder: rate,
    ...cursorFaultRates(rate),
    retryAfterSeconds: z.int().min(0).max(3600),
    ...recordFaultUpdateShape,
    ...clockFaultUpdateShape,
  })
  .partial()
  .strict();

/**
 * Parses the CLI form: `rate429=0.05,rate5xx=0.05,slow=0.1:2000,reset=0.02,truncate=0.02,
 * invalid=0.01,duplicate=0.02,outOfOrder=0.02` (slow takes rate:milliseconds; retryAfter=N
 * sets the 429 Retry-After seconds). Throws a RangeError naming the bad part.
 */
export function parseFaults(text: string): FaultConfig {
  const input: Record<string, number> = {};
  for (const part of text.split(',').map((piece) => piece.trim()).filter((piece) => piece !== '')) {
    const [name = '', value = ''] = part.split('=', 2);
    if (name === 'slow') {
      const [slowRate = '', slowMs] = value.split(':');
      input.slow = Number(slowRate);
      if (slowMs !== undefined) input.slowMs = Number(slowMs);
    } else if (name === 'retryAfter') {
      input.retryAfterSeconds = Number(value);
    } else if (name === 'trickle' || name === 'maintenance') {
      // trickle=RATE:MS_PER_BYTE, maintenance=SECONDS[:date]
      const [first = '', second] = value.split(':');
      if (name === 'trickle') {
        input.trickle = Number(first);
        if (second !== undefined) input.trickleMs = Number(second);
      } else {
        input.maintenanceSeconds = Number(first);
        if (second === 'date') input.maintenanceDate = 1;
      }
    } else if (name === 'clockAhead') {
      // clockAhead=RATE[:MINUTES] (how far the fast node's clock is ahead)
      const [first = '', minutes] = value.split(':');
      input.clockAhead = Number(first);
      if (minutes !== undefined) input.clockAheadMs = Number(minutes) * 60_000;
    } else if ((recordFaultKinds as readonly string[]).includes(name)) {
      input[name] = Number(value);
    } else if ((faultKinds as readonly string[]).includes(name)) {
      input[name] = Number(value);
    } else {
      throw new RangeError(`Unknown fault "${name}" (known: ${[...faultKinds, ...recordFaultKinds, ...clockFaultKinds].join(', ')}, retryAfter)`);
    }
  }
  const parsed = faultConfigSchema.safeParse(input);
  if (!parsed.success) throw new RangeError(`Bad --faults value "${text}": ${parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ')}`);
  return parsed.data;
}

/** What to do to one request. */
export interface FaultPlan {
  sequence: number;
  /** At most one of these three: the request is answered with an error or dropped. */
  respond429: boolean;
  respond5xx: 500 | 503 | null;
  reset: boolean;
  slowMs: number;
  truncate: boolean;
  invalid: boolean;
  duplicate: boolean;
  outOfOrder: boolean;
  /** A page answered for a later cursor, a cursor that repeats, or one that points back (cursor-faults.ts). */
  cursor: CursorFault | null;
  /** The faults of record-faults.ts, from their own stream. */
  records: RecordFaultPlan;
  /** Retry-After of the open maintenance window (every API request answers 503), else null. */
  maintenanceRetryAfter: string | null;
  /** Extra draws for choices inside a fault (which record, how to corrupt it). */
  rng: Rng;
}

export interface InjectedFault {
  sequence: number;
  kind: FaultKind;
  institution: string;
  method: string;
  path: string;
  /** For invalid records: which record was corrupted. */
  resource?: string;
  record_id?: string;
  version?: number;
  /** For duplicates and early records: the ids involved. */
  record_ids?: string[];
  at: string;
}

const maxListedFaults = 50_000;

export class FaultInjector {
  private config: FaultConfig;
  private sequence = 0;
  private readonly counts = new Map<FaultKind, number>();
  private listed: InjectedFault[] = [];
  private dropped = 0;
  private readonly maintenance = new MaintenanceWindow();

  constructor(
    config: FaultConfig,
    private readonly seed: string,
  ) {
    this.config = config;
    this.maintenance.open(config.maintenanceSeconds, config.maintenanceDate === 1);
  }

  current(): FaultConfig {
    return { ...this.config };
  }

  /** Replaces the rates given; others keep their value. */
  update(partial: Partial<FaultConfig>): FaultConfig {
    this.config = faultConfigSchema.parse({ ...this.config, ...partial });
    if (partial.maintenanceSeconds !== undefined) this.maintenance.open(this.config.maintenanceSeconds, this.config.maintenanceDate === 1);
    return this.current();
  }

  /** Draws the faults of the next request. */
  plan(): FaultPlan {
    this.sequence += 1;
    const rng = Rng.for(this.seed, 'faults', this.sequence);
    // Draw every number whatever the rates, so enabling one fault does not move the others.
    const draws = streamFaultKinds.map(() => rng.next());
    const at = (kind: (typeof streamFaultKinds)[number]) => draws[streamFaultKinds.indexOf(kind)] ?? 1;
    const config = this.config;
    const reset = at('reset') < config.reset;
    const respond429 = !reset && at('rate429') < config.rate429;
    const respond5xx = !reset && !respond429 && at('rate5xx') < config.rate5xx ? (rng.chance(0.5) ? 500 : 503) : null;
    return {
      sequence: this.sequence,
      reset,
      respond429,
      respond5xx,
      slowMs: at('slow') < config.slow ? config.slowMs : 0,
      truncate: at('truncate') < config.truncate,
      invalid: at('invalid') < config.invalid,
      duplicate: at('duplicate') < config.duplicate,
      outOfOrder: at('outOfOrder') < config.outOfOrder,
      cursor: drawCursorFault(config, this.seed, this.sequence),
      records: planRecordFaults(this.seed, this.sequence, config),
      maintenanceRetryAfter: this.maintenance.retryAfter(),
      rng,
    };
  }

  retryAfterSeconds(): number {
    return this.config.retryAfterSeconds;
  }

  record(fault: Omit<InjectedFault, 'at'>): void {
    this.counts.set(fault.kind, (this.counts.get(fault.kind) ?? 0) + 1);
    if (this.listed.length >= maxListedFaults) {
      this.dropped += 1;
      return;
    }
    this.listed.push({ ...fault, at: new Date().toISOString() });
  }

  report(): { requests: number; counts: Record<FaultKind, number>; faults: InjectedFault[]; not_listed: number } {
    const counts = Object.fromEntries([...faultKinds, ...recordFaultKinds, ...clockFaultKinds].map((kind) => [kind, this.counts.get(kind) ?? 0])) as Record<FaultKind, number>;
    return { requests: this.sequence, counts, faults: [...this.listed], not_listed: this.dropped };
  }

  clear(): void {
    this.counts.clear();
    this.listed = [];
    this.dropped = 0;
  }
}
