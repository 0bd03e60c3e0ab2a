/**
 * Emergency-contact checks: the patterns risk teams flag (DOMAIN.md). Phones are compared in
 * normalized form (see normalizeMobile), so '+86 138-1234-5678' and '13812345678' are one.
 */
import { z } from 'zod';
import { normalizeMobile, validateMobile } from './contact-info';
import { makeFinding, type Finding } from './findings';

export const relationshipSchema = z.enum(['mother', 'father', 'spouse', 'child', 'sibling', 'relative', 'friend', 'colleague', 'other']);
export type Relationship = z.infer<typeof relationshipSchema>;

/**
 * Words a borrower typically saves in the address-book remark for each relationship, Chinese and
 * English. A remark is read by taking, at each position, the longest word of this table that
 * starts there (so 外婆 is a relative, not a spouse's 婆, and 表哥 a relative, not a sibling);
 * English words must stand alone (Jason is not 'son'), case-insensitive.
 */
export const relationshipRemarkTable: Readonly<Record<Exclude<Relationship, 'other'>, readonly string[]>> = {
  mother: ['妈', '妈妈', '老妈', '母亲', '老娘', '妈咪', '阿妈', 'mom', 'mum', 'mother', 'mama', 'mommy', 'mummy'],
  father: ['爸', '爸爸', '老爸', '父亲', '爹', '老爹', '阿爸', 'dad', 'father', 'papa', 'daddy'],
  spouse: ['老婆', '妻子', '媳妇', '媳妇儿', '爱人', '老公', '丈夫', '夫人', '太太', '亲爱的', '宝贝', 'wife', 'husband', 'hubby', 'honey', 'darling'],
  child: ['儿子', '女儿', '闺女', '宝宝', 'son', 'daughter', 'kid'],
  sibling: ['哥', '哥哥', '大哥', '二哥', '姐', '姐姐', '大姐', '二姐', '弟', '弟弟', '妹', '妹妹', '老弟', '老妹', 'brother', 'sister', 'bro', 'sis'],
  relative: [
    '表哥', '表姐', '表弟', '表妹', '堂哥', '堂姐', '堂弟', '堂妹', '叔', '叔叔', '阿姨', '姨', '姨妈', '舅', '舅舅', '舅妈',
    '姑', '姑姑', '姑妈', '伯', '伯伯', '伯父', '伯母', '婶', '婶婶', '爷爷', '奶奶', '外公', '外婆', '姥姥', '姥爷',
    '岳父', '岳母', '丈母娘', '公公', '婆婆', '嫂子', '姐夫', '妹夫', '弟媳', '侄子', '侄女', '外甥', '外甥女', '亲戚',
    '干爸', '干妈', 'uncle', 'aunt', 'auntie', 'cousin', 'grandma', 'grandpa', 'grandmother', 'grandfather', 'nephew', 'niece',
  ],
  friend: ['朋友', '同学', '好友', '哥们', '兄弟', '闺蜜', '发小', '室友', '老乡', '师兄', '师姐', '师弟', '师妹', 'friend', 'buddy', 'classmate', 'roommate', 'bestie'],
  colleague: ['同事', '领导', '老板', '经理', '主管', '老师', '师傅', '总', 'colleague', 'boss', 'manager', 'coworker', 'supervisor'],
};

/** Words that look like a relationship word but are only forms of address: read, then ignored. */
const NEUTRAL_WORDS = ['帅哥', '美女', '小哥', '小姐', '姐妹们'];

/** Which remark relationships are consistent with the relationship the borrower chose. */
const COMPATIBLE: Readonly<Record<Relationship, readonly Relationship[]>> = {
  mother: ['mother'],
  father: ['father'],
  spouse: ['spouse'],
  child: ['child'],
  sibling: ['sibling'],
  // A parent or sibling saved under "relative" is not a contradiction.
  relative: ['relative', 'mother', 'father', 'spouse', 'child', 'sibling'],
  // Colleagues are often friends and the other way round.
  friend: ['friend', 'colleague'],
  colleague: ['colleague', 'friend'],
  other: [],
};
const CLOSE_FAMILY = new Set<Relationship>(['mother', 'father', 'spouse', 'child', 'sibling']);

const REMARK_WORDS: ReadonlyArray<{ word: string; relationship: Relationship | null; ascii: boolean }> = [
  ...Object.entries(relationshipRemarkTable).flatMap(([relationship, words]) =>
    words.map((word) => ({ word: word.toLowerCase(), relationship: relationship as Relationship, ascii: /^[a-z]+$/i.test(word) })),
  ),
  ...NEUTRAL_WORDS.map((word) => ({ word, relationship: null, ascii: false })),
].sort((a, b) => b.word.length - a.word.length);

/** REMARK_WORDS by their first character, longest first: a remark position is matched against the few words that can start there. */
const REMARK_WORDS_BY_FIRST = new Map<string, Array<(typeof REMARK_WORDS)[number]>>();
for (const entry of REMARK_WORDS) {
  const first = entry.word[0] as string;
  const bucket = REMARK_WORDS_BY_FIRST.get(first);
  if (bucket) bucket.push(entry);
  else REMARK_WORDS_BY_FIRST.set(first, [entry]);
}

