/**
 * The platform's borrower population, derived person by person from the seed. Institutions draw
 * their applicants from it, so one person (same platform user id, same ID number) can appear at
 * several institutions, as on the real platform.
 */
import { composeResidentId } from '../../shared/domain/idcard';
import { LONG_TERM } from '../../shared/domain/ocr';
import type { ContactRelationship } from '../../shared/institution-api';
import { addDays, type IsoDate, isoDateParts, shanghaiDate } from '../../shared/time';
import {
  consistentRemarks,
  contradictingRemarks,
  employerWords,
  ethnicities,
  femaleGivenCharacters,
  industries,
  maleGivenCharacters,
  neighbourhoodWords,
  occupations,
  outsidePrefixes,
  populationPrefixes,
  type Region,
  regions,
  streetNames,
  surnames,
} from './catalog';
import { Rng, unitHash } from './rng';

/** What every generated value is derived from: same world, same data. */
export interface World {
  seed: string;
  /** Population size (--borrowers). */
  size: number;
  /** The instant the data is anchored to ("now" when the simulator started). */
  anchorMs: number;
}

export type RiskProfile = 'good' | 'late' | 'defaulter' | 'fraud';

/** The contact patterns risk teams flag (DOMAIN.md, "Emergency contacts"). */
export type ContactFlag =
  | 'not_in_address_book'
  | 'relationship_mismatch'
  | 'never_called'
  | 'shared_phone'
  | 'overdue_borrower_phone'
  | 'own_phone'
  | 'invalid_phone';

export const contactFlags: readonly ContactFlag[] = [
  'not_in_address_book',
  'relationship_mismatch',
  'never_called',
  'shared_phone',
  'overdue_borrower_phone',
  'own_phone',
  'invalid_phone',
];

export interface PersonContact {
  name: string;
  phone: string;
  relationship: ContactRelationship;
  entry: { displayName: string; remark: string | null } | null;
  callCount: number;
  /** Days before the anchor of the last call; null when never called. */
  lastCallDaysAgo: number | null;
  flag: ContactFlag | null;
}

export interface Person {
  index: number;
  platformUserId: string;
  name: string;
  sex: 'male' | 'female';
  birthDate: IsoDate;
  ethnicity: string;
  region: Region;
  address: string;
  /** The number on the card (always valid). */
  idNumber: string;
  /** The number the borrower typed: equal to idNumber except for a few typos. */
  submittedIdNumber: string;
  phone: string;
  carrier: 'china_mobile' | 'china_unicom' | 'china_telecom' | 'china_broadnet';
  carrierAccountMonths: number;
  risk: RiskProfile;
  education: 'junior_high_or_below' | 'high_school' | 'vocational' | 'associate' | 'bachelor' | 'master_or_above';
  maritalStatus: 'single' | 'married' | 'divorced' | 'widowed';
  employer: string | null;
  occupation: string | null;
  monthlyIncomeFen: number;
  residenceAddress: string;
  addressBookSize: number;
  callListDistinctNumbers: number;
  contacts: PersonContact[];
  idCard: { validFrom: IsoDate; validTo: IsoDate | typeof LONG_TERM; authority: string };
}

/** The platform user id of person `index` (stable, unique, not sequential-looking). */
export function platformUserIdOf(index: number): string {
  return `U${String(100_000_000 + ((index * 48_271) % 900_000_000)).padStart(9, '0')}`;
}

/** Person `index`'s own mobile number: unique across the population. */
function phoneOf(world: World, index: number): string {
  const prefix = populationPrefixes[Math.floor(unitHash(world.seed, 'phone-prefix', index) * populationPrefixes.length)] ?? '138';
  const offset = Math.floor(unitHash(world.seed, 'phone-offset') * 100_000_000);
  const suffix = (index * 4_999_963 + offset) % 100_000_000;
  return `${prefix}${String(suffix).padStart(8, '0')}`;
}

