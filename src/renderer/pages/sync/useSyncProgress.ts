import { useEffect, useState } from 'react';
import type { EventMap } from '../../../shared/rpc/events';
import { onEvent } from '../../api/client';

export type LiveProgress = EventMap['sync:progress'];

/**
 * The latest 'sync:progress' push per institution. Pushes only refresh the view: the overview
 * query stays the source of truth and this is dropped when a pass ends ('sync:state').
 */
export function useSyncProgress(): ReadonlyMap<number, LiveProgress> {
  const [progress, setProgress] = useState<ReadonlyMap<number, LiveProgress>>(new Map());
  useEffect(() => {
    const offProgress = onEvent('sync:progress', (payload) =>
      setProgress((current) => {
        const next = new Map(current);
        next.set(payload.institutionId, payload);
        return next;
      }),
    );
    const offState = onEvent('sync:state', (payload) =>
      setProgress((current) => {
        if (payload.institutionId === null || !current.has(payload.institutionId)) return current;
        const next = new Map(current);
        next.delete(payload.institutionId);
        return next;
      }),
    );
    return () => {
      offProgress();
      offState();
    };
  }, []);
  return progress;
}