/** The relationships an address-book remark names, by the table above (empty when none). */
export function relationshipsInRemark(remark: string): Relationship[] {
  const text = remark.toLowerCase();
  const found = new Set<Relationship>();
  let index = 0;
  while (index < text.length) {
    const match = REMARK_WORDS_BY_FIRST.get(text[index] as string)?.find(
      ({ word, ascii }) => text.startsWith(word, index) && (!ascii || (!isAsciiLetter(text[index - 1]) && !isAsciiLetter(text[index + word.length]))),
    );
    if (match === undefined) {
      index += 1;
      continue;
    }
    if (match.relationship !== null) found.add(match.relationship);
    index += match.word.length;
  }
  return [...found];
}

export interface EmergencyContactInput {
  name: string;
  phone: string;
  relationship: Relationship;
  /** The borrower's address-book entry for this phone, or null when the phone is not in it. */
  addressBookEntry: { name: string; remark: string; phone: string } | null;
  /** Calls with this phone in the carrier call list; null when no call list is available. */
  callCount: number | null;
}

export interface EmergencyContactsInput {
  borrowerPhone: string;
  contacts: readonly EmergencyContactInput[];
  /** Per contact phone: how many OTHER applicants also gave it. */
  sharedWith: Readonly<Record<string, number>>;
  /** Per phone: the overdue borrower it belongs to. */
  overdueBorrowerByPhone: Readonly<Record<string, { borrowerId: string }>>;
}

/**
 * Findings for every emergency contact: an invalid phone, the borrower's own phone, the same
 * phone given twice, not in the address book, relationship contradicting the remark (or, for
 * close family, not confirmed by it), never in the call list, shared with at least
 * sharedContactMinApplicants other applicants, and belonging to an overdue borrower.
 * Each finding's subject is the contact's normalized phone.
 */
export function evaluateEmergencyContacts(input: EmergencyContactsInput, options: { sharedContactMinApplicants: number }): Finding[] {
  const borrowerPhone = normalizeMobile(input.borrowerPhone);
  const sharedWith = normalizeKeys(input.sharedWith);
  const overdueByPhone = normalizeKeys(input.overdueBorrowerByPhone);
  const seen = new Map<string, number>();
  const findings: Finding[] = [];

  input.contacts.forEach((contact, contactIndex) => {
    const phone = normalizeMobile(contact.phone);
    const base = { contactIndex, contactName: contact.name, relationship: contact.relationship };

    if (!validateMobile(contact.phone).valid) {
      findings.push(makeFinding('contact_phone_invalid', { subject: phone, expected: '1[3-9] + 9 digits', actual: contact.phone, evidence: base }));
    }
    if (phone !== '' && phone === borrowerPhone) {
      findings.push(makeFinding('contact_is_borrower', { subject: phone, expected: null, actual: phone, evidence: { ...base, borrowerPhone } }));
    }
    const firstIndex = seen.get(phone);
    if (firstIndex !== undefined) {
      findings.push(makeFinding('contact_duplicate', { subject: phone, expected: null, actual: phone, evidence: { ...base, sameAsContactIndex: firstIndex } }));
    } else {
      seen.set(phone, contactIndex);
    }

    const entry = contact.addressBookEntry;
    if (entry === null) {
      findings.push(makeFinding('contact_not_in_address_book', { subject: phone, expected: 'in address book', actual: null, evidence: base }));
    } else {
      findings.push(...relationshipFindings(contact, entry, phone, base));
    }

    if (contact.callCount === 0) {
      findings.push(makeFinding('contact_never_called', { subject: phone, expected: '>= 1 call', actual: '0', evidence: { ...base, callCount: 0 } }));
    }

    const otherApplicants = sharedWith.get(phone) ?? 0;
    if (otherApplicants >= options.sharedContactMinApplicants) {
      findings.push(
        makeFinding('contact_shared_phone', {
          subject: phone,
          expected: `< ${options.sharedContactMinApplicants} other applicants`,
          actual: String(otherApplicants),
          evidence: { ...base, otherApplicants, threshold: options.sharedContactMinApplicants },
        }),
      );
    }

    const overdue = overdueByPhone.get(phone);
    if (overdue !== undefined) {
      findings.push(makeFinding('contact_overdue_borrower', { subject: phone, expected: null, actual: overdue.borrowerId, evidence: { ...base, overdueBorrowerId: overdue.borrowerId } }));
    }
  });
  return findings;
}

function relationshipFindings(
  contact: EmergencyContactInput,
  entry: { name: string; remark: string; phone: string },
  phone: string,
  base: Finding['evidence'],
): Finding[] {
  if (contact.relationship === 'other') return [];
  // The remark is what the borrower typed; some phones keep it in the name field instead, so
  // the name is read only when the remark is empty.
  const remarkText = entry.remark.trim() !== '' ? entry.remark : entry.name;
  const named = relationshipsInRemark(remarkText);
  const evidence = { ...base, addressBookName: entry.name, addressBookRemark: entry.remark, remarkRelationships: named.join(',') };
  if (named.length > 0 && !named.some((relationship) => COMPATIBLE[contact.relationship].includes(relationship))) {
    return [makeFinding('contact_relationship_mismatch', { subject: phone, expected: contact.relationship, actual: entry.remark || entry.name, evidence })];
  }
  if (named.length === 0 && CLOSE_FAMILY.has(contact.relationship)) {
    return [makeFinding('contact_relationship_unconfirmed', { subject: phone, expected: contact.relationship, actual: entry.remark || entry.name, evidence })];
  }
  return [];
}

function normalizeKeys<Value>(record: Readonly<Record<string, Value>>): Map<string, Value> {
  return new Map(Object.entries(record).map(([phone, value]) => [normalizeMobile(phone), value]));
}

function isAsciiLetter(character: string | undefined): boolean {
  return character !== undefined && /[a-z]/i.test(character);
}
