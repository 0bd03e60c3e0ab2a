import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { normalizeFingerprint } from './trust';

/**
 * The desktop's choice of back end, in `desk-connection.json` in its user-data folder: this
 * computer (the local database) or a team server, with the CA file the admin named and the
 * certificate fingerprints the operator confirmed, per server origin.
 */
const deskSettingsSchema = z.object({
  mode: z.enum(['local', 'team']).nullable().default(null),
  serverUrl: z.string().url().nullable().default(null),
  caFile: z.string().nullable().default(null),
  pins: z.record(z.string(), z.string()).default({}),
});
export type DeskSettings = z.infer<typeof deskSettingsSchema>;

export const deskSettingsFileName = 'desk-connection.json';

export function readDeskSettings(dir: string): DeskSettings {
  try {
    return deskSettingsSchema.parse(JSON.parse(readFileSync(path.join(dir, deskSettingsFileName), 'utf8')));
  } catch {
    // Missing or unreadable: the first screen asks again.
    return deskSettingsSchema.parse({});
  }
}

export function writeDeskSettings(dir: string, settings: DeskSettings): void {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, deskSettingsFileName);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

/** Where pins are kept: one fingerprint per server origin (https://host:port). */
export interface PinStore {
  get(origin: string): string | null;
  set(origin: string, fingerprint: string): void;
}

export function filePinStore(dir: string): PinStore {
  return {
    get: (origin) => readDeskSettings(dir).pins[origin] ?? null,
    set(origin, fingerprint) {
      const settings = readDeskSettings(dir);
      writeDeskSettings(dir, { ...settings, pins: { ...settings.pins, [origin]: normalizeFingerprint(fingerprint) } });
    },
  };
}
