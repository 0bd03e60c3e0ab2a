import { afterEach, describe, expect, it } from 'vitest';
import { SimStore } from './store';

let store: SimStore | null = null;

afterEach(() => {
  store?.close();
  store = null;
});

describe('SimStore query plans', () => {
  it('pages, looks up and finds due records through indexes, never by scanning the table', () => {
    store = new SimStore({ inMemory: true });
    for (let index = 0; index < 200; index += 1) {
      store.putRecord({
        inst: index % 3,
        resource: index % 5,
        id: `R${index}`,
        model_id: `M${index}`,
        version: 1,
        updated_ms: 1_000 + index,
        created_ms: 1_000 + index,
        state_ms: 1_000 + index,
        next_ms: index % 2 === 0 ? 5_000 + index : null,
        status: null,
        amount1: 0,
        amount2: 0,
      });
    }
    store.createIndexes();
    const plans = {
      page: store.explain('SELECT * FROM records WHERE inst = ? AND resource = ? AND (updated_ms, id) > (?, ?) ORDER BY updated_ms, id LIMIT ?', 0, 1, 1000, 'R1', 200),
      first: store.explain('SELECT * FROM records WHERE inst = ? AND resource = ? AND updated_ms >= 0 ORDER BY updated_ms, id LIMIT ?', 0, 1, 200),
      one: store.explain('SELECT * FROM records WHERE inst = ? AND resource = ? AND id = ?', 0, 1, 'R1'),
      due: store.explain('SELECT * FROM records WHERE inst = ? AND next_ms <= ? ORDER BY next_ms LIMIT ?', 0, 6_000, 5000),
      model: store.explain('SELECT body FROM models WHERE inst = ? AND id = ?', 0, 'M1'),
    };
    expect(plans.page.join(' ')).toMatch(/USING INDEX records_page/);
    expect(plans.first.join(' ')).toMatch(/USING INDEX records_page/);
    expect(plans.one.join(' ')).toMatch(/USING INDEX records_id/);
    expect(plans.due.join(' ')).toMatch(/USING INDEX records_next/);
    expect(plans.model.join(' ')).toMatch(/USING INDEX models_id/);
    for (const plan of Object.values(plans)) expect(plan.join(' ')).not.toMatch(/TEMP B-TREE|^SCAN records$/);
  });

  it('returns a page after a position in (updated_at, id) order', () => {
    store = new SimStore({ inMemory: true });
    const row = (id: string, updated: number) => ({ inst: 0, resource: 0, id, model_id: id, version: 1, updated_ms: updated, created_ms: updated, state_ms: updated, next_ms: null, status: null, amount1: 0, amount2: 0 });
    for (const [id, updated] of [['b', 10], ['a', 10], ['c', 5], ['d', 20]] as const) store.putRecord(row(id, updated));
    store.putRecord({ ...row('later', 0), updated_ms: null, next_ms: 99 });
    store.createIndexes();
    expect(store.page(0, 0, null, 10).map((record) => record.id)).toEqual(['c', 'a', 'b', 'd']);
    expect(store.page(0, 0, { updatedMs: 10, id: 'a' }, 10).map((record) => record.id)).toEqual(['b', 'd']);
    expect(store.due(0, 100, 10).map((record) => record.id)).toEqual(['later']);
  });
});
