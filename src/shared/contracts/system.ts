import { z } from 'zod';
import { channel, requires, signedIn } from '../rpc/define';
import { calendarDateSchema } from './calendar-date';

export const logEntrySchema = z.object({
  time: z.number(),
  level: z.enum(['debug', 'info', 'warn', 'error']),
  scope: z.string(),
  message: z.string(),
  data: z.record(z.string(), z.unknown()).optional(),
});
export type LogEntry = z.infer<typeof logEntrySchema>;

export const systemContract = {
  'system:info': channel({
    input: z.object({}),
    output: z.object({
      version: z.string(),
      shell: z.enum(['desktop', 'headless']),
      dataDir: z.string(),
      databaseSchemaVersion: z.number().int(),
      startedAt: z.number(),
    }),
    access: signedIn,
    doc: 'Version and runtime facts shown in Settings > About.',
  }),
  'system:log-files': channel({
    input: z.object({}),
    output: z.array(z.object({ date: z.string(), sizeBytes: z.number() })),
    access: requires('system:logs'),
    doc: 'The daily log files kept in the data folder.',
  }),
  'system:log-read': channel({
    input: z.object({
      date: calendarDateSchema,
      level: z.enum(['debug', 'info', 'warn', 'error']).optional(),
      limit: z.number().int().min(1).max(2000).default(500),
    }),
    output: z.object({ entries: z.array(logEntrySchema), truncated: z.boolean() }),
    access: requires('system:logs'),
    doc: 'The newest entries of one day’s log, for support.',
  }),
};
