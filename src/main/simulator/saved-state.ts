/**
 * What a kept simulator (`startSimulator({ stateDir })`) saves beside its plans and records so a
 * later start resumes the same institutions instead of generating new ones: what the data was
 * generated from (the identity), the anchor and the simulated clock, the port it listened on and
 * each institution's update floor. Each value is written in the same SQLite transaction as the
 * change it belongs to (a tick, a decision), so a killed process leaves the state before or
 * after it. A store that is not kept saves none of them: nothing will read them.
 */
import { createHash } from 'node:crypto';
import type { InstitutionSimConfig } from './institutions';
import type { SimStore } from './store';

/**
 * Bump when generation or the stored plans change shape: a state saved by another format is
 * generated anew rather than read wrongly.
 */
const stateFormat = 1;

/** The saved state's identity: same format, seed, population, horizon and institution configs. */
export function stateIdentity(input: { seed: string; borrowers: number; horizonDays: number; institutions: readonly InstitutionSimConfig[] }): string {
  const text = JSON.stringify({ format: stateFormat, seed: input.seed, borrowers: input.borrowers, horizonDays: input.horizonDays, institutions: input.institutions });
  return `${stateFormat}:${createHash('sha256').update(text).digest('hex')}`;
}

export interface SavedState {
  /** The instant the data was generated at (persons' ages and plans hang off it). */
  anchorMs: number;
  /** The simulated clock when the last tick committed. */
  nowMs: number;
  /** The port it last listened on, to be taken again when free; null before the first listen. */
  port: number | null;
}

function numberOf(store: SimStore, key: string): number | null {
  const value = store.meta(key);
  return value === undefined || !/^\d+$/.test(value) ? null : Number(value);
}

/** The saved state of a resumable kept store; null for a store generated in this run. */
export function savedState(store: SimStore): SavedState | null {
  if (!store.resumable) return null;
  const anchorMs = numberOf(store, 'anchor_ms');
  const nowMs = numberOf(store, 'now_ms');
  if (anchorMs === null || nowMs === null) return null;
  return { anchorMs, nowMs, port: numberOf(store, 'port') };
}

/** Marks generation as finished (the last write of it): until then a restart generates again. */
export function markGenerated(store: SimStore, anchorMs: number, nowMs: number): void {
  store.transaction(() => {
    store.putMeta('anchor_ms', String(anchorMs));
    store.putMeta('now_ms', String(nowMs));
    store.putMeta('generated', '1');
  });
}

/** The simulated clock after a tick (call inside the tick's transaction). */
export function saveClock(store: SimStore, nowMs: number): void {
  if (store.kept) store.putMeta('now_ms', String(nowMs));
}

export function savePort(store: SimStore, port: number): void {
  if (store.kept) store.putMeta('port', String(port));
}

/** An institution's update floor: no later write may take an updated_at at or below it. */
export function saveFloor(store: SimStore, inst: number, floorMs: number): void {
  // Called on every decision and tick: a store that is not kept (tests, benches, `creditdesk simulator`) skips the write.
  if (store.kept) store.putMeta(`floor:${inst}`, String(floorMs));
}

export function savedFloor(store: SimStore, inst: number): number {
  return numberOf(store, `floor:${inst}`) ?? 0;
}