/** Risk profile of a person, cheap enough to look up for anyone (contacts of overdue borrowers). */
function riskOf(world: World, index: number): RiskProfile {
  const u = unitHash(world.seed, 'risk', index);
  if (u < 0.7) return 'good';
  if (u < 0.82) return 'late';
  if (u < 0.96) return 'defaulter';
  return 'fraud';
}

const sharedPhoneCache = new Map<string, string[]>();

/** Phones used as an emergency contact by many applicants (a fraud-ring pattern). */
function sharedContactPhones(world: World): string[] {
  const key = `${world.seed}|${world.size}`;
  const cached = sharedPhoneCache.get(key);
  if (cached !== undefined) return cached;
  const count = Math.max(3, Math.floor(world.size / 150));
  const phones = Array.from({ length: count }, (_, k) => outsidePhone(world, 'shared', k));
  if (sharedPhoneCache.size > 16) sharedPhoneCache.clear();
  sharedPhoneCache.set(key, phones);
  return phones;
}

/** Builds person `index` from the seed. */
export function personAt(world: World, index: number): Person {
  const rng = Rng.for(world.seed, 'person', index);
  const sex = rng.chance(0.54) ? 'male' : 'female';
  const surname = rng.weighted(surnames);
  const name = surname + givenName(rng, sex);
  const anchorDate = shanghaiDate(world.anchorMs);
  const age = Math.round(Math.min(58, Math.max(20, rng.normal(32, 8))));
  const birthDate = addDays(anchorDate, -(age * 365 + Math.floor(age / 4) + rng.int(0, 364)));
  const region = rng.pick(regions);
  const sequence = rng.int(0, 499) * 2 + (sex === 'male' ? 1 : 0);
  const idNumber = composeResidentId(region.code, birthDate, sequence);
  const submittedIdNumber = rng.chance(0.008) ? typoIdNumber(idNumber, rng) : idNumber;
  const risk = riskOf(world, index);
  const phone = phoneOf(world, index);
  const maritalStatus = age < 25 ? (rng.chance(0.85) ? 'single' : 'married') : rng.weighted<Person['maritalStatus']>([['single', 25], ['married', 65], ['divorced', 8], ['widowed', 2]]);
  const education = rng.weighted<Person['education']>([
    ['junior_high_or_below', 14], ['high_school', 20], ['vocational', 16], ['associate', 24], ['bachelor', 22], ['master_or_above', 4],
  ]);
  const city = region.city === '' ? region.province : region.city;
  const employed = rng.chance(0.88);
  const address = `${region.province}${region.city}${region.district}${rng.pick(streetNames)}${rng.int(1, 999)}号${rng.pick(employerWords)}${rng.pick(neighbourhoodWords)}${rng.int(1, 30)}栋${rng.int(1, 32)}0${rng.int(1, 8)}室`;
  const person: Person = {
    index,
    platformUserId: platformUserIdOf(index),
    name,
    sex,
    birthDate,
    ethnicity: rng.weighted(ethnicities),
    region,
    address,
    idNumber,
    submittedIdNumber,
    phone,
    carrier: rng.weighted<Person['carrier']>([['china_mobile', 55], ['china_unicom', 25], ['china_telecom', 19], ['china_broadnet', 1]]),
    carrierAccountMonths: risk === 'fraud' ? rng.int(1, 6) : rng.int(8, 180),
    risk,
    education,
    maritalStatus,
    employer: employed ? `${city.replace(/市$/, '')}${rng.pick(employerWords)}${rng.pick(industries)}有限公司` : null,
    occupation: employed ? rng.pick(occupations) : null,
    monthlyIncomeFen: rng.int(25, 300) * 10_000,
    residenceAddress: rng.chance(0.7) ? address : `${region.province}${region.city}${region.district}${rng.pick(streetNames)}${rng.int(1, 500)}号`,
    addressBookSize: risk === 'fraud' ? rng.int(3, 40) : Math.round(Math.exp(rng.between(Math.log(60), Math.log(900)))),
    callListDistinctNumbers: risk === 'fraud' ? rng.int(2, 25) : rng.int(40, 400),
    contacts: [],
    idCard: idCardValidity(rng, birthDate, anchorDate, region),
  };
  person.contacts = emergencyContacts(world, person, rng);
  return person;
}

