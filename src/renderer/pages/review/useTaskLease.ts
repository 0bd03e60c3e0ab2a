import { useEffect, useMemo, useRef } from 'react';
import { RpcError } from '../../api/client';
import { useRpcMutation } from '../../api/hooks';

/**
 * The lease on the task on screen: renewed every third of its length (at least every 10 s) while
 * this operator holds it, and given back on leaving (also when the page left before it learned it
 * holds the task), unless the screen handed the task over itself (decided, skipped, snoozed). A
 * renewal refused with CONFLICT means the lease was lost (expired, taken over): `onLost` tells the
 * reviewer and refreshes.
 */
export function useTaskLease({ taskId, held, leaseSeconds, onLost }: { taskId: number; held: boolean; leaseSeconds: number; onLost(): void }): { handOver(flag: boolean): void } {
  const { mutateAsync: renew } = useRpcMutation('review:renew');
  const { mutateAsync: release } = useRpcMutation('review:release');
  // Set when this screen hands the task over itself: no release on leaving.
  const handedOver = useRef(false);
  // The latest callback without restarting the timer on every render.
  const lost = useRef(onLost);
  useEffect(() => {
    lost.current = onLost;
  });

  useEffect(() => {
    if (!held) return;
    const timer = window.setInterval(
      () => {
        renew({ taskId }).catch((error: unknown) => {
          if (error instanceof RpcError && error.code === 'CONFLICT') lost.current();
        });
      },
      Math.max(10_000, (leaseSeconds * 1000) / 3),
    );
    return () => window.clearInterval(timer);
  }, [held, taskId, leaseSeconds, renew]);

  // On leaving, whether or not the page had learned it holds the task: "next task" (J) claims
  // before the page opens, and a reviewer who leaves before the task loaded (or whose task view
  // failed) held it until the lease ran out. Releasing a task this operator does not hold changes
  // nothing on the server.
  useEffect(
    () => () => {
      if (!handedOver.current) void release({ taskId }).catch(() => undefined);
    },
    [taskId, release],
  );

  return useMemo(
    () => ({
      handOver(flag: boolean) {
        handedOver.current = flag;
      },
    }),
    [],
  );
}
