/**
 * Business settings behind the domain rules (DOMAIN.md: a business choice is a setting with a
 * default, not a constant). Edited in Settings, stored by the back end, passed to the pure
 * functions as options.
 */
import { z } from 'zod';
import { aprBasisSchema } from './apr';
import { defaultFaceBands, faceBandSchema } from './face';

const graceDaysSchema = z.number().int().min(0).max(3);

const domainSettingsFields = z.object({
  /** Fallback grace days for institutions without their own value. */
  graceDays: graceDaysSchema,
  /** Grace days per institution id (0-3). */
  graceDaysByInstitution: z.record(z.string().min(1).max(64), graceDaysSchema),
  /** APR above this (basis points) is a warning. */
  aprWarningBps: z.number().int().min(0),
  /** APR above this (basis points) is non-compliant. */
  aprNonCompliantBps: z.number().int().min(0),
  /** Basis used for the displayed APR of a loan. */
  aprBasis: aprBasisSchema,
  /** A contact phone given by at least this many OTHER applicants is flagged (K). */
  sharedContactMinApplicants: z.number().int().min(1),
  /** A credit line whose validity ends within this many days is flagged. */
  expiringWithinDays: z.number().int().min(0),
  /** An undrawn single-batch line ending within this many days is flagged. */
  singleBatchExpiringDays: z.number().int().min(0),
  /** An ID card whose validity ends within this many days is flagged. */
  ocrExpiringSoonDays: z.number().int().min(0),
  /** Penalty interest = multiplier x contract daily rate on overdue principal. */
  penaltyMultiplier: z.string().max(20).regex(/^\d+(\.\d+)?$/),
  penaltyDayBasis: z.union([z.literal(360), z.literal(365)]),
  faceBands: z.array(faceBandSchema).max(200),
  /**
   * A roll rate over fewer loans than this is shown greyed as too small to read: one loan moves
   * it by 1/n (at 30 loans, 3.3 points), so below that it tells more about single loans than
   * about the book (src/main/portfolio/README.md).
   */
  rollRateMinimumCohortLoans: z.number().int().min(1).max(100_000),
  /** Support must give a purpose (a ticket number) to reveal a borrower's personal data; recorded with the reveal. */
  revealNeedsPurpose: z.boolean(),
});

export const domainSettingsSchema = domainSettingsFields
  .refine((settings) => settings.aprWarningBps <= settings.aprNonCompliantBps, {
    message: 'The APR warning threshold must not exceed the non-compliant threshold',
    path: ['aprWarningBps'],
  })
  .refine((settings) => new Set(settings.faceBands.map((band) => `${band.vendor}/${band.modelVersion}`)).size === settings.faceBands.length, {
    message: 'Each vendor and model version may have one face band only',
    path: ['faceBands'],
  });
export type DomainSettings = z.infer<typeof domainSettingsSchema>;

/**
 * A change to the settings as an operator sends it: a subset of the known keys, each valid on
 * its own, and nothing else (an unknown key is refused, never stored verbatim).
 */
export const domainSettingsPatchSchema = domainSettingsFields.partial().strict();

export const defaultDomainSettings: DomainSettings = {
  graceDays: 0,
  graceDaysByInstitution: {},
  aprWarningBps: 2_400,
  aprNonCompliantBps: 3_600,
  aprBasis: 'monthly',
  sharedContactMinApplicants: 3,
  expiringWithinDays: 30,
  singleBatchExpiringDays: 3,
  ocrExpiringSoonDays: 30,
  penaltyMultiplier: '1.5',
  penaltyDayBasis: 360,
  faceBands: [...defaultFaceBands],
  rollRateMinimumCohortLoans: 30,
  revealNeedsPurpose: true,
};

/**
 * Reads stored settings: keys missing from `stored` take their default, then the whole is
 * validated (throws a ZodError on an invalid value).
 */
export function resolveDomainSettings(stored: unknown): DomainSettings {
  const partial = z.record(z.string(), z.unknown()).parse(stored ?? {});
  return domainSettingsSchema.parse({ ...defaultDomainSettings, ...partial });
}

/** The grace days of an institution, falling back to the default. */
export function graceDaysFor(settings: DomainSettings, institutionId: string): number {
  return settings.graceDaysByInstitution[institutionId] ?? settings.graceDays;
}