function givenName(rng: Rng, sex: 'male' | 'female'): string {
  const pool = sex === 'male' ? maleGivenCharacters : femaleGivenCharacters;
  return rng.chance(0.72) ? rng.pick(pool) + rng.pick(pool) : rng.pick(pool);
}

// A typed ID number with one plausible mistake: a wrong check character or a swapped pair of
// birth-date digits that makes an impossible date.
function typoIdNumber(idNumber: string, rng: Rng): string {
  if (rng.chance(0.6)) {
    const check = idNumber[17] ?? '0';
    const replacement = check === '9' ? '8' : check === 'X' ? '1' : String((Number(check) + 1) % 10);
    return idNumber.slice(0, 17) + replacement;
  }
  // Month 13 (or 19) is never a date: keep the rest, break the month.
  return `${idNumber.slice(0, 10)}1${rng.pick(['3', '9'])}${idNumber.slice(12)}`;
}

function idCardValidity(rng: Rng, birthDate: IsoDate, anchorDate: IsoDate, region: Region): Person['idCard'] {
  const birthYear = isoDateParts(birthDate).year;
  const anchorYear = isoDateParts(anchorDate).year;
  const age = anchorYear - birthYear;
  const authority =
    region.city === ''
      ? `${region.province}公安局${region.district.replace(/(新)?区$/, '$1')}分局`
      : region.district === ''
        ? `${region.city}公安局`
        : `${region.city}公安局${region.district.replace(/区$/, '')}分局`;
  // Cards were issued before the oldest generated application (540 days back), so none is "not yet valid".
  if (age >= 52 && rng.chance(0.8)) {
    return { validFrom: addDays(anchorDate, -rng.int(600, 3000)), validTo: LONG_TERM, authority };
  }
  const years = age < 30 ? 10 : 20;
  // A few cards have expired by now (some before their holder applied).
  const daysAgo = rng.chance(0.03) ? years * 365 + rng.int(20, 700) : rng.int(600, years * 365 - 60);
  const validFrom = addDays(anchorDate, -daysAgo);
  const from = isoDateParts(validFrom);
  const validTo = `${String(from.year + years).padStart(4, '0')}-${String(from.month).padStart(2, '0')}-${String(Math.min(from.day, 28)).padStart(2, '0')}`;
  return { validFrom, validTo, authority };
}

function outsidePhone(world: World, ...key: Array<string | number>): string {
  const rng = Rng.for(world.seed, 'outside-phone', ...key);
  return `${rng.pick(outsidePrefixes)}${String(rng.int(0, 99_999_999)).padStart(8, '0')}`;
}

function pickFlag(rng: Rng, risk: RiskProfile): ContactFlag | null {
  const scale = risk === 'fraud' ? 5 : risk === 'defaulter' ? 1.8 : 1;
  return rng.weighted<ContactFlag | null>([
    ['not_in_address_book', 0.05 * scale],
    ['relationship_mismatch', 0.045 * scale],
    ['never_called', 0.05 * scale],
    ['shared_phone', 0.025 * scale],
    ['overdue_borrower_phone', 0.025 * scale],
    ['own_phone', 0.01 * scale],
    ['invalid_phone', 0.012 * scale],
    [null, 1],
  ]);
}

