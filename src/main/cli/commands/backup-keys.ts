/**
 * The key files a data folder needs besides its database, which a backup carries sealed
 * (files/key-backup.ts) and a restore puts back: without them a restored folder on a new machine
 * can neither open its institution secrets nor verify its keyed audit chain.
 */
import { auditKeyFileName } from '../../audit/key';
import { readKeyFile } from '../../files/key-files';
import type { KeyFileContent } from '../../files/key-backup';
import { institutionKeyFileName, readInstitutionKey } from '../../institution-api/secrets';

export interface DataFolderKeyFile {
  /** The file's name in keys/. */
  name: string;
  /** What it opens, for messages. */
  purpose: string;
  read(keysDir: string): Buffer | null;
}

/** In the order a backup carries them. Only these names are ever written into keys/ by a restore. */
export const dataFolderKeyFiles: readonly DataFolderKeyFile[] = [
  { name: institutionKeyFileName, purpose: 'the institution secrets', read: readInstitutionKey },
  { name: auditKeyFileName, purpose: 'the audit chain', read: (keysDir) => readKeyFile(keysDir, auditKeyFileName, { create: false }) },
];

/** The key files this data folder has (a missing one is not an error: nothing used it yet). */
export function readDataFolderKeys(keysDir: string): KeyFileContent[] {
  return dataFolderKeyFiles.flatMap((file) => {
    const key = file.read(keysDir);
    return key ? [{ name: file.name, key }] : [];
  });
}

export function isDataFolderKeyFile(name: string): boolean {
  return dataFolderKeyFiles.some((file) => file.name === name);
}

/** "a", "a and b", "a, b and c". */
export function listOfNames(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}
