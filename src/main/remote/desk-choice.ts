import { existsSync } from 'node:fs';
import path from 'node:path';
import type { DeskMode } from '../../shared/contracts/desk';
import { contract } from '../../shared/rpc/contract';
import type { Envelope } from '../../shared/rpc/errors';
import { readDeskSettings, writeDeskSettings, type PinStore } from './desk-settings';
import { normalizeFingerprint } from './trust';
import { RemoteTransport } from './transport';

export interface DeskChoiceOptions {
  /** The desktop's user-data folder (desk-connection.json). */
  dataDir: string;
  /** Restarts the desktop on the saved choice (the Electron shell: relaunch, then quit cleanly). */
  restart(): void;
  /** This desktop's contract version (tests pretend to be another release). */
  clientContractVersion?: number;
  /** Started with --demo: the embedded demo institutions run on this computer. */
  demo?: boolean;
}

/**
 * What the desktop starts on: the saved choice; else this computer when its folder already holds
 * a database (a desktop from before the choice existed keeps working as it did) or for a --demo
 * run; else null, and the first screen asks.
 */
export function startingMode(dataDir: string, options: { demo?: boolean } = {}): DeskMode | null {
  const settings = readDeskSettings(dataDir);
  if (settings.mode === 'team' && settings.serverUrl) return 'team';
  if (settings.mode === 'local') return 'local';
  return options.demo === true || existsSync(path.join(dataDir, 'creditdesk.db')) ? 'local' : null;
}

export interface DeskChoice {
  /** The answer to a desk channel, or null for any other channel (which goes on to the back end). */
  handle(channel: string, input: unknown): Promise<Envelope<unknown>> | null;
}

function networkError(message: string, details: Record<string, unknown>): Envelope<never> {
  return { ok: false, error: { code: 'NETWORK', message, details } };
}

/**
 * The desktop's choice of back end, answered in its main process (never by a back end, so it
 * works before one runs and whichever one runs): `desk:connection` says what is chosen, and
 * `desk:choose-connection` saves this computer, or a team server once it has checked it: reachable,
 * the same contract version, and a certificate the system trusts or the operator confirmed by
 * fingerprint (pinned then). Saving restarts the desktop, so a local database is closed cleanly
 * before team mode starts, and the other way round.
 */
export function createDeskChoice(options: DeskChoiceOptions): DeskChoice {
  async function checkTeamServer(serverUrl: string, fingerprint: string | undefined): Promise<Envelope<unknown>> {
    const settings = readDeskSettings(options.dataDir);
    const origin = new URL(serverUrl).origin;
    const pins: Record<string, string> = { ...settings.pins };
    if (fingerprint) {
      try {
        pins[origin] = normalizeFingerprint(fingerprint);
      } catch {
        return { ok: false, error: { code: 'VALIDATION', message: 'A SHA-256 fingerprint is 64 hex digits.', details: { reason: 'invalid-fingerprint' } } };
      }
    }
    // Pins are written only with the choice: a check that fails leaves the settings as they were.
    const store: PinStore = { get: (key) => pins[key] ?? null, set: (key, value) => void (pins[key] = normalizeFingerprint(value)) };
    const transport = new RemoteTransport({
      serverUrl: origin,
      pins: store,
      clientContractVersion: options.clientContractVersion,
      // One attempt: the operator is looking at the form and can try again.
      backoff: { initialMs: 60_000, maxMs: 60_000 },
    });
    try {
      await transport.connect();
      const state = transport.state;
      switch (state.state) {
        case 'connected':
          writeDeskSettings(options.dataDir, { ...settings, mode: 'team', serverUrl: origin, pins });
          options.restart();
          return { ok: true, data: { outcome: 'restarting' } };
        case 'certificate-untrusted':
          return { ok: true, data: { outcome: 'confirm-certificate', fingerprint: state.fingerprint } };
        case 'certificate-changed':
          return networkError(`The server presents the certificate ${state.fingerprint}, not the one confirmed (${state.pinned}).`, { reason: 'certificate-changed', fingerprint: state.fingerprint });
        case 'incompatible-version':
          return networkError(`The team server speaks contract ${state.serverContractVersion}, this desktop ${state.clientContractVersion}: update the ${state.update}.`, {
            reason: 'incompatible-version',
            update: state.update,
            serverAppVersion: state.serverAppVersion,
          });
        case 'reconnecting':
          return networkError(`No CreditDesk server answers at ${origin}.`, { reason: 'unreachable' });
        default: {
          const unknown: never = state;
          return unknown;
        }
      }
    } finally {
      transport.close();
    }
  }

  async function choose(input: unknown): Promise<Envelope<unknown>> {
    const parsed = contract['desk:choose-connection'].input.safeParse(input);
    if (!parsed.success) {
      const url = (input as { serverUrl?: unknown } | null)?.serverUrl;
      const reason = typeof url === 'string' && URL.canParse(url.trim()) ? 'not-https' : 'invalid-url';
      return { ok: false, error: { code: 'VALIDATION', message: parsed.error.issues[0]?.message ?? 'Invalid input', details: { reason } } };
    }
    const choice = parsed.data;
    if (choice.mode === 'local') {
      writeDeskSettings(options.dataDir, { ...readDeskSettings(options.dataDir), mode: 'local' });
      options.restart();
      return { ok: true, data: { outcome: 'restarting' } };
    }
    return checkTeamServer(choice.serverUrl, choice.fingerprint);
  }

  return {
    handle(channel, input) {
      if (channel === 'desk:connection') {
        const { serverUrl } = readDeskSettings(options.dataDir);
        return Promise.resolve({ ok: true, data: { canChoose: true, mode: startingMode(options.dataDir, options), serverUrl } });
      }
      if (channel === 'desk:choose-connection') return choose(input);
      return null;
    },
  };
}
