import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * better-sqlite3 is a native addon and must match the ABI of the runtime that loads it. The
 * tests use the Node build in node_modules; the desktop needs an Electron build. Packaged apps
 * get one from electron-builder's rebuild (node_modules inside the package), so nothing is
 * needed there; from a checkout, `npm start` first runs scripts/electron-native.mjs, which builds
 * the addon for Electron into .cache/electron-native/ without touching the Node build.
 */
export function electronNativeBinding(appPath: string, isPackaged: boolean): string | undefined {
  if (isPackaged) return undefined;
  const candidate = path.join(appPath, '.cache', 'electron-native', process.versions.electron ?? 'unknown', 'better_sqlite3.node');
  return existsSync(candidate) ? candidate : undefined;
}
