import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveDomainSettings } from '../../shared/domain/settings';
import { applyMigrations, findMigrationsFolder, openDatabase, type Db } from '../db/connection';
import { applicantsWithPhone, applicantsWithPhones, borrowerIdsOfApplications } from '../repositories/applications';
import { borrowersByIdNumber } from '../repositories/borrowers';
import { bookedInstallments, bookedInstallmentsOf } from '../repositories/orders';
import { paidByPeriod, paidByPeriodOf } from '../repositories/repayments';
import { fixtureRecord } from '../../../test/support/review-fixtures';
import { PageContactFacts, sqlContactFacts } from './contact-facts';
import { assessApplication } from './assess';
import { normalizeApplication } from './normalize';
import { prepareRecord } from './prepare';

const settings = resolveDomainSettings({});
const now = Date.UTC(2026, 10, 20, 2);

describe('the pure stage of ingest', () => {
  it('prepares valid records and turns invalid ones into quarantine entries, in order', () => {
    const good = fixtureRecord({ externalId: 'APP-1' }, now);
    const prepared = [good, { id: 'APP-2', version: 'x' }, 'garbage'].map((raw) => prepareRecord('applications', raw, { at: now, settings }));
    expect(prepared.map((record) => record.valid)).toEqual([true, false, false]);
    const first = prepared[0];
    if (!first?.valid || first.resource !== 'applications') throw new Error('expected a prepared application');
    expect(first.row.externalId).toBe('APP-1');
    expect(JSON.parse(first.recordText.toString())).toEqual(good);
    expect(first.evidenceJson).toBe(JSON.stringify(first.row.evidence));
    const second = prepared[1];
    if (second?.valid !== false) throw new Error('expected an invalid record');
    expect(second.externalId).toBe('APP-2');
    expect(second.issues.length).toBeGreaterThan(0);
    expect(JSON.parse(second.rawPayload)).toEqual({ id: 'APP-2', version: 'x' });
    expect(prepared[2]).toMatchObject({ valid: false, externalId: null, rawPayload: '"garbage"' });
  });

  it("keeps the institution's own text of a record accepted as it is and of an invalid one, and serializes one zod changed", () => {
    const good = fixtureRecord({ externalId: 'APP-1' }, now);
    const sent = Buffer.from(JSON.stringify(good, null, 1));
    const accepted = prepareRecord('applications', good, { at: now, settings }, sent);
    if (!accepted.valid || accepted.resource !== 'applications') throw new Error('expected a prepared application');
    expect(accepted.recordText).toBe(sent);
    // An unknown key is stripped by zod: the stored text is zod's output, without it.
    const extra = { ...good, unknown_key: 1 };
    const stripped = prepareRecord('applications', extra, { at: now, settings }, Buffer.from(JSON.stringify(extra)));
    if (!stripped.valid || stripped.resource !== 'applications') throw new Error('expected a prepared application');
    expect(JSON.parse(stripped.recordText.toString())).toEqual(good);
    const invalidText = '{ "id": "APP-2", "version": "x" }';
    expect(prepareRecord('applications', JSON.parse(invalidText), { at: now, settings }, Buffer.from(invalidText))).toMatchObject({ valid: false, rawPayload: invalidText });
  });
});

