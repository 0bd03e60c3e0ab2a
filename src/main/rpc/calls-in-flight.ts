/**
 * People's calls the back end is answering, for background work that should give way to them:
 * the pacer of background work (core/pacer.ts: the sync, the portfolio's snapshots) reads `load`
 * as a function wired by runtime/backend.ts, so neither imports the router or the server. The HTTP server counts a call from the request's
 * arrival (a request waiting for its body or its session is a person waiting too); calls that
 * reach the router by another transport (the desktop's IPC) are counted by the router.
 */
import type { InteractiveLoad } from '../core/pacer';
import type { Router } from './router';

export interface CallCounter {
  /** Calls in flight now, and how many have started so far. */
  load(): InteractiveLoad;
  /** Counts one call from now until the returned function is called (once). */
  enter(): () => void;
  /** `router` counting every call from its start to its answer, except those the HTTP server counts itself. */
  counting(router: Router): Router;
}

export function createCallCounter(): CallCounter {
  const load = { inFlight: 0, started: 0 };
  function enter(): () => void {
    load.inFlight += 1;
    load.started += 1;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      load.inFlight -= 1;
    };
  }
  return {
    load: () => ({ inFlight: load.inFlight, started: load.started }),
    enter,
    counting(router) {
      return {
        ...router,
        async call(channel, rawInput, context) {
          if (context.transport === 'http') return router.call(channel, rawInput, context);
          const leave = enter();
          try {
            return await router.call(channel, rawInput, context);
          } finally {
            leave();
          }
        },
      };
    },
  };
}
