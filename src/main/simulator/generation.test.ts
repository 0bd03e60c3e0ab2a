import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullAll } from '../../../test/fixtures/simulator/client';
import { planOfWire } from '../../../test/support/loan-rows';
import { comparePlans, loanApr } from '../../shared/domain/apr';
import { evaluateEmergencyContacts } from '../../shared/domain/contacts';
import { classifyFace, defaultFaceBands } from '../../shared/domain/face';
import { validateResidentId } from '../../shared/domain/idcard';
import { compareIdCardOcr, ocrQualityWarnings } from '../../shared/domain/ocr';
import {
  type ApplicationRecord,
  applicationRecordSchema,
  type CreditLineRecord,
  creditLineRecordSchema,
  type OrderRecord,
  orderRecordSchema,
  type RepaymentPlanRecord,
  repaymentPlanRecordSchema,
  resourceNames,
} from '../../shared/institution-api';
import { daysBetween, shanghaiDate } from '../../shared/time';
import { demoInstitutions, type RunningSimulator, startSimulator } from './index';

const now = Date.UTC(2026, 10, 25, 2, 0, 0);

async function fingerprint(simulator: RunningSimulator): Promise<string> {
  const hash = createHash('sha256');
  for (const institution of simulator.institutions) {
    for (const resource of institution.capabilities.resources) {
      const { records } = await pullAll(institution, resource, { limit: 1000 });
      hash.update(`${institution.code}/${resource}\n${JSON.stringify(records)}\n`);
    }
  }
  return hash.digest('hex');
}

describe('determinism', () => {
  it('gives identical data for the same seed, now and scale, and different data otherwise', async () => {
    const start = (seed: string, at: number) => startSimulator({ institutions: demoInstitutions(seed), seed, borrowers: 150, now: at });
    const first = await start('same', now);
    const second = await start('same', now);
    const otherSeed = await start('other', now);
    const otherNow = await start('same', now + 86_400_000);
    try {
      const fingerprints = await Promise.all([first, second, otherSeed, otherNow].map(fingerprint));
      expect(fingerprints[0]).toBe(fingerprints[1]);
      expect(fingerprints[2]).not.toBe(fingerprints[0]);
      expect(fingerprints[3]).not.toBe(fingerprints[0]);
      expect(first.institutions.map((entry) => [entry.appId, entry.secret])).toEqual(second.institutions.map((entry) => [entry.appId, entry.secret]));
    } finally {
      await Promise.all([first, second, otherSeed, otherNow].map((simulator) => simulator.close()));
    }
  }, 120_000);
});

