import { describe, expect, it } from 'vitest';
import { findingSchema } from './findings';
import { evaluateEmergencyContacts, relationshipsInRemark, type EmergencyContactInput, type EmergencyContactsInput } from './contacts';

const OPTIONS = { sharedContactMinApplicants: 3 };

function contact(overrides: Partial<EmergencyContactInput> = {}): EmergencyContactInput {
  return {
    name: '王芳',
    phone: '13900001111',
    relationship: 'mother',
    addressBookEntry: { name: '王芳', remark: '妈妈', phone: '13900001111' },
    callCount: 25,
    ...overrides,
  };
}

function input(contacts: EmergencyContactInput[], extra: Partial<EmergencyContactsInput> = {}): EmergencyContactsInput {
  return { borrowerPhone: '13812345678', contacts, sharedWith: {}, overdueBorrowerByPhone: {}, ...extra };
}

function codes(findings: Array<{ code: string }>): string[] {
  return findings.map((finding) => finding.code);
}

describe('relationshipsInRemark', () => {
  it.each([
    ['妈妈', ['mother']],
    ['老妈 王芳', ['mother']],
    ['Mom', ['mother']],
    ['老婆', ['spouse']],
    ['wife', ['spouse']],
    ['外婆', ['relative']],
    ['表哥', ['relative']],
    ['哥们 老李', ['friend']],
    ['哥', ['sibling']],
    ['Jason', []],
    ['Wilson (son)', ['child']],
    ['帅哥 修车', []],
    ['张总', ['colleague']],
    ['王芳', []],
  ])('%s -> %j', (remark, expected) => {
    expect(relationshipsInRemark(remark)).toEqual(expected);
  });
});

describe('evaluateEmergencyContacts', () => {
  it('finds nothing for a mother saved as 妈妈 who calls often', () => {
    expect(evaluateEmergencyContacts(input([contact()]), OPTIONS)).toEqual([]);
  });

  it('flags a contact not in the address book, naming the contact', () => {
    const findings = evaluateEmergencyContacts(input([contact({ addressBookEntry: null })]), OPTIONS);
    expect(findings).toEqual([
      {
        code: 'contact_not_in_address_book',
        queue: 'contacts',
        severity: 'warning',
        subject: '13900001111',
        expected: 'in address book',
        actual: null,
        evidence: { contactIndex: 0, contactName: '王芳', relationship: 'mother' },
      },
    ]);
    expect(findingSchema.safeParse(findings[0]).success).toBe(true);
  });

  it('flags a relationship the remark contradicts, with the remark as evidence', () => {
    const findings = evaluateEmergencyContacts(
      input([contact({ relationship: 'spouse', addressBookEntry: { name: '王芳', remark: '妈', phone: '13900001111' } })]),
      OPTIONS,
    );
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      code: 'contact_relationship_mismatch',
      expected: 'spouse',
      actual: '妈',
      evidence: { addressBookRemark: '妈', remarkRelationships: 'mother' },
    });
  });

  it('accepts compatible remarks and notes unconfirmed close family', () => {
    const relative = contact({ relationship: 'relative', addressBookEntry: { name: 'x', remark: '妈', phone: '13900001111' } });
    const colleagueAsFriend = contact({ relationship: 'friend', addressBookEntry: { name: 'x', remark: '同事 小李', phone: '13900001111' } });
    expect(evaluateEmergencyContacts(input([relative]), OPTIONS)).toEqual([]);
    expect(evaluateEmergencyContacts(input([colleagueAsFriend]), OPTIONS)).toEqual([]);
    const plainName = contact({ addressBookEntry: { name: '王芳', remark: '', phone: '13900001111' } });
    expect(codes(evaluateEmergencyContacts(input([plainName]), OPTIONS))).toEqual(['contact_relationship_unconfirmed']);
  });

  it('flags a contact never in the call list, but not when there is no call list', () => {
    expect(codes(evaluateEmergencyContacts(input([contact({ callCount: 0 })]), OPTIONS))).toEqual(['contact_never_called']);
    expect(evaluateEmergencyContacts(input([contact({ callCount: null })]), OPTIONS)).toEqual([]);
  });

  it('flags the borrower\'s own phone, in any notation', () => {
    const own = contact({ phone: '+86 138-1234-5678', addressBookEntry: null, callCount: null });
    expect(codes(evaluateEmergencyContacts(input([own]), OPTIONS))).toEqual(['contact_is_borrower', 'contact_not_in_address_book']);
  });

  it('flags an invalid phone', () => {
    const invalid = contact({ phone: '12345', addressBookEntry: null, callCount: null });
    const findings = evaluateEmergencyContacts(input([invalid]), OPTIONS);
    expect(codes(findings)).toEqual(['contact_phone_invalid', 'contact_not_in_address_book']);
    expect(findings[0]).toMatchObject({ severity: 'high', actual: '12345' });
  });

  it('flags a phone shared with at least K other applicants', () => {
    const atK = evaluateEmergencyContacts(input([contact()], { sharedWith: { '13900001111': 3 } }), OPTIONS);
    expect(atK).toEqual([expect.objectContaining({ code: 'contact_shared_phone', actual: '3', evidence: expect.objectContaining({ otherApplicants: 3, threshold: 3 }) })]);
    expect(evaluateEmergencyContacts(input([contact()], { sharedWith: { '13900001111': 2 } }), OPTIONS)).toEqual([]);
    expect(codes(evaluateEmergencyContacts(input([contact()], { sharedWith: { '+8613900001111': 5 } }), { sharedContactMinApplicants: 5 }))).toEqual(['contact_shared_phone']);
  });

  it('flags a phone belonging to an overdue borrower', () => {
    const findings = evaluateEmergencyContacts(input([contact()], { overdueBorrowerByPhone: { '139 0000 1111': { borrowerId: 'b-42' } } }), OPTIONS);
    expect(findings).toEqual([expect.objectContaining({ code: 'contact_overdue_borrower', severity: 'high', actual: 'b-42', evidence: expect.objectContaining({ overdueBorrowerId: 'b-42' }) })]);
  });

  it('flags the same phone given for two contacts', () => {
    const findings = evaluateEmergencyContacts(input([contact(), contact({ name: '李雷', relationship: 'friend', addressBookEntry: { name: '李雷', remark: '朋友', phone: '13900001111' } })]), OPTIONS);
    expect(findings).toEqual([expect.objectContaining({ code: 'contact_duplicate', evidence: expect.objectContaining({ contactIndex: 1, sameAsContactIndex: 0 }) })]);
  });
});
