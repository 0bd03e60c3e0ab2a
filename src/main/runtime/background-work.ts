/**
 * Start-up shared by the two long-running shells (the desktop app and `creditdesk serve`):
 * background sync, outbox delivery and the daily re-derivation, and with --demo the three
 * embedded demo institutions, configured idempotently (a restart reuses their rows). The demo
 * institutions keep their own state in the data folder (`demo-institutions/`), so a restart
 * finds the same institutions with the same records and the decisions they took, as the
 * database's synced copy and outbox expect.
 * One-off CLI commands do not call this: they start no background work.
 */
import type { InstitutionSummary } from '../../shared/contracts/institutions';
import type { ActorRef } from '../core/actor';
import { AppError } from '../../shared/rpc/errors';
import { SimStoreInUseError, startDemoInstitutions, type RunningSimulator } from '../simulator';
import type { Backend } from './backend';

export interface BackgroundOptions {
  /** Start the demo institutions in-process and sync them. */
  demo: boolean;
  /** Told what is happening (the serve command prints it). */
  log?: (line: string) => void;
  /** better-sqlite3 addon for the running ABI: the desktop passes its Electron build, for the demo simulator's store. */
  nativeBinding?: string;
}

const demos = new WeakMap<Backend, Promise<RunningSimulator>>();

/**
 * Starts the demo institutions (once per backend) and configures them: created on first use,
 * their base URL updated on a later start whose old port was taken, flagged demo. Returns them.
 */
export async function startDemo(
  backend: Backend,
  author: ActorRef | null,
  log?: (line: string) => void,
  nativeBinding?: string,
): Promise<InstitutionSummary[]> {
  let simulator = demos.get(backend);
  if (!simulator) {
    // Kept in the data folder and living on the back end's clock: a restart resumes them, caught up to now.
    simulator = startDemoInstitutions({ nativeBinding, stateDir: backend.paths.demoInstitutions, now: backend.clock.now() }).catch((error: unknown) => {
      if (!(error instanceof SimStoreInUseError)) throw error;
      throw new AppError('CONFLICT', `The demo institutions of this data folder are running in another CreditDesk process (${error.message}); stop it first.`);
    });
    demos.set(backend, simulator);
    const running = simulator;
    // Sync stops first, so no pass is cut off by the simulator going away.
    backend.onShutdown(async () => {
      await backend.services.sync.stop();
      await (await running).close();
    });
    void running.then(
      (sim) => log?.(`Demo institutions serving on ${sim.url} (${sim.institutions.map((institution) => institution.code).join(', ')})`),
      () => demos.delete(backend),
    );
  }
  const sim = await simulator;
  const institutions = backend.services.institutions;
  const configured: InstitutionSummary[] = [];
  for (const info of sim.institutions) {
    const existing = institutions.findByCode(info.code);
    if (!existing) {
      configured.push(
        institutions.create(author, { code: info.code, name: info.name, baseUrl: info.baseUrl, appId: info.appId, secret: info.secret }, { demo: true }),
      );
    } else if (existing.demo) {
      configured.push(
        institutions.update(author, {
          id: existing.id,
          ...(existing.baseUrl !== info.baseUrl ? { baseUrl: info.baseUrl } : {}),
          ...(existing.appId !== info.appId ? { appId: info.appId } : {}),
          // The demo secret is derived from a fixed seed; re-sealing it is harmless and keeps a
          // data folder moved between the desktop and serve working. A new base URL (the demo's
          // old port was taken by something else) needs the secret given again, like any institution's.
          ...(existing.secretReadable && existing.baseUrl === info.baseUrl ? {} : { secret: info.secret }),
        }),
      );
    } else {
      // A real institution configured under a demo code wins; the demo one is not synced.
      log?.(`Institution code ${info.code} is configured for a real institution; the demo one is not used.`);
    }
  }
  institutions.noteDemoStarted(author, configured.map((institution) => institution.code));
  return configured;
}

/** Starts background sync (and, with demo, the demo institutions first). Call once per shell. */
export async function startBackgroundWork(backend: Backend, options: BackgroundOptions): Promise<void> {
  backend.services.sync.enableDemo((author) => startDemo(backend, author, options.log, options.nativeBinding));
  backend.onShutdown(() => backend.services.sync.stop());
  if (options.demo) await startDemo(backend, null, options.log, options.nativeBinding);
  backend.services.sync.start();
}
