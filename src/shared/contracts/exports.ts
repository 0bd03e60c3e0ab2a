import { z } from 'zod';
import { channel, signedIn } from '../rpc/define';

export const exportFormats = ['csv', 'xlsx', 'pdf'] as const;
export const exportFormatSchema = z.enum(exportFormats);
export type ExportFormat = z.infer<typeof exportFormatSchema>;

export const exportStatuses = ['running', 'completed', 'failed', 'cancelled'] as const;
export const exportStatusSchema = z.enum(exportStatuses);
export type ExportStatus = z.infer<typeof exportStatusSchema>;

/** One export job as the operator who started it sees it. */
export const exportSummarySchema = z.object({
  id: z.number().int(),
  /** A report id or 'audit'. */
  kind: z.string(),
  format: exportFormatSchema,
  status: exportStatusSchema,
  rowCount: z.number().int(),
  /** Known up front for the progress bar; null when it was not cheap to count. */
  totalRows: z.number().int().nullable(),
  byteSize: z.number().int().nullable(),
  fileName: z.string(),
  masked: z.boolean(),
  startedAt: z.number(),
  finishedAt: z.number().nullable(),
  error: z.string().nullable(),
  /** The file can still be downloaded or saved. */
  available: z.boolean(),
});
export type ExportSummary = z.infer<typeof exportSummarySchema>;

/** What every export request carries besides its own filters. */
export const exportRequestFields = {
  format: exportFormatSchema,
  /** Ask for personal data in clear; refused without the 'pii:export-clear' permission. */
  clear: z.boolean().default(false),
};

/**
 * How a finished file reaches the operator: a browser downloads it from the headless server;
 * the desktop shows a save dialog in the main process (the renderer's API module hides which).
 */
export const exportDeliverySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('download'), url: z.string(), fileName: z.string() }),
  z.object({ kind: z.literal('saved'), path: z.string() }),
  z.object({ kind: z.literal('dismissed') }),
]);
export type ExportDelivery = z.infer<typeof exportDeliverySchema>;

const exportIdInput = z.object({ id: z.number().int().positive() });

export const exportsContract = {
  'exports:list': channel({
    input: z.object({ limit: z.number().int().min(1).max(100).default(20) }),
    output: z.array(exportSummarySchema),
    access: signedIn,
    doc: 'The signed-in operator’s recent exports, newest first.',
  }),
  'exports:get': channel({
    input: exportIdInput,
    output: exportSummarySchema,
    access: signedIn,
    doc: 'One of the operator’s exports (progress while it runs).',
  }),
  'exports:cancel': channel({
    input: exportIdInput,
    output: exportSummarySchema,
    access: signedIn,
    doc: 'Stop a running export; its partial file is deleted.',
  }),
  'exports:deliver': channel({
    input: exportIdInput,
    output: exportDeliverySchema,
    access: signedIn,
    doc: 'Hand a finished export to the operator: a download URL (browser) or a save dialog (desktop).',
  }),
};