function emergencyContacts(world: World, person: Person, rng: Rng): PersonContact[] {
  const relationships: ContactRelationship[] = [];
  if (person.maritalStatus === 'married') relationships.push(rng.chance(0.6) ? 'spouse' : rng.pick(['mother', 'father'] as const));
  else relationships.push(rng.weighted<ContactRelationship>([['mother', 45], ['father', 35], ['sibling', 15], ['relative', 5]]));
  relationships.push(rng.weighted<ContactRelationship>([['friend', 55], ['colleague', 30], ['sibling', 10], ['relative', 5]]));
  if (rng.chance(0.25)) relationships.push(rng.weighted<ContactRelationship>([['friend', 50], ['colleague', 30], ['child', 10], ['relative', 10]]));
  const familySurname = person.name.length > 2 && surnames.some(([surname]) => surname.length === 2 && person.name.startsWith(surname)) ? person.name.slice(0, 2) : person.name.slice(0, 1);
  return relationships.map((relationship, position) => {
    const contactSex = relationship === 'mother' ? 'female' : relationship === 'father' ? 'male' : relationship === 'spouse' ? (person.sex === 'male' ? 'female' : 'male') : rng.chance(0.5) ? 'male' : 'female';
    const sameSurname = relationship === 'father' || relationship === 'child' || (relationship === 'sibling' && rng.chance(0.9));
    const name = (sameSurname ? familySurname : rng.weighted(surnames)) + givenName(rng, contactSex);
    const family = relationship !== 'friend' && relationship !== 'colleague';
    const flag = pickFlag(rng, person.risk);
    let phone = outsidePhone(world, 'contact', person.index, position);
    if (flag === 'shared_phone') {
      const pool = sharedContactPhones(world);
      phone = pool[Math.floor(unitHash(world.seed, 'shared-pick', person.index, position) * pool.length)] ?? phone;
    } else if (flag === 'overdue_borrower_phone') {
      phone = phoneOf(world, defaulterNear(world, person.index, position));
    } else if (flag === 'own_phone') {
      phone = person.phone;
    } else if (flag === 'invalid_phone') {
      phone = rng.pick([`12${String(rng.int(0, 999_999_999)).padStart(9, '0')}`, String(rng.int(1_000_000_000, 1_999_999_999)), `0${rng.int(10, 99)}-${rng.int(1_000_000, 8_999_999)}`]);
    }
    const remarkPool = relationship === 'other' ? ['朋友'] : consistentRemarks[relationship];
    let entry: PersonContact['entry'];
    if (flag === 'not_in_address_book') entry = null;
    else if (flag === 'relationship_mismatch') {
      const contradiction = family ? rng.pick(contradictingRemarks) : rng.pick(['妈', '老婆', '爸', '老公']);
      entry = rng.chance(0.5) ? { displayName: contradiction, remark: null } : { displayName: name, remark: contradiction };
    } else {
      const style = rng.next();
      const word = rng.pick(remarkPool);
      const remark = relationship === 'colleague' ? `${name.slice(0, 1)}${word}` : relationship === 'friend' ? `${word}${name.slice(-1)}` : word;
      entry = style < 0.45 ? { displayName: remark, remark: null } : style < 0.8 ? { displayName: name, remark } : { displayName: name, remark: null };
    }
    const neverCalled = flag === 'never_called' || flag === 'invalid_phone';
    const callCount = neverCalled ? 0 : family ? rng.int(20, 400) : rng.int(2, 150);
    return {
      name,
      phone,
      relationship,
      entry,
      callCount,
      lastCallDaysAgo: neverCalled ? null : rng.int(0, family ? 20 : 90),
      flag,
    };
  });
}

// A person with the defaulter profile near `index` (not the person itself); falls back to any other person.
function defaulterNear(world: World, index: number, position: number): number {
  const start = Math.floor(unitHash(world.seed, 'defaulter-contact', index, position) * world.size);
  for (let step = 0; step < 200; step += 1) {
    const candidate = (start + step * 7919) % world.size;
    if (candidate !== index && riskOf(world, candidate) === 'defaulter') return candidate;
  }
  return (index + 1) % world.size;
}
