import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getPage, pullAll } from '../../../test/fixtures/simulator/client';
import { FaultInjector, noFaults, parseFaults, type FaultConfig } from './faults';
import { demoInstitutions, type RunningSimulator, startSimulator } from './index';

const now = Date.UTC(2026, 10, 25, 2, 0, 0);
let simulator: RunningSimulator;

beforeAll(async () => {
  simulator = await startSimulator({ institutions: demoInstitutions('cursor-fault-test').slice(0, 1), seed: 'cursor-fault-test', borrowers: 300, now, faultSeed: 'fixed' });
});
afterAll(() => simulator.close());
beforeEach(() => {
  simulator.admin.setFaults(noFaults);
  simulator.admin.clearInjectedFaults();
});

function endpoint() {
  const institution = simulator.institutions[0];
  if (institution === undefined) throw new Error('no institution');
  return institution;
}

function only(fault: Partial<FaultConfig>) {
  simulator.admin.setFaults({ ...noFaults, ...fault });
}

describe('cursor faults', () => {
  it('are read from the CLI form and drawn from their own stream (the other faults do not move)', () => {
    expect(parseFaults('pageAhead=0.1,cursorRepeat=0.2,cursorCycle=0.3')).toMatchObject({ pageAhead: 0.1, cursorRepeat: 0.2, cursorCycle: 0.3 });
    const draw = (config: FaultConfig) => {
      const injector = new FaultInjector(config, 'same');
      return Array.from({ length: 300 }, () => {
        const plan = injector.plan();
        return `${plan.respond429}${plan.respond5xx}${plan.reset}${plan.invalid}${plan.duplicate}${plan.rng.next()}`;
      });
    };
    const base = parseFaults('rate429=0.2,rate5xx=0.2,reset=0.1,invalid=0.3,duplicate=0.2');
    expect(draw({ ...base, pageAhead: 0.5, cursorCycle: 0.5 })).toEqual(draw(base));
  });

  it('pageAhead: answers the page after the one asked for; following next_cursor misses the skipped records', async () => {
    const clean = await pullAll(endpoint(), 'repayments', { limit: 100 });
    only({ pageAhead: 1 });
    const first = await getPage(endpoint(), 'repayments', null, 100);
    expect(first.data.map((record) => record.id)).toEqual(clean.records.slice(100, 200).map((record) => record.id));
    const [fault] = simulator.admin.injectedFaults().faults;
    expect(fault).toMatchObject({ kind: 'pageAhead', resource: 'repayments' });
    expect(fault?.record_ids).toEqual(clean.records.slice(0, 100).map((record) => record.id));
  });

  it('cursorRepeat: the page comes back with the cursor given and has_more true', async () => {
    const first = await getPage(endpoint(), 'orders', null, 50);
    only({ cursorRepeat: 1 });
    const second = await getPage(endpoint(), 'orders', first.next_cursor, 50);
    expect(second.next_cursor).toBe(first.next_cursor);
    expect(second.has_more).toBe(true);
    expect(simulator.admin.injectedFaults().counts.cursorRepeat).toBe(1);
  });

  it('cursorCycle: next_cursor points back to the previous request’s cursor, so two cursors point at each other', async () => {
    const first = await getPage(endpoint(), 'applications', null, 20);
    const a = first.next_cursor;
    const second = await getPage(endpoint(), 'applications', a, 20);
    const b = second.next_cursor;
    only({ cursorCycle: 1 });
    const third = await getPage(endpoint(), 'applications', b, 20);
    expect(third.next_cursor).toBe(a);
    expect(third.has_more).toBe(true);
    const fourth = await getPage(endpoint(), 'applications', a, 20);
    expect(fourth.next_cursor).toBe(b);
    expect(simulator.admin.injectedFaults().counts.cursorCycle).toBeGreaterThanOrEqual(1);
  });
});
