/**
 * Masking for display (PIPL: personal data is masked by default; revealing is a separate,
 * recorded action). Each function keeps the length of fixed-length identifiers so a masked
 * value still looks like what it is, and reveals only what the rule below says, whatever the
 * input looks like (short, malformed or empty input reveals less, never more).
 */

const MASK = '*';

/**
 * ID number: first 6 (region) and last 4 of an 18-character number
 * ('11010519491231002X' -> '110105********002X'); first 6 and last 3 of a 15-digit number (its
 * birth date is hidden). Anything else: only the last quarter, at most 4 characters.
 */
export function maskIdNumber(idNumber: string): string {
  const value = idNumber.replace(/\s+/g, '').toUpperCase();
  if (value.length === 18) return keepEnds(value, 6, 4);
  if (value.length === 15) return keepEnds(value, 6, 3);
  return keepEnds(value, 0, Math.min(4, Math.floor(value.length / 4)));
}

/**
 * Mobile number: first 3 and last 4 of the 11 digits ('13812345678' -> '138****5678'); a +86 or
 * 0086 prefix is dropped. Anything else: only the last quarter, at most 4 characters.
 */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/[\s-]+/g, '').replace(/^(\+86|0086)/, '');
  if (/^\d{11}$/.test(digits)) return keepEnds(digits, 3, 4);
  return keepEnds(digits, 0, Math.min(4, Math.floor(digits.length / 4)));
}

/**
 * Person name: the first character and one '*' per remaining character ('张三' -> '张*',
 * '欧阳娜娜' -> '欧***'); the middle dot of transliterated names stays ('买买提·艾力' ->
 * '买**·**'); a one-character name becomes '*'.
 */
export function maskName(name: string): string {
  const characters = Array.from(name.trim());
  if (characters.length <= 1) return characters.length === 0 ? '' : MASK;
  return characters
    .map((character, index) => (index === 0 || isNameSeparator(character) ? character : MASK))
    .join('');
}

/**
 * Bank card: first 4 and last 4 digits, same length ('6222021234567890123' ->
 * '6222***********0123'). Fewer than 12 digits: only the last quarter, at most 4.
 */
export function maskBankCard(cardNumber: string): string {
  const digits = cardNumber.replace(/[\s-]+/g, '');
  if (digits.length >= 12) return keepEnds(digits, 4, 4);
  return keepEnds(digits, 0, Math.min(4, Math.floor(digits.length / 4)));
}

/**
 * Address: keeps the administrative part (through the first 区, 县 or 旗 within the first 12
 * characters, else through the last 市 there) and then a fixed '****', so the street, building
 * and room (and the address length) stay hidden. Without such a word it keeps at most the
 * first 6 characters and never more than half.
 */
export function maskAddress(address: string): string {
  const characters = Array.from(address.trim());
  if (characters.length === 0) return '';
  let keep = 0;
  for (let index = 1; index < Math.min(12, characters.length - 1); index += 1) {
    const character = characters[index];
    if (character === '区' || character === '县' || character === '旗') {
      keep = index + 1;
      break;
    }
    if (character === '市') keep = index + 1;
  }
  if (keep === 0) keep = Math.min(6, Math.floor(characters.length / 2));
  return `${characters.slice(0, keep).join('')}${MASK.repeat(4)}`;
}

function keepEnds(value: string, head: number, tail: number): string {
  const characters = Array.from(value);
  if (head + tail >= characters.length) return MASK.repeat(characters.length);
  const hidden = characters.length - head - tail;
  return characters.slice(0, head).join('') + MASK.repeat(hidden) + characters.slice(characters.length - tail).join('');
}

function isNameSeparator(character: string): boolean {
  return character === '·' || character === '•' || character === '・' || character === ' ';
}

/**
 * Free text a borrower typed about a person (an address-book remark or saved name): a fixed
 * '****', whatever its length. Such text is often a nickname made of part of the person's name
 * ('明哥', '朋友明'), so no character of it is shown beside the masked name it would complete.
 */
export function maskFreeText(text: string): string {
  return text.trim() === '' ? '' : MASK.repeat(4);
}

/**
 * A birth date: nothing of it ('****-**-**'). The 8 digits an ID number's mask hides are exactly
 * the birth date, so any part of it shown beside the masked number narrows the number down.
 */
export function maskBirthDate(date: string): string {
  return date.trim() === '' ? '' : '****-**-**';
}

/**
 * An age band shown instead of an age or a birth date: the ages this year of the five-year birth
 * cohort the person belongs to (born 1990-1994: '31-36' in 2026). A band of the person's own age
 * would move on their birthday, and whoever saw it move would know the birth date the ID
 * number's mask hides; a cohort's band moves on 1 January, for everyone at once.
 */
export function ageBand(birthYear: number, year: number): string {
  const cohortStart = Math.floor(birthYear / 5) * 5;
  const youngest = Math.max(0, year - (cohortStart + 4) - 1);
  const oldest = Math.max(0, year - cohortStart);
  return `${youngest}-${oldest}`;
}
