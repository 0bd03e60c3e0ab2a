import { useInfiniteQuery, useMutation, useQuery, useQueryClient, type InfiniteData, type UseQueryOptions } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useSyncExternalStore } from 'react';
import type { ChannelInput, ChannelName, ChannelOutput } from '../../shared/rpc/contract';
import type { EventMap, EventName } from '../../shared/rpc/events';
import { onEvent, rpc, type RpcError } from './client';
import { connectionState, onConnectionChange, type ConnectionState } from './connection';

/** Whether the back end is reachable now (see connection.ts); re-renders on every change. */
export function useConnection(): ConnectionState {
  return useSyncExternalStore(onConnectionChange, connectionState);
}

/**
 * Mounted once: when the back end comes back, every query is refetched (navigation counts, lists,
 * the open task), because the pushes sent meanwhile were lost.
 */
export function useRefreshOnReconnect(): void {
  const client = useQueryClient();
  useEffect(
    () =>
      onConnectionChange((next, previous) => {
        if (next.online && !previous.online) void client.invalidateQueries();
      }),
    [client],
  );
}

export function rpcKey<C extends ChannelName>(channel: C, input?: ChannelInput<C>): readonly unknown[] {
  return input === undefined ? [channel] : [channel, input];
}

/** Server state for a read channel; the cache key is the channel and its input. */
export function useRpcQuery<C extends ChannelName>(
  channel: C,
  input: ChannelInput<C>,
  options: Omit<UseQueryOptions<ChannelOutput<C>, RpcError>, 'queryKey' | 'queryFn'> = {},
) {
  return useQuery<ChannelOutput<C>, RpcError>({
    queryKey: rpcKey(channel, input),
    queryFn: () => rpc(channel, input),
    ...options,
  });
}

/** A read channel's query for useQueries (a list of pages): the same key and call as useRpcQuery. */
export function rpcQuery<C extends ChannelName>(channel: C, input: ChannelInput<C>) {
  return { queryKey: rpcKey(channel, input), queryFn: (): Promise<ChannelOutput<C>> => rpc(channel, input) };
}

/**
 * A read channel loaded page by page (a list that grows as it scrolls). `key` names the list (its
 * filter); `input` builds each page's input from its cursor, which `nextPage` takes from the page
 * before (null or undefined: no more pages).
 */
export function useRpcInfiniteQuery<C extends ChannelName, Cursor>(
  channel: C,
  key: unknown,
  options: { input(cursor: Cursor): ChannelInput<C>; firstCursor: Cursor; nextPage(last: ChannelOutput<C>): Cursor | null | undefined; staleTime?: number },
) {
  return useInfiniteQuery<ChannelOutput<C>, RpcError, InfiniteData<ChannelOutput<C>, Cursor>, readonly unknown[], Cursor>({
    queryKey: [channel, key],
    queryFn: ({ pageParam }) => rpc(channel, options.input(pageParam as Cursor)),
    initialPageParam: options.firstCursor,
    getNextPageParam: options.nextPage,
    staleTime: options.staleTime,
  });
}

/**
 * A read at a moment the page chooses (polling a running job, after a push), through the query
 * cache: the answer lands under the channel's key like useRpcQuery's. Resolves with the data or
 * throws RpcError.
 */
export function useRpcFetch(): <C extends ChannelName>(channel: C, input: ChannelInput<C>) => Promise<ChannelOutput<C>> {
  const client = useQueryClient();
  return useCallback((channel, input) => client.fetchQuery({ ...rpcQuery(channel, input), staleTime: 0, retry: false }), [client]);
}

/**
 * A write channel, the one way pages write; on success the named read channels are refetched.
 * `mutateAsync` resolves with the data or throws the RpcError, as `rpc` does.
 */
export function useRpcMutation<C extends ChannelName>(channel: C, options: { invalidates?: ChannelName[] } = {}) {
  const client = useQueryClient();
  return useMutation<ChannelOutput<C>, RpcError, ChannelInput<C>>({
    mutationFn: (input) => rpc(channel, input),
    // Always send: the back end is often this machine (IPC), and connection.ts, not the browser's
    // idea of being online, says whether it answers. A paused write would hang the form instead of
    // failing with NETWORK.
    networkMode: 'always',
    onSuccess: async () => {
      await Promise.all((options.invalidates ?? []).map((name) => client.invalidateQueries({ queryKey: [name] })));
    },
  });
}

/** Refetches the given channels whenever a push arrives. */
export function useInvalidateOn<E extends EventName>(event: E, channels: ChannelName[], filter?: (payload: EventMap[E]) => boolean): void {
  const client = useQueryClient();
  const key = channels.join('|');
  // The latest filter without re-subscribing on every render.
  const filterRef = useRef(filter);
  useEffect(() => {
    filterRef.current = filter;
  });
  useEffect(
    () =>
      onEvent(event, (payload) => {
        if (filterRef.current && !filterRef.current(payload)) return;
        for (const name of key.split('|')) void client.invalidateQueries({ queryKey: [name] });
      }),
    [event, key, client],
  );
}
