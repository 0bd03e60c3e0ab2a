import { safeStorage } from 'electron';
import type { SecretBox } from '../institution-api/secrets';
import { SecretUnavailableError } from '../institution-api/secrets';

/**
 * Institution secrets sealed with Electron safeStorage (Keychain on macOS, DPAPI on Windows,
 * libsecret/kwallet on Linux). Returns null where the OS offers no encryption (e.g. Linux without
 * a keyring: safeStorage would fall back to a hard-coded key), so the key file is used instead.
 */
export function createSafeStorageSecretBox(): SecretBox | null {
  if (!safeStorage.isEncryptionAvailable()) return null;
  if (process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') return null;
  return {
    scheme: 'safe-storage',
    encrypt(plain) {
      return safeStorage.encryptString(plain);
    },
    decrypt(ciphertext) {
      try {
        return safeStorage.decryptString(ciphertext);
      } catch {
        throw new SecretUnavailableError('The OS keychain could not decrypt this secret; re-enter it.');
      }
    },
  };
}
