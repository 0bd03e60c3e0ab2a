/**
 * Whether this operator has decided a task on this machine: until then the queue page carries a
 * one-line hint (J to start, ? for keys). Kept locally; it is a hint, not a record.
 */
const key = (operatorId: number) => `creditdesk.decided.${operatorId}`;

export function hasDecided(operatorId: number): boolean {
  return globalThis.localStorage?.getItem(key(operatorId)) === '1';
}

export function markDecided(operatorId: number): void {
  globalThis.localStorage?.setItem(key(operatorId), '1');
}
