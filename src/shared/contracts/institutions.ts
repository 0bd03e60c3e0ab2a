import { z } from 'zod';
import { channel, requires } from '../rpc/define';
import { syncErrorCodeSchema } from './sync-common';

/** Short stable code of an institution, upper-cased (e.g. "HNXD"); used by the CLI and exports. */
export const institutionCodeSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{1,31}$/, 'Code: 2-32 letters, digits, _ or -')
  .transform((code) => code.toUpperCase());

export const institutionBaseUrlSchema = z
  .string()
  .trim()
  .url('Base URL must be a URL')
  .refine((url) => /^https?:\/\//i.test(url), 'Base URL must start with http:// or https://')
  .max(500);

export const institutionSecretSchema = z.string().min(8, 'The secret has at least 8 characters').max(512);
export const syncIntervalSchema = z.number().int().min(10, 'At least 10 seconds').max(86_400, 'At most one day');

/** incomplete: the last pass ran to its end, but a resource stopped on a cursor fault or its totals disagree with nothing to explain them. clock_skew: timestamps refused again after re-signing. */
export const institutionStates = ['idle', 'syncing', 'failed', 'credentials_rejected', 'clock_skew', 'circuit_open', 'disabled', 'incomplete'] as const;
export const institutionStateSchema = z.enum(institutionStates);
/** Where an institution's secret is kept: the OS keychain through Electron's safeStorage, or the data folder's key file (headless). */
export const secretSchemes = ['safe-storage', 'key-file'] as const;
export type InstitutionSyncState = z.infer<typeof institutionStateSchema>;

/** An institution as screens and the CLI see it: never the secret. */
export const institutionSummarySchema = z.object({
  id: z.number().int(),
  code: z.string(),
  name: z.string(),
  baseUrl: z.string(),
  appId: z.string(),
  syncIntervalSeconds: z.number().int(),
  enabled: z.boolean(),
  demo: z.boolean(),
  state: institutionStateSchema,
  /** Why the institution is in its state: the technical text (English, for support); rows stored before `stateReasonCode` existed have only this. */
  stateReason: z.string().nullable(),
  /** The same reason as a closed code, which screens word in the user's language. */
  stateReasonCode: syncErrorCodeSchema.nullable(),
  /** The HTTP status the institution answered with, when one arrived. */
  stateReasonStatus: z.number().int().nullable(),
  circuitOpenUntil: z.number().nullable(),
  lastAttemptAt: z.number().nullable(),
  lastSuccessAt: z.number().nullable(),
  /** Where the secret is kept; false when this process cannot decrypt it (re-enter it). */
  secretScheme: z.enum(secretSchemes),
  secretReadable: z.boolean(),
  /** From the last GET /v1/capabilities, when seen. */
  capabilities: z
    .object({
      resources: z.array(z.string()),
      repaymentPlans: z.boolean(),
      reviewDecisions: z.boolean(),
      graceDays: z.number().int(),
    })
    .nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type InstitutionSummary = z.infer<typeof institutionSummarySchema>;

const connectionCheckSchema = z.object({
  ok: z.boolean(),
  /** null when the check passed or was not reached because an earlier one failed. */
  message: z.string().nullable(),
  /** false when an earlier check failed, so this one could not run. */
  checked: z.boolean(),
});

export const connectionTestSchema = z.object({
  ok: z.boolean(),
  reachability: connectionCheckSchema,
  signature: connectionCheckSchema,
  capabilities: connectionCheckSchema,
  /** What the institution says about itself when the capabilities check passed. */
  institution: z.object({ code: z.string(), name: z.string(), resources: z.array(z.string()), repaymentPlans: z.boolean() }).nullable(),
});
export type ConnectionTest = z.infer<typeof connectionTestSchema>;

export const institutionCreateSchema = z.object({
  code: institutionCodeSchema,
  name: z.string().trim().min(1, 'Name is required').max(100),
  baseUrl: institutionBaseUrlSchema,
  appId: z.string().trim().min(1, 'App id is required').max(128),
  secret: institutionSecretSchema,
  syncIntervalSeconds: syncIntervalSchema.default(300),
  enabled: z.boolean().default(true),
});
export type InstitutionCreateInput = z.input<typeof institutionCreateSchema>;

export const institutionUpdateSchema = z.object({
  id: z.number().int(),
  name: z.string().trim().min(1).max(100).optional(),
  baseUrl: institutionBaseUrlSchema.optional(),
  appId: z.string().trim().min(1).max(128).optional(),
  /** A new secret replaces the stored one; absent keeps it. */
  secret: institutionSecretSchema.optional(),
  syncIntervalSeconds: syncIntervalSchema.optional(),
  enabled: z.boolean().optional(),
});
export type InstitutionUpdateInput = z.input<typeof institutionUpdateSchema>;

export const institutionsContract = {
  'institutions:list': channel({
    input: z.object({}),
    output: z.array(institutionSummarySchema),
    access: requires('sync:view'),
    doc: 'Every configured institution with its sync state (never its secret).',
  }),
  'institutions:create': channel({
    input: institutionCreateSchema,
    output: institutionSummarySchema,
    access: requires('institutions:manage'),
    doc: 'Configure an institution; the secret is stored encrypted and never shown again.',
  }),
  'institutions:update': channel({
    input: institutionUpdateSchema,
    output: institutionSummarySchema,
    access: requires('institutions:manage'),
    doc: 'Change an institution’s settings, replace its secret, or enable/disable it.',
  }),
  'institutions:test-connection': channel({
    input: z.object({
      /** A saved institution; the other fields override its stored values (e.g. an edited URL). */
      id: z.number().int().optional(),
      baseUrl: institutionBaseUrlSchema.optional(),
      appId: z.string().trim().min(1).max(128).optional(),
      secret: institutionSecretSchema.optional(),
    }),
    output: connectionTestSchema,
    access: requires('institutions:manage'),
    doc: 'Check reachability, the signature and the capabilities of an institution, and say which failed.',
  }),
  'institutions:start-demo': channel({
    input: z.object({}),
    output: z.array(institutionSummarySchema),
    access: requires('institutions:manage'),
    doc: 'Start the three embedded demo institutions in-process, configure them and start syncing.',
  }),
};
