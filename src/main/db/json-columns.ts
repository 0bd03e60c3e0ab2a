/**
 * Codecs of the JSON text columns: how a value is written and read back, in one place per column.
 * A stored value is read through zod, and an unreadable one reads as empty instead of throwing.
 */
import { z } from 'zod';
import type { PlanInstallment } from '../../shared/domain/apr';
import type { OrderRecord } from '../../shared/institution-api/loans';

type QuotedRow = OrderRecord['quoted_plan'][number];
/** A quoted installment read back: every field present, the due date included. */
export type QuotedInstallment = Required<PlanInstallment>;

const quotedRowSchema = z.object({
  period: z.number().int(),
  due_date: z.string(),
  principal_fen: z.number().int(),
  interest_fen: z.number().int(),
  fee_fen: z.number().int(),
  total_fen: z.number().int(),
});
const quotedPlanSchema = z.array(quotedRowSchema);

/** orders.quoted_plan: the quoted plan as the institution sent it (its snake_case rows). */
export function encodeQuotedPlan(rows: OrderRecord['quoted_plan']): string {
  return JSON.stringify(rows);
}

/** orders.quoted_plan read back as the plan checks and the loan detail use it; [] when unreadable. */
export function decodeQuotedPlan(text: string): QuotedInstallment[] {
  try {
    const parsed = quotedPlanSchema.safeParse(JSON.parse(text));
    return parsed.success ? quotedInstallmentsOf(parsed.data) : [];
  } catch {
    return [];
  }
}

/** The quoted plan's wire rows in camelCase. */
export function quotedInstallmentsOf(rows: readonly QuotedRow[]): QuotedInstallment[] {
  return rows.map((row) => ({
    period: row.period,
    dueDate: row.due_date,
    principalFen: row.principal_fen,
    interestFen: row.interest_fen,
    feeFen: row.fee_fen,
    totalFen: row.total_fen,
  }));
}
