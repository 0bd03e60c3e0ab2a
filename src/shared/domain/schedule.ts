/**
 * Repayment schedules in integer fen.
 *
 * Rounding rule (the same for every method):
 * - interest of a period = remaining principal x monthly rate, rounded half up to the fen,
 *   computed exactly (bigint), so 0.5 fen always rounds up;
 * - equal installment: the installment PMT = P·i·(1+i)^n / ((1+i)^n − 1) is rounded half up to
 *   the fen; principal of a period = PMT − interest;
 * - equal principal and flat: principal repaid by the end of period t is floor(P·t/n) fen, so
 *   each period carries P/n rounded down or up by at most one fen;
 * - the last period's principal is always the whole remaining balance, so it absorbs every
 *   rounding difference and the principal sums to P exactly;
 * - equal installment keeps the last installment equal to PMT as well (as bank calculators
 *   do): its interest is PMT − remaining balance, so the rounding drift lands in the last
 *   period's interest (10,000.00 at 1% for 12 months: 12 x 888.49, interest 661.88);
 * - but only while that drift is rounding noise: at most a fen per period between PMT and the
 *   balance plus its ordinary interest, and no period after the balance is paid off. PMT's
 *   half fen compounds at (1+i)^n: 100,000 fen over 188 periods at 3% ran the balance out one
 *   period early, and the last period charged 3,012 fen of interest on nothing; 5,000,000 fen
 *   over 360 periods left zero-fen rows. Such a loan is amortised again every period instead:
 *   each installment is the level payment of the balance left over the periods left, and the
 *   last one settles the remaining balance and its ordinary interest, nothing more.
 * Monthly due dates are firstDueDate + k months, clamped to the month's end (a loan due on the
 * 31st falls due on 28/29 February and returns to the 31st in March).
 */
import { z } from 'zod';
import { addMonthsClamped, isValidIsoDate, type IsoDate } from '../time';
import { divideRoundHalfUp, parseDecimal, powerOfTen } from './decimal';

export const repaymentMethods = ['equal_installment', 'equal_principal', 'interest_first', 'flat'] as const;
export const repaymentMethodSchema = z.enum(repaymentMethods);
export type RepaymentMethod = z.infer<typeof repaymentMethodSchema>;

export interface ScheduleInstallment {
  period: number;
  dueDate: IsoDate;
  principalFen: number;
  interestFen: number;
  feeFen: number;
  totalFen: number;
  /** Principal still owed after this installment is paid. */
  remainingPrincipalFen: number;
}

export interface ScheduleInput {
  principalFen: number;
  periods: number;
  /** Decimal monthly rate: 0.01 or '0.01' is 1% a month. For 'flat' it is the flat monthly rate on P. */
  monthlyRate: string | number;
  method: RepaymentMethod;
  firstDueDate: IsoDate;
  /** A fee charged in every period (service fee), added to the installment total. */
  feePerPeriodFen?: number;
}

const MAX_PERIODS = 600;

/**
 * Generates the schedule for a loan. Throws a RangeError on a non-positive or non-integer
 * principal, a period count outside 1-600, a negative rate, a negative fee or a bad date.
 */
