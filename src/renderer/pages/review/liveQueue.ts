import { useQueryClient, type InfiniteData } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { TaskListFilterInput, TaskRow } from '../../../shared/contracts/review';
import { onEvent } from '../../api/client';

interface ListPage {
  rows: TaskRow[];
  total: number;
  totalCapped: boolean;
  nextCursor: string | null;
  now: number;
}

/**
 * A page list of open tasks without the ones another operator just claimed or decided: those
 * left "open" on the server, and a task released back to the queue was not in the list anyway
 * (it was in review), so dropping by id is always right for the open list. Null when nothing changes.
 */
export function withoutTasks(data: InfiniteData<ListPage, unknown> | undefined, taskIds: readonly number[]): InfiniteData<ListPage, unknown> | null {
  if (!data || taskIds.length === 0) return null;
  const gone = new Set(taskIds);
  let dropped = 0;
  const pages = data.pages.map((page) => {
    const rows = page.rows.filter((row) => !gone.has(row.id));
    dropped += page.rows.length - rows.length;
    return rows.length === page.rows.length ? page : { ...page, rows };
  });
  if (dropped === 0) return null;
  return { ...data, pages: pages.map((page, index) => (index === 0 ? { ...page, total: Math.max(0, page.total - dropped) } : page)) };
}

/**
 * Keeps a queue list live for a team: when `review:changed` names tasks (another reviewer claimed,
 * decided or released them), an open-task list drops them at once, before the refetch that follows
 * brings the server's word (counts included).
 */
export function useLiveQueue(filter: TaskListFilterInput): void {
  const client = useQueryClient();
  const openList = (filter.status ?? 'open') === 'open';
  const key = JSON.stringify(filter);
  useEffect(
    () =>
      onEvent('review:changed', (payload) => {
        if (openList && payload.taskIds && payload.taskIds.length > 0) {
          const taskIds = payload.taskIds;
          client.setQueryData<InfiniteData<ListPage, unknown>>(['review:list', JSON.parse(key) as TaskListFilterInput], (data) => withoutTasks(data, taskIds) ?? data);
        }
        void client.invalidateQueries({ queryKey: ['review:list'] });
        void client.invalidateQueries({ queryKey: ['review:counts'] });
      }),
    [client, openList, key],
  );
}