describe('ingest look-ups', () => {
  let db: Db;
  beforeEach(() => {
    db = openDatabase({ file: ':memory:', migrationsFolder: findMigrationsFolder() });
    applyMigrations(db, findMigrationsFolder());
  });
  afterEach(() => db.$client.close());

  it('hashes the evidence exactly as JSON.stringify({ v, evidence, sharedPhones, overduePhones })', () => {
    const record = fixtureRecord({ externalId: 'APP-9' }, now);
    const normalized = normalizeApplication(record);
    const assessment = assessApplication(db, { borrowerId: 1, evidence: normalized.evidence, contactPhones: normalized.contactPhones }, now, settings);
    const expected = createHash('sha256').update(JSON.stringify({ v: 1, evidence: normalized.evidence, sharedPhones: [], overduePhones: [] })).digest('hex').slice(0, 32);
    expect(assessment.evidenceHash).toBe(expected);
  });

  it('answers the per-page batch look-ups exactly as the per-record ones', () => {
    const client = db.$client;
    client.exec(`INSERT INTO institutions (id, code, name, base_url, app_id, secret_ciphertext, secret_scheme, created_at, updated_at) VALUES (1, 'A', 'A', 'http://127.0.0.1:1', 'a', x'00', 'key-file', 0, 0)`);
    client.exec(`INSERT INTO borrowers (id, id_number, id_tail, id_valid, name, phone, platform_user_id, first_seen_at, updated_at) VALUES
      (1, '110101199003078670', '078670', 1, 'a', '13800000001', 'u1', 0, 0), (2, '110101199003078671', '078671', 1, 'b', '13800000002', 'u2', 0, 0)`);
    const plan = (id: number, order: string) =>
      client.exec(`INSERT INTO repayment_plans (id, institution_id, external_id, version, remote_updated_at, order_external_id, synced_at) VALUES (${id}, 1, 'P${id}', 1, 0, '${order}', 0)`);
    const installment = (planId: number, period: number, status: string) =>
      client.exec(`INSERT INTO installments (plan_id, period, due_date, principal_fen, interest_fen, fee_fen, penalty_fen, paid_principal_fen, paid_interest_fen, paid_fee_fen, paid_penalty_fen, status, paid_off_at)
        VALUES (${planId}, ${period}, '2026-0${period}-10', ${period * 100}, 10, 0, 0, 0, 0, 0, 0, '${status}', NULL)`);
    plan(1, 'O1');
    installment(1, 2, 'pending');
    installment(1, 1, 'paid');
    plan(2, 'O2');
    installment(2, 1, 'overdue');
    const repayment = (id: number, order: string, allocation: unknown) =>
      client
        .prepare(
          `INSERT INTO repayments (institution_id, external_id, version, remote_updated_at, order_external_id, platform_user_id, amount_fen, allocation, paid_at, channel, kind, synced_at)
           VALUES (1, ?, 1, 0, ?, 'u1', 1, ?, 0, 'bank_card', 'scheduled', 0)`,
        )
        .run(`R${id}`, order, JSON.stringify(allocation));
    repayment(1, 'O3', [{ period: 1, principal_fen: 5, interest_fen: 1, fee_fen: 0, penalty_fen: 0 }]);
    repayment(2, 'O3', [{ period: 1, principal_fen: 7, interest_fen: 2, fee_fen: 1, penalty_fen: 0 }, { period: 2, principal_fen: 3, interest_fen: 0, fee_fen: 0, penalty_fen: 0 }]);
    client.exec(`INSERT INTO applications (id, institution_id, external_id, version, remote_updated_at, borrower_id, platform_user_id, product_code, product_name, line_mode,
        requested_amount_fen, requested_term_months, status, risk_result, applied_at, submitted_at, credit_line_external_id, record, evidence_hash, synced_at)
      VALUES (1, 1, 'A1', 1, 0, 1, 'u1', 'P', 'P', 'revolving', 1, 1, 'APPROVED', NULL, 0, NULL, NULL, '{}', '', 0),
             (2, 1, 'A2', 1, 0, 2, 'u2', 'P', 'P', 'revolving', 1, 1, 'APPROVED', NULL, 0, NULL, NULL, '{}', '', 0)`);
    client.exec(`INSERT INTO contact_phones (application_id, borrower_id, phone) VALUES (1, 1, '13900000009'), (2, 2, '13900000009'), (2, 2, '13900000008')`);

    const orders = ['O1', 'O2', 'O3', 'O4'];
    const booked = bookedInstallmentsOf(db, 1, orders);
    for (const order of orders) expect(booked.get(order) ?? null).toEqual(bookedInstallments(db, 1, order));
    expect(booked.get('O1')?.map((row) => row.period)).toEqual([1, 2]);
    const paid = paidByPeriodOf(db, 1, orders);
    for (const order of orders) expect(paid.get(order) ?? new Map()).toEqual(paidByPeriod(db, 1, order));
    expect([...(paid.get('O3') ?? [])]).toEqual([
      [1, { principalFen: 12, interestFen: 3, feeFen: 1, penaltyFen: 0 }],
      [2, { principalFen: 3, interestFen: 0, feeFen: 0, penaltyFen: 0 }],
    ]);
    expect(paid.has('O1')).toBe(false);
    expect(borrowerIdsOfApplications(db, 1, ['A1', 'A2', 'A1', 'A9'])).toEqual(new Map([['A1', 1], ['A2', 2]]));
    const phones = ['13900000009', '13900000008', '13900000007'];
    const counts = applicantsWithPhones(db, phones);
    for (const phone of phones) expect(counts.get(phone)).toBe(applicantsWithPhone(db, phone));
    expect(counts.get('13900000009')).toBe(2);

    // Borrower 2 owns 13800000002 and has an overdue loan; both gave 13900000009.
    client.exec(`INSERT INTO orders (institution_id, external_id, version, remote_updated_at, credit_line_external_id, application_external_id, platform_user_id, product_code,
        principal_fen, received_fen, term_months, repayment_method, monthly_interest_rate, penalty_daily_rate, declared_annual_rate, fees, quoted_plan, status, applied_at,
        derived_at, synced_at, borrower_id, bucket)
      VALUES (1, 'O9', 1, 0, 'L9', 'A2', 'u2', 'P', 100, 100, 1, 'equal_installment', '0.01', '0.0005', '0.12', '[]', '[]', 'REPAYING', 0, 0, 0, 2, 'M1')`);
    const asked = ['13900000009', '13900000008', '13800000002', '13800000001', '13900000007'];
    const page = new PageContactFacts(db, asked);
    const direct = sqlContactFacts(db);
    for (const phone of asked) {
      expect(page.applicantCount(phone)).toBe(applicantsWithPhone(db, phone));
      for (const borrowerId of [1, 2, 3]) {
        expect(page.otherApplicants(phone, borrowerId)).toBe(direct.otherApplicants(phone, borrowerId));
        expect(page.overdueBorrower(phone, borrowerId)).toBe(direct.overdueBorrower(phone, borrowerId));
      }
    }
    expect(page.overdueBorrower('13800000002', 1)).toBe(2);
    expect(page.otherApplicants('13900000009', 1)).toBe(1);
    // Followed as the page writes: a new application of borrower 3 gives 13900000009.
    client.exec(`INSERT INTO borrowers (id, id_number, id_tail, id_valid, name, phone, platform_user_id, first_seen_at, updated_at) VALUES (3, '110101199003078672', '078672', 1, 'c', '13800000003', 'u3', 0, 0)`);
    client.exec(`INSERT INTO applications (id, institution_id, external_id, version, remote_updated_at, borrower_id, platform_user_id, product_code, product_name, line_mode,
        requested_amount_fen, requested_term_months, status, risk_result, applied_at, submitted_at, credit_line_external_id, record, evidence_hash, synced_at)
      VALUES (3, 1, 'A3', 1, 0, 3, 'u3', 'P', 'P', 'revolving', 1, 1, 'APPROVED', NULL, 0, NULL, NULL, '{}', '', 0)`);
    client.exec(`INSERT INTO contact_phones (application_id, borrower_id, phone) VALUES (3, 3, '13900000009')`);
    page.addedContacts(3, ['13900000009']);
    expect(page.applicantCount('13900000009')).toBe(3);
    expect(page.otherApplicants('13900000009', 1)).toBe(direct.otherApplicants('13900000009', 1));

    const byIdNumber = borrowersByIdNumber(db, ['110101199003078670', '110101199003078679']);
    expect(byIdNumber.get('110101199003078670')).toMatchObject({ id: 1, phone: '13800000001', platformUserId: 'u1' });
    expect(byIdNumber.get('110101199003078679')).toBeNull();
  });
});
