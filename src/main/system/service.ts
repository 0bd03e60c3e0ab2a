import { createReadStream, existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { logEntrySchema, type LogEntry } from '../../shared/contracts/system';
import { AppError } from '../../shared/rpc/errors';
import { listLogFiles } from '../logging/logger';

export interface SystemServiceDeps {
  version: string;
  shell: 'desktop' | 'headless';
  dataDir: string;
  logDir: string;
  schemaVersion: number;
  startedAt: number;
}

export type SystemService = ReturnType<typeof createSystemService>;

export function createSystemService(deps: SystemServiceDeps) {
  return {
    info() {
      return {
        version: deps.version,
        shell: deps.shell,
        dataDir: deps.dataDir,
        databaseSchemaVersion: deps.schemaVersion,
        startedAt: deps.startedAt,
      };
    },
    logFiles() {
      return listLogFiles(deps.logDir).map(({ date, sizeBytes }) => ({ date, sizeBytes }));
    },
    /** Streams the file and keeps only the newest `limit` matching lines: bounded memory on big logs. */
    async readLog(input: { date: string; level?: LogEntry['level']; limit: number }) {
      const file = path.join(deps.logDir, `creditdesk-${input.date}.log`);
      if (!existsSync(file)) throw new AppError('NOT_FOUND', `No log for ${input.date}.`);
      const kept: LogEntry[] = [];
      let matched = 0;
      const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
      for await (const line of lines) {
        if (!line.trim()) continue;
        let entry: LogEntry;
        try {
          const parsed = logEntrySchema.safeParse(JSON.parse(line));
          if (!parsed.success) continue;
          entry = parsed.data;
        } catch {
          continue;
        }
        if (input.level && entry.level !== input.level) continue;
        matched++;
        kept.push(entry);
        if (kept.length > input.limit) kept.shift();
      }
      return { entries: kept.reverse(), truncated: matched > kept.length };
    },
  };
}
