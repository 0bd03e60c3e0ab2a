import { useQuery } from '@tanstack/react-query';
import type { ImageKind } from '../../shared/contracts/review';
import { rpc, type RpcError } from './client';

/**
 * The URL of a review task's evidence image. In a browser the headless server serves it at
 * /api/images/<task>/<which> (the session cookie goes along); in the desktop shell there is no
 * HTTP server, so the image comes over the RPC bridge as a data URL. Pages never know which.
 */
export function useEvidenceImage(taskId: number, which: ImageKind, enabled: boolean): { url: string | null; error: RpcError | Error | null; loading: boolean } {
  const desktop = typeof window !== 'undefined' && window.creditdesk !== undefined;
  const query = useQuery<string, RpcError>({
    queryKey: ['review:image', taskId, which],
    queryFn: async () => (await rpc('review:image', { taskId, which })).dataUrl,
    enabled: enabled && desktop,
    staleTime: 5 * 60_000,
    gcTime: 60_000,
  });
  if (!enabled) return { url: null, error: null, loading: false };
  if (!desktop) return { url: `/api/images/${taskId}/${which}`, error: null, loading: false };
  return { url: query.data ?? null, error: query.error, loading: query.isPending };
}
