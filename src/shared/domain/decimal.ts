/**
 * Exact decimal rates. A rate such as '0.0005' is held as units / 10^scale in bigint so that
 * money computed from it (balance x rate, rounded to the fen) never suffers binary-float error
 * at a half-fen boundary.
 */

export interface ExactDecimal {
  /** value = units / 10^scale */
  units: bigint;
  scale: number;
}

const DECIMAL_PATTERN = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * Parses a decimal given as a string ('0.01', '1.5', '5e-4') or a finite number (read through
 * its shortest round-trip text, so 0.01 is exactly 1/100). Throws a RangeError otherwise.
 */
export function parseDecimal(value: string | number): ExactDecimal {
  if (typeof value === 'number' && !Number.isFinite(value)) throw new RangeError(`Not a finite number: ${value}`);
  const text = String(value).trim();
  const match = DECIMAL_PATTERN.exec(text);
  const whole = match?.[2] ?? '';
  const fraction = match?.[3] ?? '';
  if (match === null || whole + fraction === '') throw new RangeError(`Not a decimal number: "${text}"`);
  const exponent = Number(match[4] ?? '0');
  let units = BigInt(whole + fraction || '0');
  let scale = fraction.length - exponent;
  if (scale < 0) {
    units *= 10n ** BigInt(-scale);
    scale = 0;
  }
  if (match[1] === '-') units = -units;
  return { units, scale };
}

/** 10^scale as a bigint. */
export function powerOfTen(scale: number): bigint {
  return 10n ** BigInt(scale);
}

/** numerator / denominator rounded to an integer, halves away from zero. */
export function divideRoundHalfUp(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new RangeError('Division by zero');
  const negative = numerator < 0n !== denominator < 0n;
  const absoluteNumerator = numerator < 0n ? -numerator : numerator;
  const absoluteDenominator = denominator < 0n ? -denominator : denominator;
  const quotient = (2n * absoluteNumerator + absoluteDenominator) / (2n * absoluteDenominator);
  return negative ? -quotient : quotient;
}

/** The decimal as a JavaScript number (for display and for the float rate solvers). */
export function decimalToNumber(decimal: ExactDecimal): number {
  return Number(decimal.units) / 10 ** decimal.scale;
}
