import { AppError } from '../../shared/rpc/errors';
import { commonPasswordText } from './common-passwords';

/**
 * Why a password is refused; the renderer shows each in the operator's language.
 * - common: on the shipped list of common passwords, or is one with digits/symbols around it;
 * - username: contains the username (or it reversed, or it without separators);
 * - app-name: contains the app's name;
 * - pattern: repeated or sequential characters, or one short piece repeated.
 */
export type PasswordProblem = 'common' | 'username' | 'app-name' | 'pattern';

const minimumRuns = 5;
let commonPasswords: ReadonlySet<string> | null = null;

function commonSet(): ReadonlySet<string> {
  commonPasswords ??= new Set(commonPasswordText.split(/\s+/).filter(Boolean));
  return commonPasswords;
}

function compact(text: string): string {
  return text.replace(/[^\p{L}\p{N}]/gu, '');
}

/** The password without leading and trailing digits, symbols and spaces ("Dragon2024!" -> "dragon"). */
function core(text: string): string {
  return text.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '');
}

/**
 * How many runs the password falls into when a run goes on while each character repeats the last
 * or steps from it by the same +1/-1 ("aaaa", "1234", "dcba" are one run each).
 */
function runCount(text: string): number {
  const codes = [...text].map((char) => char.codePointAt(0) ?? 0);
  let runs = codes.length > 0 ? 1 : 0;
  let step: number | null = null;
  for (let index = 1; index < codes.length; index++) {
    const difference = (codes[index] as number) - (codes[index - 1] as number);
    const continues = Math.abs(difference) <= 1 && (step === null || step === difference);
    if (continues) {
      step = difference;
    } else {
      runs += 1;
      step = null;
    }
  }
  return runs;
}

/** True when the text is one piece written two or more times ("abc123abc123"). */
function isRepeatedPiece(text: string): boolean {
  for (let size = 1; size <= text.length / 2; size++) {
    if (text.length % size === 0 && text.slice(0, size).repeat(text.length / size) === text) return true;
  }
  return false;
}

/** The first rule the password breaks, or null. Length limits are the contract's (passwordSchema). */
export function passwordProblem(password: string, username: string): PasswordProblem | null {
  const lower = password.normalize('NFKC').toLowerCase();
  const common = commonSet();
  const candidates = [lower, core(lower), compact(lower), core(compact(lower))];
  if (candidates.some((candidate) => candidate.length >= 4 && common.has(candidate))) return 'common';
  const name = username.trim().toLowerCase();
  if (name.length >= 3) {
    const reversed = [...name].reverse().join('');
    const plain = compact(name);
    if (lower.includes(name) || lower.includes(reversed) || (plain.length >= 3 && compact(lower).includes(plain))) return 'username';
  } else if (name.length > 0 && core(lower.split(name).join('')) === '') {
    // A two-letter username counts only when the password is that name with digits or symbols.
    return 'username';
  }
  if (compact(lower).includes('creditdesk')) return 'app-name';
  if (runCount(lower) < minimumRuns || new Set(lower).size < 4 || isRepeatedPiece(lower)) return 'pattern';
  return null;
}

const messages: Record<PasswordProblem, string> = {
  common: 'This password is too common; choose one that is hard to guess.',
  username: 'The password must not contain the username.',
  'app-name': 'The password must not contain the app’s name.',
  pattern: 'The password is made of repeated or sequential characters; choose one that is hard to guess.',
};

/** Throws VALIDATION with `details.reason` (a PasswordProblem) when the password breaks a rule. */
export function assertPasswordAllowed(password: string, username: string, field = 'newPassword'): void {
  const problem = passwordProblem(password, username);
  if (problem) throw new AppError('VALIDATION', messages[problem], { field, reason: problem });
}
