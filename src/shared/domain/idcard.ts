/**
 * Resident ID numbers (GB 11643-1999): 6-digit region (GB/T 2260), 8-digit birth date,
 * 3-digit sequence (odd = male), MOD 11-2 check character.
 */
import { z } from 'zod';
import { isValidIsoDate, isoDateParts, shanghaiDate, type IsoDate } from '../time';
import { isRegionCodeIssued, provinceOf } from './regions';

const CHECK_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARACTERS = '10X98765432';
// Earliest birth year accepted: a date before it is a typo, not a person.
const EARLIEST_BIRTH_YEAR = 1800;

/**
 * Why a number is not a valid resident ID number. `format`: not 18 characters of 17 digits
 * plus a digit or X (or 15 digits); `date`: birth date not a real calendar day or before 1800;
 * `future_birth_date`: after today in Asia/Shanghai; `region`: unknown province, or a prefecture
 * block GB/T 2260 did not issue in that province at any time from the holder's birth to today
 * (regions.ts); `check`: MOD 11-2 check character wrong.
 */
export const residentIdErrorSchema = z.enum(['empty', 'format', 'date', 'future_birth_date', 'region', 'check']);
export type ResidentIdError = z.infer<typeof residentIdErrorSchema>;

export type Sex = 'male' | 'female';

export interface ResidentIdResult {
  valid: boolean;
  /** Upper-case, spaces removed, 15-digit numbers upgraded to 18; '' when the input is empty. */
  normalized: string;
  /** Empty exactly when valid. */
  errors: ResidentIdError[];
  /** True when the input was an old 15-digit number that `normalized` upgrades. */
  upgradedFrom15: boolean;
  /** Present whenever the birth date digits form a real date (even if another check failed). */
  birthDate?: IsoDate;
  /** Present whenever the format is right. */
  sex?: Sex;
  /** Completed years at `now` (Asia/Shanghai), present with birthDate when not in the future. */
  age?: number;
  regionCode?: string;
  provinceName?: string;
  /** From options.regionName, when the caller supplied a fuller GB/T 2260 table. */
  regionName?: string;
}

export interface ResidentIdOptions {
  /** The instant that "today" and age are measured at; defaults to Date.now(). */
  now?: number;
  /** Optional county-level lookup (e.g. a historical GB/T 2260 table); never makes a number invalid. */
  regionName?: (regionCode: string) => string | undefined;
}

/**
 * Validates a resident ID number (18 characters, or 15 digits which are upgraded first) and
 * derives birth date, sex, age and region. Every failed check is listed in `errors`.
 */
export function validateResidentId(input: string, options: ResidentIdOptions = {}): ResidentIdResult {
  const cleaned = input.replace(/\s+/g, '').toUpperCase();
  if (cleaned === '') return { valid: false, normalized: '', errors: ['empty'], upgradedFrom15: false };
  let normalized = cleaned;
  let upgradedFrom15 = false;
  if (/^\d{15}$/.test(cleaned)) {
    normalized = upgradeResidentId15(cleaned);
    upgradedFrom15 = true;
  }
  if (!/^\d{17}[\dX]$/.test(normalized)) {
    return { valid: false, normalized, errors: ['format'], upgradedFrom15 };
  }

  const errors: ResidentIdError[] = [];
  const result: ResidentIdResult = { valid: false, normalized, errors, upgradedFrom15 };
  const regionCode = normalized.slice(0, 6);
  result.regionCode = regionCode;
  const provinceName = provinceOf(regionCode);
  if (provinceName !== undefined) result.provinceName = provinceName;
  const regionName = options.regionName?.(regionCode);
  if (regionName !== undefined) result.regionName = regionName;

  const today = shanghaiDate(options.now ?? Date.now());
  const birthText = `${normalized.slice(6, 10)}-${normalized.slice(10, 12)}-${normalized.slice(12, 14)}`;
  const birthOk = isValidIsoDate(birthText) && Number(birthText.slice(0, 4)) >= EARLIEST_BIRTH_YEAR;
  // A number is issued to its holder from birth on; without a real birth date any year counts.
  if (provinceName === undefined || !isRegionCodeIssued(regionCode, birthOk ? Number(birthText.slice(0, 4)) : 0, Number(today.slice(0, 4)))) {
    errors.push('region');
  }
  if (birthOk) {
    result.birthDate = birthText;
    if (birthText > today) errors.push('future_birth_date');
    else result.age = ageOn(birthText, today);
  } else {
    errors.push('date');
  }

  result.sex = Number(normalized[16]) % 2 === 1 ? 'male' : 'female';
  if (residentIdCheckChar(normalized.slice(0, 17)) !== normalized[17]) errors.push('check');
  result.valid = errors.length === 0;
  return result;
}

/** The MOD 11-2 check character ('0'-'9' or 'X') for the first 17 digits. */
export function residentIdCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError('A resident ID check needs exactly 17 digits');
  let sum = 0;
  for (let index = 0; index < 17; index += 1) {
    sum += Number(first17[index]) * (CHECK_WEIGHTS[index] ?? 0);
  }
  return CHECK_CHARACTERS[sum % 11] ?? '';
}

/**
 * Upgrades an old 15-digit number (region, YYMMDD, sequence) to 18 characters: the century
 * '19' is inserted (15-digit numbers were issued 1984-1999 and only to people born in the
 * 1900s in practice) and the check character appended.
 */
export function upgradeResidentId15(id15: string): string {
  if (!/^\d{15}$/.test(id15)) throw new RangeError('A 15-digit resident ID number has exactly 15 digits');
  const first17 = `${id15.slice(0, 6)}19${id15.slice(6)}`;
  return first17 + residentIdCheckChar(first17);
}

/**
 * Builds a valid 18-character number from its parts (for simulators and fixtures).
 * `sequence` is 0-999; its parity sets the sex.
 */
export function composeResidentId(regionCode: string, birthDate: IsoDate, sequence: number): string {
  if (!/^\d{6}$/.test(regionCode)) throw new RangeError('Region code must be 6 digits');
  if (!Number.isInteger(sequence) || sequence < 0 || sequence > 999) throw new RangeError('Sequence must be 0-999');
  const { year, month, day } = isoDateParts(birthDate);
  const first17 = `${regionCode}${String(year).padStart(4, '0')}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}${String(sequence).padStart(3, '0')}`;
  return first17 + residentIdCheckChar(first17);
}

/**
 * Completed years from `birthDate` to `on`. Someone born on 29 February completes a year on
 * 1 March in common years (the anniversary has not been reached on 28 February).
 */
export function ageOn(birthDate: IsoDate, on: IsoDate): number {
  const birth = isoDateParts(birthDate);
  const day = isoDateParts(on);
  let age = day.year - birth.year;
  if (day.month < birth.month || (day.month === birth.month && day.day < birth.day)) age -= 1;
  return age;
}