export function generateSchedule(input: ScheduleInput): ScheduleInstallment[] {
  const { principalFen, periods, method, firstDueDate } = input;
  const feeFen = input.feePerPeriodFen ?? 0;
  if (!Number.isSafeInteger(principalFen) || principalFen <= 0) throw new RangeError('principalFen must be a positive integer');
  if (!Number.isInteger(periods) || periods < 1 || periods > MAX_PERIODS) throw new RangeError(`periods must be 1-${MAX_PERIODS}`);
  if (!Number.isSafeInteger(feeFen) || feeFen < 0) throw new RangeError('feePerPeriodFen must be a non-negative integer');
  if (!isValidIsoDate(firstDueDate)) throw new RangeError(`firstDueDate is not a calendar date: "${firstDueDate}"`);
  const rate = parseDecimal(input.monthlyRate);
  if (rate.units < 0n) throw new RangeError('monthlyRate must not be negative');

  const principal = BigInt(principalFen);
  const n = BigInt(periods);
  const rateDenominator = powerOfTen(rate.scale);
  const interestOn = (balance: bigint): bigint => divideRoundHalfUp(balance * rate.units, rateDenominator);
  const cumulativeShare = (t: number): bigint => (principal * BigInt(t)) / n;
  const level = method === 'equal_installment' && rate.units > 0n ? levelPayment(principal, n, rate.units, rateDenominator) : 0n;

  const build = (reamortize: boolean): ScheduleInstallment[] | null => {
    const installments: ScheduleInstallment[] = [];
    let balance = principal;
    // (D+a)^m and D^m for the m periods left, divided down one period at a time (exact).
    let grown = reamortize ? (rateDenominator + rate.units) ** n : 1n;
    let base = reamortize ? rateDenominator ** n : 1n;
    for (let period = 1; period <= periods; period += 1) {
      const last = period === periods;
      let interest: bigint;
      let principalPart: bigint;
      switch (method) {
        case 'equal_installment': {
          interest = interestOn(balance);
          const payment = reamortize ? divideRoundHalfUp(balance * rate.units * grown, rateDenominator * (grown - base)) : level;
          if (rate.units === 0n) principalPart = cumulativeShare(period) - cumulativeShare(period - 1);
          else principalPart = payment - interest;
          break;
        }
        case 'equal_principal':
          interest = interestOn(balance);
          principalPart = cumulativeShare(period) - cumulativeShare(period - 1);
          break;
        case 'interest_first':
          interest = interestOn(principal);
          principalPart = 0n;
          break;
        case 'flat':
          interest = interestOn(principal);
          principalPart = cumulativeShare(period) - cumulativeShare(period - 1);
          break;
        default:
          return assertNever(method);
      }
      if (last) {
        principalPart = balance;
        if (level > 0n && !reamortize) {
          // The level convention holds only within the rounding noise (see the header).
          const drift = level - (balance + interest);
          if ((drift < 0n ? -drift : drift) > n) return null;
          if (level >= balance) interest = level - balance;
        }
      } else if (principalPart >= balance) {
        // Re-amortised, a balance of a fen or two may round to a whole payment: keep one fen.
        if (level === 0n || !reamortize) return null;
        principalPart = balance - 1n;
      }
      if (principalPart < 0n) principalPart = 0n;
      balance -= principalPart;
      if (reamortize) {
        grown /= rateDenominator + rate.units;
        base /= rateDenominator;
      }
      const principalNumber = Number(principalPart);
      const interestNumber = Number(interest);
      installments.push({
        period,
        dueDate: addMonthsClamped(firstDueDate, period - 1),
        principalFen: principalNumber,
        interestFen: interestNumber,
        feeFen,
        totalFen: principalNumber + interestNumber + feeFen,
        remainingPrincipalFen: Number(balance),
      });
    }
    return installments;
  };
  const installments = build(false) ?? build(true);
  if (!installments) throw new Error('A re-amortised schedule always completes');
  return installments;
}

/** Sum of one field over a schedule (for totals rows). */
export function scheduleTotals(installments: readonly ScheduleInstallment[]): {
  principalFen: number;
  interestFen: number;
  feeFen: number;
  totalFen: number;
} {
  return installments.reduce(
    (sum, row) => ({
      principalFen: sum.principalFen + row.principalFen,
      interestFen: sum.interestFen + row.interestFen,
      feeFen: sum.feeFen + row.feeFen,
      totalFen: sum.totalFen + row.totalFen,
    }),
    { principalFen: 0, interestFen: 0, feeFen: 0, totalFen: 0 },
  );
}

// PMT = P·a·(D+a)^n / (D·((D+a)^n − D^n)) for i = a/D, exact in bigint, rounded half up (the
// re-amortised schedule computes the same for the balance and periods left).
function levelPayment(principal: bigint, n: bigint, rateUnits: bigint, rateDenominator: bigint): bigint {
  const grown = (rateDenominator + rateUnits) ** n;
  const base = rateDenominator ** n;
  return divideRoundHalfUp(principal * rateUnits * grown, rateDenominator * (grown - base));
}

function assertNever(value: never): never {
  throw new Error(`Unhandled repayment method: ${String(value)}`);
}
