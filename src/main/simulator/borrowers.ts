/**
 * One borrower's history at one institution: applications one after another, the line each
 * approval grants, and the drawdowns on it, from the first application to the horizon.
 */
import { shanghaiDate, shanghaiOffsetMs } from '../../shared/time';
import { applicationStatusAt, type ApplicationModel, type InstitutionContext, planApplication, productOf } from './applications';
import { dayMs, hourMs, minuteMs } from './clock';
import { type LineModel, planLine } from './lines';
import type { OrderModel } from './orders';
import type { Person } from './population';
import { Rng, unitHash } from './rng';

export interface BorrowerPlan {
  applications: ApplicationModel[];
  lines: LineModel[];
  orders: OrderModel[];
}

/** Whether a person of the population is a customer of this institution at all. */
export function appliesAt(context: InstitutionContext, personIndex: number): boolean {
  return unitHash(context.world.seed, context.config.code, 'joins', personIndex) < context.config.borrowerShare;
}

function compactDate(epochMs: number): string {
  return shanghaiDate(epochMs).replaceAll('-', '');
}

/** A daytime instant on the day `daysFromAnchor` from the anchor (borrowers apply 08:00-23:59). */
function dayTime(rng: Rng, anchorMs: number, daysFromAnchor: number): number {
  const day = anchorMs + Math.floor(daysFromAnchor) * dayMs;
  const dayStart = day - ((day + shanghaiOffsetMs) % dayMs);
  return dayStart + rng.weighted([[8, 1], [10, 2], [12, 2], [14, 2], [18, 2], [20, 3], [22, 1.5]]) * hourMs + rng.int(0, 119) * minuteMs + rng.int(0, 59) * 1000;
}

/** Plans everything a person does at an institution up to `horizon`. */
export function planBorrower(context: InstitutionContext, person: Person, horizon: number): BorrowerPlan {
  const { world, config } = context;
  const rng = Rng.for(world.seed, config.code, 'borrower', person.index);
  const plan: BorrowerPlan = { applications: [], lines: [], orders: [] };
  // Recent activity is over-represented so a fresh start shows live queues: 12% apply later
  // (ticks bring them in), 15% in the last week, the rest over the last 18 months.
  const u = rng.next();
  const daysFromAnchor = u < 0.12 ? rng.between(0, 60) : u < 0.27 ? -rng.between(0, 7) : -rng.between(7, 540);
  let appliedAt = dayTime(rng, world.anchorMs, daysFromAnchor);
  let previous: ApplicationModel | null = null;
  for (let cycle = 0; cycle < 4 && appliedAt <= horizon; cycle += 1) {
    const application = planApplication(context, person, cycle, appliedAt, previous);
    plan.applications.push(application);
    const approvedAt = application.timeline.find(([, status]) => status === 'APPROVED')?.[0];
    let nextAt: number | null = null;
    if (approvedAt !== undefined) {
      const product = productOf(config, application.product);
      const limit = application.review?.approvedLimitFen ?? application.risk?.suggestedLimitFen ?? application.requestedAmountFen;
      const suffix = `${compactDate(approvedAt)}${String(person.index).padStart(7, '0')}${cycle}`;
      const { line, orders } = planLine({
        id: `LN${suffix}`,
        applicationId: application.id,
        person,
        product,
        grantedAt: approvedAt,
        limitFen: limit,
        seed: world.seed,
        institution: config.code,
        graceDays: config.graceDays,
        horizon,
        orderIdPrefix: `LO${suffix}`,
      });
      application.lineId = line.id;
      plan.lines.push(line);
      plan.orders.push(...orders);
      if (line.mode === 'single_batch') {
        const end = orders[0]?.appliedAt ?? line.validTo;
        if (rng.chance(0.5)) nextAt = end + rng.int(5, 150) * dayMs;
      } else if (rng.chance(0.4)) {
        nextAt = line.validTo - rng.int(0, 20) * dayMs;
      }
    } else if (applicationStatusAt(application, Number.MAX_SAFE_INTEGER) !== 'MANUAL_REVIEW' && rng.chance(0.25)) {
      // Refused or abandoned: some try again later. A pending manual review waits for the platform.
      const lastEvent = application.timeline[application.timeline.length - 1]?.[0] ?? appliedAt;
      nextAt = lastEvent + rng.int(10, 120) * dayMs;
    }
    if (nextAt === null) break;
    appliedAt = dayTime(rng, nextAt, 0);
    previous = application;
  }
  return plan;
}
