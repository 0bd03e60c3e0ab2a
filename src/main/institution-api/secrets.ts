/**
 * Institution signing secrets at rest. The database holds only ciphertext and the scheme that
 * made it; the key never sits in the database. Desktop: Electron safeStorage (the OS keychain,
 * src/main/app/safe-storage-box.ts). Headless: AES-256-GCM with a random key in a 0600 file
 * under the data folder's keys/ directory.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DamagedKeyFileError, readKeyFile } from '../files/key-files';
import type { InstitutionRow } from '../db/schema';

export type SecretScheme = InstitutionRow['secretScheme'];

/** Encrypts and decrypts one scheme's secrets. */
export interface SecretBox {
  readonly scheme: SecretScheme;
  encrypt(plain: string): Buffer;
  decrypt(ciphertext: Buffer): string;
}

/** Thrown when a stored secret cannot be read by this process (wrong shell, lost key). */
export class SecretUnavailableError extends Error {
  override name = 'SecretUnavailableError';
}

/** `<data folder>/keys/institution-secrets.key`: the headless box's key, never in the database. */
export const institutionKeyFileName = 'institution-secrets.key';
const formatVersion = 1;

/**
 * AES-256-GCM with a key kept in `<keysDir>/institution-secrets.key` (created on first use with
 * mode 0600; an existing file that others may read is tightened back to 0600). Ciphertext layout:
 * version byte, 12-byte IV, 16-byte tag, then the encrypted UTF-8 secret.
 */
export function createKeyFileSecretBox(keysDir: string): SecretBox {
  let key: Buffer | null = null;
  function loadKey(): Buffer {
    if (key) return key;
    try {
      key = readKeyFile(keysDir, institutionKeyFileName, { create: true }) as Buffer;
    } catch (error) {
      if (error instanceof DamagedKeyFileError) throw new SecretUnavailableError(`${error.message} Re-enter the institution secrets.`);
      throw error;
    }
    return key;
  }
  return {
    scheme: 'key-file',
    encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', loadKey(), iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([Buffer.from([formatVersion]), iv, cipher.getAuthTag(), body]);
    },
    decrypt(ciphertext) {
      if (ciphertext.length < 29 || ciphertext[0] !== formatVersion) throw new SecretUnavailableError('The stored secret is not in a known format.');
      const decipher = createDecipheriv('aes-256-gcm', loadKey(), ciphertext.subarray(1, 13));
      decipher.setAuthTag(ciphertext.subarray(13, 29));
      try {
        return Buffer.concat([decipher.update(ciphertext.subarray(29)), decipher.final()]).toString('utf8');
      } catch {
        throw new SecretUnavailableError('The stored secret cannot be decrypted with this data folder’s key; re-enter it.');
      }
    },
  };
}

/** The key file's 32 bytes, or null when this data folder has none yet (created on first use). */
export function readInstitutionKey(keysDir: string): Buffer | null {
  try {
    return readKeyFile(keysDir, institutionKeyFileName, { create: false });
  } catch (error) {
    if (error instanceof DamagedKeyFileError) throw new SecretUnavailableError(`${error.message} Re-enter the institution secrets.`);
    throw error;
  }
}

/**
 * The boxes a process can read, and the one it writes new secrets with. The desktop writes with
 * safeStorage but still reads key-file secrets a headless run stored in the same data folder.
 */
export interface SecretVault {
  /** The scheme new secrets are written with. */
  readonly scheme: SecretScheme;
  seal(plain: string): { ciphertext: Buffer; scheme: SecretScheme };
  open(ciphertext: Buffer, scheme: SecretScheme): string;
}

export function createSecretVault(writer: SecretBox, readers: readonly SecretBox[] = []): SecretVault {
  const byScheme = new Map<SecretScheme, SecretBox>([...readers, writer].map((box) => [box.scheme, box]));
  return {
    scheme: writer.scheme,
    seal(plain) {
      return { ciphertext: writer.encrypt(plain), scheme: writer.scheme };
    },
    open(ciphertext, scheme) {
      const box = byScheme.get(scheme);
      if (!box) {
        throw new SecretUnavailableError(
          scheme === 'safe-storage'
            ? 'This secret was stored by the desktop app (OS keychain) and cannot be read headless; re-enter it here.'
            : 'This secret was stored with a key file this process cannot read; re-enter it.',
        );
      }
      return box.decrypt(ciphertext);
    },
  };
}
