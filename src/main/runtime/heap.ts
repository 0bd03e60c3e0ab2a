/**
 * How fast V8 lets the heap grow between full collections, for CreditDesk's long-running
 * processes (the desktop's main process, `creditdesk serve`, `creditdesk sync`).
 *
 * A sync pass keeps about 25 MB of live objects, but every page it writes leaves a few MB of
 * records that outlived two scavenges (the page is held while the next one is fetched) and were
 * promoted. With V8's default growing factor (up to 4x the live size after each full collection)
 * that promoted garbage piled up to 150 MB of heap before anything collected it, and the peak RSS
 * of `creditdesk sync` at 100,000 borrowers was 307-313 MB against a 300 MB budget. Growing the
 * heap by at most 2x the live size collects it sooner: the same pass peaked at 231-243 MB and was
 * not measurably slower (124.6/123.2 s against 126.8/125.9 s in alternating runs; about 0.5 s more
 * of full collections; docs/performance.md).
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
