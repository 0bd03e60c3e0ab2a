import { homedir } from 'node:os';
import path from 'node:path';

export const appFolderName = 'CreditDesk';

/**
 * The OS's per-user application data folder, computed the way Electron's app.getPath('userData')
 * does, so the headless server and the desktop shell agree without Electron loaded.
 */
export function defaultDataDir(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  switch (platform) {
    case 'win32':
      return path.join(env.APPDATA ?? path.join(homedir(), 'AppData', 'Roaming'), appFolderName);
    case 'darwin':
      return path.join(homedir(), 'Library', 'Application Support', appFolderName);
    default:
      return path.join(env.XDG_CONFIG_HOME ?? path.join(homedir(), '.config'), appFolderName);
  }
}

export interface DataPaths {
  root: string;
  database: string;
  logs: string;
  exports: string;
  keys: string;
  /** The embedded demo institutions' own state (serve --demo, the desktop's demo mode), kept across restarts. */
  demoInstitutions: string;
}

export function dataPaths(root: string): DataPaths {
  return {
    root,
    database: path.join(root, 'creditdesk.db'),
    logs: path.join(root, 'logs'),
    exports: path.join(root, 'exports'),
    keys: path.join(root, 'keys'),
    demoInstitutions: path.join(root, 'demo-institutions'),
  };
}
