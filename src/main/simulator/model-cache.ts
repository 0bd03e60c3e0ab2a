/** Caches of one simulated institution's plans and of the simulator's persons. */
import type { InstitutionContext } from './applications';
import { type OrderState, replayOrder } from './order-replay';
import type { OrderModel } from './orders';
import { personAt, type Person } from './population';
import type { SimStore } from './store';

/** Keeps recently used plans of one operation (a page, a tick) so shared orders load once. */
export class ModelCache {
  private readonly models = new Map<string, unknown>();
  constructor(
    private readonly store: SimStore,
    private readonly inst: number,
  ) {}

  get<T>(id: string): T {
    const cached = this.models.get(id);
    if (cached !== undefined) return cached as T;
    const model = this.store.model<T>(this.inst, id);
    if (model === undefined) throw new Error(`Missing plan ${id}`);
    if (this.models.size > 20_000) this.models.clear();
    this.models.set(id, model);
    return model;
  }

  /** Order state at `at`, replayed once per operation. */
  state(order: OrderModel, at: number, graceDays: number): OrderState {
    const key = `${order.id}@${at}`;
    const cached = this.states.get(key);
    if (cached !== undefined) return cached;
    const state = replayOrder(order, at, graceDays);
    if (this.states.size > 5000) this.states.clear();
    this.states.set(key, state);
    return state;
  }

  private readonly states = new Map<string, OrderState>();
}

/** Persons are derived from the seed; keep the most recently used ones. */
export class PersonCache {
  private readonly persons = new Map<number, Person>();
  constructor(private readonly world: InstitutionContext['world']) {}

  get(index: number): Person {
    const cached = this.persons.get(index);
    if (cached !== undefined) return cached;
    const person = personAt(this.world, index);
    if (this.persons.size >= 5000) this.persons.clear();
    this.persons.set(index, person);
    return person;
  }
}
