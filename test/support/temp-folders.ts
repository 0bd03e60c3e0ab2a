import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The folders one tempFolders call has made and not yet removed. */
export interface TempFolders {
  /** Makes a new empty folder under the system's temporary folder and returns its path. */
  folder(): string;
  /** The path of a file named `name` (not created) alone in a new folder: an export's target, a database to open. */
  file(name: string): string;
  /** Removes every folder made so far (and all inside them); later folder() calls start a new set. */
  removeAll(): void;
}

/**
 * The one way tests make and remove temporary folders (data folders, export targets, scratch
 * files), in vitest and Playwright alike. Call removeAll once whatever uses the folders is closed
 * (a database, a server, a child process): in afterEach for folders one test makes, in afterAll
 * for a folder a whole file's server shares, in a finally for a helper that keeps its folders to
 * itself. A prefix names the folders by their purpose when one is left behind.
 */
export function tempFolders(prefix = 'creditdesk-test-'): TempFolders {
  const made: string[] = [];
  function folder(): string {
    const dir = mkdtempSync(path.join(tmpdir(), prefix));
    made.push(dir);
    return dir;
  }
  return {
    folder,
    file: (name) => path.join(folder(), name),
    removeAll() {
      for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
    },
  };
}
