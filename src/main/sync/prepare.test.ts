import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveDomainSettings } from '../../shared/domain/settings';
import { applyMigrations, findMigrationsFolder, openDatabase, type Db } from '../db/connection';
import { applicantsWithPhone, applicantsWithPhones, borrowerIdsOfApplications } from '../repositories/applications';
import { bookedInstallments, bookedInstallmentsOf } from '../repositories/orders';
import { paidByPeriod, paidByPeriodOf } from '../repositories/repayments';
import { fixtureRecord } from '../review/testing';
import { assessApplication } from './derive';
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
    expect(JSON.parse(first.recordText)).toEqual(good);
    expect(first.evidenceJson).toBe(JSON.stringify(first.row.evidence));
    const second = prepared[1];
    if (second?.valid !== false) throw new Error('expected an invalid record');
    expect(second.externalId).toBe('APP-2');
    expect(second.issues.length).toBeGreaterThan(0);
    expect(JSON.parse(second.rawPayload)).toEqual({ id: 'APP-2', version: 'x' });
    expect(prepared[2]).toMatchObject({ valid: false, externalId: null, rawPayload: '"garbage"' });
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
  });
});
