import { describe, expect, it } from 'vitest';
import type { TaskRow } from '../../../shared/contracts/review';
import { withoutTasks } from './liveQueue';

const row = (id: number) => ({ id }) as TaskRow;
const page = (ids: number[], total: number) => ({ rows: ids.map(row), total, totalCapped: false, nextCursor: null, now: 0 });

describe('a live open-task list', () => {
  it('drops the tasks another reviewer took from every loaded page and from the total', () => {
    const data = { pages: [page([1, 2, 3], 6), page([4, 5, 6], 6)], pageParams: [null, 'c1'] };
    const next = withoutTasks(data, [2, 5, 99]);
    expect(next?.pages.map((entry) => entry.rows.map((r) => r.id))).toEqual([[1, 3], [4, 6]]);
    expect(next?.pages[0]?.total).toBe(4);
    expect(next?.pageParams).toEqual([null, 'c1']);
  });

  it('changes nothing for tasks it does not show', () => {
    expect(withoutTasks({ pages: [page([1], 1)], pageParams: [null] }, [7])).toBeNull();
    expect(withoutTasks(undefined, [7])).toBeNull();
  });
});