describe('the generated data covers every pattern the desk must handle', () => {
  let simulator: RunningSimulator;
  const applications: Array<ApplicationRecord & { institution: string }> = [];
  const lines: CreditLineRecord[] = [];
  const orders: Array<OrderRecord & { institution: string }> = [];
  const plans = new Map<string, RepaymentPlanRecord>();

  beforeAll(async () => {
    simulator = await startSimulator({ institutions: demoInstitutions('coverage'), seed: 'coverage', borrowers: 1500, now });
    for (const institution of simulator.institutions) {
      for (const resource of resourceNames) {
        if (!institution.capabilities.resources.includes(resource)) continue;
        const { records } = await pullAll(institution, resource);
        for (const record of records) {
          if (resource === 'applications') applications.push({ ...applicationRecordSchema.parse(record), institution: institution.code });
          if (resource === 'credit-lines') lines.push(creditLineRecordSchema.parse(record));
          if (resource === 'orders') orders.push({ ...orderRecordSchema.parse(record), institution: institution.code });
          if (resource === 'repayment-plans') {
            const plan = repaymentPlanRecordSchema.parse(record);
            plans.set(plan.order_id, plan);
          }
        }
      }
    }
  }, 120_000);

  afterAll(async () => {
    await simulator.close();
  });

  it('has valid ID numbers and a few invalid ones, and people who borrow at several institutions', () => {
    const invalid = applications.filter((application) => !validateResidentId(application.borrower.id_number, { now }).valid);
    expect(invalid.length).toBeGreaterThan(0);
    expect(invalid.length).toBeLessThan(applications.length * 0.03);
    const institutionsByIdNumber = new Map<string, Set<string>>();
    for (const application of applications) {
      const set = institutionsByIdNumber.get(application.borrower.id_number) ?? new Set<string>();
      set.add(application.institution);
      institutionsByIdNumber.set(application.borrower.id_number, set);
    }
    expect([...institutionsByIdNumber.values()].filter((set) => set.size >= 2).length).toBeGreaterThan(50);
  });

  it('triggers every emergency-contact flag, including phones shared across applicants', () => {
    const overdueUsers = new Set(orders.filter((order) => order.status === 'OVERDUE').map((order) => order.platform_user_id));
    const overdueByPhone: Record<string, { borrowerId: string }> = {};
    for (const application of applications) {
      if (overdueUsers.has(application.borrower.platform_user_id)) overdueByPhone[application.borrower.phone] = { borrowerId: application.borrower.platform_user_id };
    }
    const applicantsByPhone = new Map<string, Set<string>>();
    const withContacts = applications.filter((application) => application.authentication.contacts.result !== null);
    for (const application of withContacts) {
      for (const contact of application.authentication.contacts.result?.emergency_contacts ?? []) {
        const set = applicantsByPhone.get(contact.phone) ?? new Set<string>();
        set.add(application.borrower.platform_user_id);
        applicantsByPhone.set(contact.phone, set);
      }
    }
    const codes = new Set<string>();
    for (const application of withContacts) {
      const contacts = application.authentication.contacts.result?.emergency_contacts ?? [];
      const sharedWith = Object.fromEntries(contacts.map((contact) => [contact.phone, (applicantsByPhone.get(contact.phone)?.size ?? 1) - 1]));
      const findings = evaluateEmergencyContacts(
        {
          borrowerPhone: application.borrower.phone,
          contacts: contacts.map((contact) => ({
            name: contact.name,
            phone: contact.phone,
            relationship: contact.relationship,
            addressBookEntry: contact.address_book_entry === null ? null : { name: contact.address_book_entry.display_name, remark: contact.address_book_entry.remark ?? '', phone: contact.phone },
            callCount: contact.call_count,
          })),
          sharedWith,
          overdueBorrowerByPhone: overdueByPhone,
        },
        { sharedContactMinApplicants: 3 },
      );
      for (const finding of findings) codes.add(finding.code);
    }
    for (const code of [
      'contact_not_in_address_book',
      'contact_relationship_mismatch',
      'contact_never_called',
      'contact_is_borrower',
      'contact_phone_invalid',
      'contact_shared_phone',
      'contact_overdue_borrower',
    ]) {
      expect(codes, code).toContain(code);
    }
  });

  it('has face scores in all three bands for every vendor model, and failed liveness checks', () => {
    const seen = new Set<string>();
    for (const application of applications) {
      const face = application.authentication.face_compare.result;
      if (face === null) continue;
      const classification = classifyFace({ vendor: face.vendor, modelVersion: face.model_version, score: face.score, liveness: { passed: true } }, defaultFaceBands);
      seen.add(`${face.vendor}/${face.model_version}/${classification.band}`);
    }
    const models = new Set([...seen].map((entry) => entry.split('/').slice(0, 2).join('/')));
    expect(models.size).toBe(5);
    for (const model of models) for (const band of ['pass', 'review', 'reject']) expect(seen, `${model} ${band}`).toContain(`${model}/${band}`);
    expect(applications.some((application) => application.authentication.liveness.result?.passed === false)).toBe(true);
  });

  it('has OCR mismatches of every kind, expired cards and every quality warning', () => {
    const codes = new Set<string>();
    const warnings = new Set<string>();
    for (const application of applications) {
      const ocr = application.authentication.id_card_ocr.result;
      if (ocr === null) continue;
      for (const warning of ocr.quality_warnings) warnings.add(warning);
      const findings = compareIdCardOcr(
        {
          submitted: { name: application.borrower.name, idNumber: application.borrower.id_number },
          ocr: {
            name: ocr.front.name,
            sex: ocr.front.sex,
            ethnicity: ocr.front.ethnicity,
            birthDate: ocr.front.birth_date,
            address: ocr.front.address,
            idNumber: ocr.front.id_number,
            authority: ocr.back.issuing_authority,
            validFrom: ocr.back.valid_from,
            validTo: ocr.back.valid_to,
          },
          qualityWarnings: ocr.quality_warnings,
        },
        { now: Date.parse(application.applied_at), expiringSoonDays: 30 },
      );
      for (const finding of findings) codes.add(finding.code);
    }
    for (const code of ['ocr_name_mismatch', 'ocr_id_number_mismatch', 'ocr_sex_mismatch', 'ocr_birth_date_mismatch', 'ocr_submitted_id_invalid', 'ocr_document_expired']) {
      expect(codes, code).toContain(code);
    }
    expect([...warnings].sort()).toEqual([...ocrQualityWarnings].sort());
  });

  it('abandons applications part-way, more often on products that ask for more items', () => {
    const byItemCount = new Map<number, { total: number; abandoned: number }>();
    for (const application of applications) {
      const count = application.authentication.required_items.length;
      const entry = byItemCount.get(count) ?? { total: 0, abandoned: 0 };
      entry.total += 1;
      if (application.status === 'ABANDONED') {
        entry.abandoned += 1;
        expect(application.abandoned_at_item).not.toBeNull();
      }
      byItemCount.set(count, entry);
    }
    const rate = (count: number) => {
      const entry = byItemCount.get(count);
      return entry === undefined ? Number.NaN : entry.abandoned / entry.total;
    };
    expect(rate(7)).toBeGreaterThan(0);
    expect(rate(9)).toBeGreaterThan(rate(7));
    expect(applications.some((application) => application.status === 'MANUAL_REVIEW')).toBe(true);
    expect(applications.some((application) => Object.values(application.authentication).some((item) => typeof item === 'object' && item !== null && !Array.isArray(item) && item.reused_from_application_id !== null))).toBe(true);
  });

  it('holds some automatic rejections for a person, with a reject-band face score behind them', () => {
    const held = applications.filter((application) => application.status === 'MANUAL_REVIEW' && application.risk_decision?.result === 'reject');
    expect(held.length).toBeGreaterThan(0);
    for (const application of held) {
      const face = application.authentication.face_compare.result;
      expect(face).not.toBeNull();
      if (face === null) continue;
      const band = classifyFace({ vendor: face.vendor, modelVersion: face.model_version, score: face.score, liveness: { passed: true } }, defaultFaceBands).band;
      expect(band).toBe('reject');
    }
  });

  it('has both line modes, all four repayment methods and every line status', () => {
    expect(new Set(lines.map((line) => line.mode))).toEqual(new Set(['revolving', 'single_batch']));
    expect(new Set(orders.map((order) => order.repayment_method))).toEqual(new Set(['equal_installment', 'equal_principal', 'interest_first', 'flat']));
    expect(new Set(lines.map((line) => line.status))).toEqual(new Set(['active', 'frozen', 'expired', 'exhausted', 'closed']));
    for (const status of ['REPAYING', 'OVERDUE', 'CLOSED', 'AUDIT_NO_PASS', 'LOAN_CANCEL', 'LOAN_FAILED']) {
      expect(orders.map((order) => order.status), status).toContain(status);
    }
  });

  it('has loans whose fees push the APR over 24% and over 36%, and declares it correctly', () => {
    const disbursed = orders.filter((order) => order.disbursed_at !== null);
    const aprs = disbursed.map((order) => {
      const apr = loanApr({
        receivedFen: order.received_fen,
        installments: order.quoted_plan.map((row) => ({ dueDate: row.due_date, totalFen: row.total_fen })),
        basis: 'monthly',
      });
      const booked = plans.get(order.id);
      // The declared rate is the booked plan's; where no plan is served the quote may differ from it.
      if (booked !== undefined && comparePlans(planOfWire(order.quoted_plan), planOfWire(booked.installments)).equal) {
        expect(Math.abs(Number(order.declared_annual_rate) * 10_000 - apr.nominalAprBps)).toBeLessThanOrEqual(1);
      }
      return apr.nominalAprBps;
    });
    expect(aprs.some((bps) => bps > 2400 && bps <= 3600)).toBe(true);
    expect(aprs.some((bps) => bps > 3600)).toBe(true);
    expect(aprs.some((bps) => bps <= 2400)).toBe(true);
  });

  it('quotes a plan that differs from the booked one for a few loans only', () => {
    let differing = 0;
    for (const order of orders) {
      const booked = plans.get(order.id);
      if (booked === undefined) continue;
      if (!comparePlans(planOfWire(order.quoted_plan), planOfWire(booked.installments)).equal) differing += 1;
    }
    expect(differing).toBeGreaterThan(0);
    expect(differing).toBeLessThan(plans.size * 0.1);
  });

  it('has loans overdue in every bucket from M1 to M3+', () => {
    const today = shanghaiDate(now);
    const buckets = new Set<string>();
    for (const plan of plans.values()) {
      const earliestUnpaid = plan.installments.find((installment) => installment.status === 'overdue');
      if (earliestUnpaid === undefined) continue;
      const days = daysBetween(earliestUnpaid.due_date, today);
      buckets.add(days <= 30 ? 'M1' : days <= 60 ? 'M2' : days <= 90 ? 'M3' : 'M3+');
    }
    expect([...buckets].sort()).toEqual(['M1', 'M2', 'M3', 'M3+']);
    expect(orders.some((order) => order.institution === 'yuanshan' && order.status === 'OVERDUE')).toBe(true);
  });
});
