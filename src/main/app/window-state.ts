import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const windowStateSchema = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().min(800).max(10000),
  height: z.number().int().min(600).max(10000),
  maximized: z.boolean(),
});
export type WindowState = z.infer<typeof windowStateSchema>;

const defaults: WindowState = { width: 1440, height: 900, maximized: false };

/** Last window bounds, from <data>/window-state.json; anything unreadable falls back to defaults. */
export function loadWindowState(dataDir: string): WindowState {
  const file = path.join(dataDir, 'window-state.json');
  if (!existsSync(file)) return defaults;
  try {
    const parsed = windowStateSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : defaults;
  } catch {
    return defaults;
  }
}

export function saveWindowState(dataDir: string, state: WindowState): void {
  try {
    writeFileSync(path.join(dataDir, 'window-state.json'), JSON.stringify(state));
  } catch {
    // Losing the window position is not worth failing a shutdown for.
  }
}
