/**
 * A quarantined record is shown on the Sync page (sync:quarantine, for supervisors and admins) as
 * the institution sent it, masked. Taken together with what the same operator gets elsewhere
 * (a borrower found by the platform user id the payload names), it must not rebuild a masked
 * value or show one in clear.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestBackend, ManualClock, operatorContext } from '../../../test/support/backend';
import { disclosures, indexSecrets, type Secrets } from '../../../test/support/disclosure';
import { insertBorrower } from '../../../test/support/rows';
import { fixtureRecord, insertFixtureInstitution } from '../../../test/support/review-fixtures';
import { quarantineRecord } from '../repositories/sync';
import type { CallContext } from '../core/actor';
import type { Backend } from '../runtime/backend';
import { maskRecordPayload } from './quarantine-payload';

const now = Date.UTC(2026, 10, 25, 2);
let backend: Backend & { cleanup(): Promise<void> };
let supervisor: CallContext;
const record = fixtureRecord({ externalId: 'APP-Q1', borrower: { name: '王小明', idNumber: '110101199003078670', phone: '13800138000', platformUserId: 'PU-Q1' } }, now);

beforeAll(async () => {
  backend = await createTestBackend({ clock: new ManualClock(now) });
  supervisor = await operatorContext(backend, 'quarantine-supervisor', 'supervisor');
  const institutionId = insertFixtureInstitution(backend.db, 'QQXD');
  // The same borrower is known from an earlier application; this version of the record broke the schema.
  insertBorrower(backend.db, { idNumber: record.borrower.id_number, name: record.borrower.name, phone: record.borrower.phone, platformUserId: 'PU-Q1' });
  quarantineRecord(
    backend.db,
    {
      institutionId,
      resource: 'applications',
      externalId: 'APP-Q1',
      rawPayload: JSON.stringify({ ...record, product_code: 42 }),
      issues: JSON.stringify([{ path: 'product_code', code: 'invalid_type', message: 'Invalid input: expected string, received number' }]),
    },
    now,
  );
});
afterAll(async () => backend.cleanup());

function secretsOfRecord(): Secrets {
  const front = record.authentication.id_card_ocr.result?.front;
  const contacts = record.authentication.contacts.result?.emergency_contacts ?? [];
  return {
    idNumbers: new Set([record.borrower.id_number]),
    phones: new Set([record.borrower.phone, ...contacts.map((contact) => contact.phone)]),
    names: new Set([record.borrower.name, ...contacts.flatMap((contact) => [contact.name, contact.address_book_entry?.display_name ?? ''])].filter((name) => name.length >= 2)),
    addresses: new Set([front?.address ?? '', record.authentication.personal_info.result?.residence_address ?? ''].filter((address) => address !== '')),
    publicTexts: new Set(),
  };
}

describe('a quarantined record on the Sync page', () => {
  it('shows no personal value in clear, and nothing that completes the borrower’s masks elsewhere', async () => {
    const quarantine = await backend.router.call('sync:quarantine', { limit: 50 }, supervisor);
    const search = await backend.router.call('borrowers:search', { query: 'PU-Q1' }, supervisor);
    expect(quarantine).toMatchObject({ ok: true, data: { total: 1 } });
    expect(search).toMatchObject({ ok: true, data: { results: [{ idNumberMasked: '110101********8670' }] } });
    expect(disclosures([quarantine, search], indexSecrets(secretsOfRecord()))).toEqual([]);
    const payload = (quarantine as { ok: true; data: { rows: Array<{ payload: string }> } }).data.rows[0]?.payload ?? '';
    expect(payload).not.toContain('1990-03-07');
    expect(payload).not.toContain('大学同学');
  });

  it('keeps what the Sync page needs to see why the record failed: its shape, the public fields and the masked ones as the task shows them', () => {
    const masked = maskRecordPayload(record) as typeof record;
    expect(masked.borrower).toEqual({ platform_user_id: 'PU-Q1', name: '王**', id_number: '110101********8670', phone: '138****8000' });
    expect(masked.product_code).toBe('CASH-12');
    expect(masked.authentication.id_card_ocr.result?.front).toMatchObject({ birth_date: '****-**-**', address: '北京市东城区****', sex: 'male' });
    expect(masked.authentication.personal_info.result?.residence_address).toBe('北京市朝阳区****');
    expect(masked.authentication.contacts.result?.emergency_contacts[1]).toMatchObject({ name: '李**', phone: '139****0002', address_book_entry: { display_name: '****', remark: '****' } });
  });
});
