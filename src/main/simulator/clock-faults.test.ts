import { describe, expect, it } from 'vitest';
import { pullAll } from '../../../test/fixtures/simulator/client';
import { parseFaults } from './faults';
import { demoInstitutions, startSimulator } from './index';

const now = Date.UTC(2026, 10, 25, 2, 0, 0);

async function twoTicks(faults: Parameters<typeof startSimulator>[0]['faults']) {
  const simulator = await startSimulator({ institutions: demoInstitutions('clock-fault-test').slice(0, 1), seed: 'clock-fault-test', borrowers: 200, now, faults, faultSeed: 'fixed' });
  const institution = simulator.institutions[0];
  if (institution === undefined) throw new Error('no institution');
  simulator.admin.tick({ days: 1 });
  const served = new Map((await pullAll(institution, 'repayment-plans', { limit: 1000 })).records.map((record) => [record.id, record.updated_at]));
  const latest = Math.max(...[...served.values()].map((value) => Date.parse(value)));
  simulator.admin.clearInjectedFaults();
  simulator.admin.tick({ days: 1 });
  const after = (await pullAll(institution, 'repayment-plans', { limit: 1000 })).records;
  const report = simulator.admin.injectedFaults();
  await simulator.close();
  return { served, latest, after, report };
}

describe('clockAhead: one server node whose clock is ahead', () => {
  it('is read from the CLI form with its skew in minutes', () => {
    expect(parseFaults('clockAhead=0.3:90')).toMatchObject({ clockAhead: 0.3, clockAheadMs: 90 * 60_000 });
    expect(parseFaults('clockAhead=0.3')).toMatchObject({ clockAhead: 0.3, clockAheadMs: 6 * 3_600_000 });
    expect(() => parseFaults('clockAhead=2')).toThrow(RangeError);
  });

  it('off: every change of a tick is stamped after everything served before', async () => {
    const { served, latest, after, report } = await twoTicks({});
    const changed = after.filter((record) => served.get(record.id) !== record.updated_at);
    expect(changed.length).toBeGreaterThan(0);
    for (const record of changed) expect(Date.parse(record.updated_at)).toBeGreaterThan(latest);
    expect(report.counts.clockAhead).toBe(0);
  });

  it('on: changes of the node whose clock is right are stamped behind what was served, and each is reported', async () => {
    const { latest, after, report } = await twoTicks({ clockAhead: 0.5, clockAheadMs: 3 * 86_400_000 });
    const stampedBehind = report.faults.filter((fault) => fault.kind === 'clockAhead' && fault.resource === 'repayment-plans');
    expect(stampedBehind.length).toBeGreaterThan(0);
    for (const fault of stampedBehind) {
      const record = after.find((entry) => entry.id === fault.record_id);
      expect(record?.version).toBe(fault.version);
      // Behind the latest stamp already served for this resource: a cursor there skips it.
      expect(Date.parse(record?.updated_at ?? '')).toBeLessThan(latest);
    }
  });
});
