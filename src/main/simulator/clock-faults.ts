/**
 * A server node whose clock runs ahead (`clockAhead`). The institution writes changes from two
 * nodes behind one load balancer; one node's clock is `clockAheadMs` ahead of the other's. Each
 * change made by a tick is written by the fast node with probability `clockAhead`, stamped with
 * its clock (the tick's instant plus the skew); the others are written by the node whose clock is
 * right, stamped with the tick's instant. Neither node keeps the server rule that a change goes
 * after every `updated_at` already served (docs/institution-api.md section 4, rule 2), so once a
 * client has read a change stamped ahead, a later change stamped by the other node lands behind
 * its cursor: an incremental pull never reads it, only `GET /v1/stats` shows it (a count, a status
 * count or a sum that disagrees).
 *
 * Unlike the per-request faults this one is in what the institution stores: it decides the
 * `updated_at` of a change when a tick writes it. The draw is keyed by the record and its new
 * version (seed, 'clock-ahead', institution, resource, id, version), so it depends neither on the
 * request order nor on the other faults. With the rate at 0 a tick stamps as it always has.
 */
import { z } from 'zod';
import type { ResourceName } from '../../shared/institution-api';
import { unitHash } from './rng';

export const clockFaultKinds = ['clockAhead'] as const;
export type ClockFaultKind = (typeof clockFaultKinds)[number];

const rate = z.number().min(0).max(1);
const skew = z.int().min(1).max(30 * 86_400_000);

/** The fields faults.ts spreads into its config schema (absent means off). */
export const clockFaultShape = {
  /** Share of a tick's changes written by the node whose clock is ahead (0: the server keeps rule 2). */
  clockAhead: rate.default(0),
  /** How far that node's clock is ahead. */
  clockAheadMs: skew.default(6 * 3_600_000),
};

export const clockFaultUpdateShape = { clockAhead: rate, clockAheadMs: skew };

/** One change a tick writes: the record and the version it gets. */
export interface Change {
  resource: ResourceName;
  id: string;
  version: number;
}

/**
 * The `updated_at` of a change written at `at` when every earlier write was at or before
 * `floor - 1`. The default keeps rule 2: never below the floor.
 */
export type Stamp = (change: Change, at: number, floor: number) => number;

export const keepRuleTwo: Stamp = (_change, at, floor) => Math.max(at, floor);

export interface StampedBehind {
  resource: ResourceName;
  record_id: string;
  version: number;
  /** The stamp it got, and the latest stamp written before it (what a client may already hold). */
  updated_ms: number;
  floor_ms: number;
}

/**
 * The stamp of one institution's tick under the fault, or `keepRuleTwo` when it is off.
 * `behind` is told of every change stamped below the floor: the ones a client's cursor can skip.
 */
export function clockFaultStamp(config: { clockAhead: number; clockAheadMs: number }, seed: string, institution: string, behind: (change: StampedBehind) => void): Stamp {
  if (config.clockAhead <= 0) return keepRuleTwo;
  return (change, at, floor) => {
    const fast = unitHash(seed, 'clock-ahead', institution, change.resource, change.id, change.version) < config.clockAhead;
    const stamped = fast ? at + config.clockAheadMs : at;
    if (stamped < floor) behind({ resource: change.resource, record_id: change.id, version: change.version, updated_ms: stamped, floor_ms: floor - 1 });
    return stamped;
  };
}
