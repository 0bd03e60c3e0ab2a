import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openKeyFiles, readSealedKeyFiles, sealKeyFiles, storeSealedKeyFiles, WrongPassphraseError } from './key-backup';

const passphrase = 'a passphrase long enough';

describe('key files sealed into a backup', () => {
  it('seals every key file under one passphrase and opens them by name', () => {
    const files = [
      { name: 'institution-secrets.key', key: randomBytes(32) },
      { name: 'audit-chain.key', key: randomBytes(32) },
    ];
    const client = new Database(':memory:');
    storeSealedKeyFiles(client, sealKeyFiles(files, passphrase));
    const sealed = readSealedKeyFiles(client);
    expect(sealed.map((file) => file.name)).toEqual(['institution-secrets.key', 'audit-chain.key']);
    expect(openKeyFiles(sealed, passphrase)).toEqual(files);
    expect(() => openKeyFiles(sealed, 'not the passphrase')).toThrow(WrongPassphraseError);
    client.close();
  });

  it('binds each key to its file name: a row renamed to another key file does not open', () => {
    const [sealed] = sealKeyFiles([{ name: 'institution-secrets.key', key: randomBytes(32) }], passphrase);
    if (!sealed) throw new Error('nothing sealed');
    expect(() => openKeyFiles([{ ...sealed, name: 'audit-chain.key' }], passphrase)).toThrow(WrongPassphraseError);
  });

  it('reads the one unnamed row an older backup carries as the institution-secrets key', () => {
    const key = randomBytes(32);
    const [row] = sealKeyFiles([{ name: 'institution-secrets.key', key }], passphrase);
    if (!row) throw new Error('nothing sealed');
    const client = new Database(':memory:');
    client.exec('CREATE TABLE creditdesk_backup_key (kdf TEXT NOT NULL, n INTEGER NOT NULL, r INTEGER NOT NULL, p INTEGER NOT NULL, salt BLOB NOT NULL, iv BLOB NOT NULL, tag BLOB NOT NULL, ciphertext BLOB NOT NULL)');
    client.prepare('INSERT INTO creditdesk_backup_key VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(row.kdf, row.n, row.r, row.p, row.salt, row.iv, row.tag, row.ciphertext);
    expect(openKeyFiles(readSealedKeyFiles(client), passphrase)).toEqual([{ name: 'institution-secrets.key', key }]);
    client.close();
    expect(readSealedKeyFiles(new Database(':memory:'))).toEqual([]);
  });
});
