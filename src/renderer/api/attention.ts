/**
 * Whether the operator is at the window: input (keys, pointer, wheel, touch) within the last
 * minute, and the window not hidden. Calls made otherwise are marked background
 * (shared/rpc/call-options.ts) so timed refreshes and pushes' refetches do not keep an
 * unattended session alive; calls made while someone works, even timed ones, do.
 */
export const attendedWindowMs = 60_000;

const inputEvents = ['keydown', 'pointerdown', 'pointermove', 'wheel', 'touchstart'] as const;

let lastInputAt = Number.NEGATIVE_INFINITY;

/** Records operator input now (the window's listeners call it; tests may too). */
export function noteOperatorInput(at: number = Date.now()): void {
  lastInputAt = at;
}

/** True when the operator gave input within `attendedWindowMs` and the document is not hidden. */
export function operatorAttending(now: number = Date.now()): boolean {
  if (typeof document !== 'undefined' && document.visibilityState === 'hidden') return false;
  return now - lastInputAt <= attendedWindowMs;
}

/**
 * Listens for operator input on the window. Opening the window counts as input: whoever started
 * CreditDesk or loaded the page is there. Returns the function that stops listening.
 */
export function watchOperatorInput(target: Window): () => void {
  noteOperatorInput();
  const listener = () => noteOperatorInput();
  for (const name of inputEvents) target.addEventListener(name, listener, { capture: true, passive: true });
  return () => {
    for (const name of inputEvents) target.removeEventListener(name, listener, { capture: true });
  };
}
