/**
 * How fast V8 lets the heap grow between full collections, for CreditDesk's long-running
 * processes (the desktop's main process, `creditdesk serve`, `creditdesk sync`).
 *
 * A sync pass keeps little live, but every page it writes leaves records that outlived two
 * scavenges (the page is held while the next one is fetched) and were promoted. With V8's default
 * growing factor (up to 4x the live size after each full collection) that promoted garbage piled
 * up before anything collected it and took the sync past its memory budget. Growing the heap by
 * at most 2x the live size collects it sooner, at no measurable cost in time
 * (docs/performance.md#heap-growth).
 *
 * `--heap-growing-percent` is read by V8 each time it sets the next collection's limit, so setting
 * it at start-up takes effect for the process (a flag read once when the heap is created, such as
 * the semi-space size, would not).
 */
import { setFlagsFromString } from 'node:v8';

/** Heap growth after a full collection, as a percentage of the live size (100: at most 2x). */
export const heapGrowingPercent = 100;

export function limitHeapGrowth(percent: number = heapGrowingPercent): void {
  if (!Number.isInteger(percent) || percent <= 0) throw new RangeError(`heap growing percent must be a positive integer, got ${percent}`);
  setFlagsFromString(`--heap-growing-percent=${percent}`);
}
