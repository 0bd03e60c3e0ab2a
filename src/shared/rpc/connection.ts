/**
 * The state of a desktop's connection to its team server, as the `connection:state` event
 * carries it. Texts for each state are the renderer's (i18n); these are the facts they need.
 */
export type ConnectionState =
  /** Calls go through; events flow. */
  | { state: 'connected'; serverUrl: string }
  /** The server cannot be reached; the next attempt is in `retryInMs`. Reads wait, decisions are held back. */
  | { state: 'reconnecting'; serverUrl: string; attempt: number; retryInMs: number }
  /** The two sides speak different contract versions: `update` says which one to update. */
  | {
      state: 'incompatible-version';
      serverUrl: string;
      update: 'desktop' | 'server';
      clientContractVersion: number;
      serverContractVersion: number;
      serverAppVersion: string;
    }
  /** First connection to a certificate no trusted authority vouches for: the operator compares the fingerprint with the administrator's and confirms. */
  | { state: 'certificate-untrusted'; serverUrl: string; fingerprint: string }
  /** The server presents another certificate than the one pinned: refused until an administrator explains it. */
  | { state: 'certificate-changed'; serverUrl: string; fingerprint: string; pinned: string };

export type ConnectionStateName = ConnectionState['state'];
