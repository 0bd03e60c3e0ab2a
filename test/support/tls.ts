import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { tempFolders } from './temp-folders';

/** A self-signed certificate (PEM) and its key, made by the openssl command line (.ci/run installs it). */
export interface TestCertificate {
  cert: string;
  key: string;
}

/**
 * A fresh self-signed EC certificate for `localhost` and 127.0.0.1, valid for a day: each call
 * gives a different key, so two calls stand for "the server's certificate changed".
 */
export function selfSignedCertificate(commonName = 'localhost'): TestCertificate {
  const folders = tempFolders('creditdesk-tls-');
  try {
    const dir = folders.folder();
    const keyFile = path.join(dir, 'key.pem');
    const certFile = path.join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
        '-keyout', keyFile, '-out', certFile, '-subj', `/CN=${commonName}`,
        '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
      ],
      { stdio: 'pipe' },
    );
    return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
  } finally {
    folders.removeAll();
  }
}
