import { ipcMain, type WebContents, type WebFrameMain } from 'electron';
import { ipcEventChannel, ipcInvokeChannel } from '../../preload/bridge';
import type { Backend } from '../runtime/backend';
import type { CallContext } from '../core/actor';
import type { DeskChoice } from '../remote/desk-choice';
import { callOptionsOf } from '../../shared/rpc/call-options';

/**
 * The desktop transport. A session token lives here per window (never in the renderer); the
 * sender frame must be the app's own top frame, so an injected iframe or a navigated page
 * cannot call the back end.
 */
export function installIpc(backend: Backend, isTrustedFrame: (frame: WebFrameMain | null) => boolean, desk: DeskChoice): () => void {
  const tokens = new Map<number, string>();
  const unsubscribers = new Map<number, () => void>();

  function subscribe(contents: WebContents): void {
    if (unsubscribers.has(contents.id)) return;
    const unsubscribe = backend.events.subscribe({
      actor: () => backend.services.auth.resolveSession(tokens.get(contents.id), 'push')?.actor ?? null,
      send: (event) => {
        if (!contents.isDestroyed()) contents.send(ipcEventChannel, event);
      },
    });
    unsubscribers.set(contents.id, unsubscribe);
    contents.once('destroyed', () => {
      unsubscribe();
      unsubscribers.delete(contents.id);
      tokens.delete(contents.id);
    });
  }

  ipcMain.handle(ipcInvokeChannel, async (event, channel: unknown, input: unknown, options: unknown) => {
    if (!isTrustedFrame(event.senderFrame)) {
      backend.logger.warn('IPC call from an untrusted frame refused', { url: event.senderFrame?.url ?? null });
      return { ok: false, error: { code: 'FORBIDDEN', message: 'Calls are only accepted from CreditDesk’s own window.' } };
    }
    // The choice of back end is the desktop's own (remote/desk-choice.ts), never the back end's.
    const answered = desk.handle(typeof channel === 'string' ? channel : '', input);
    if (answered) return answered;
    const contents = event.sender;
    subscribe(contents);
    // A background call (a timed refresh while nobody is at the window) does not slide the idle expiry.
    const session = backend.services.auth.resolveSession(tokens.get(contents.id), callOptionsOf(options).background ? 'push' : 'call');
    const context: CallContext = {
      actor: session?.actor ?? null,
      csrfToken: null,
      transport: 'ipc',
      source: 'local',
      session: {
        bind: (token) => tokens.set(contents.id, token),
        clear: () => tokens.delete(contents.id),
      },
    };
    return backend.router.call(typeof channel === 'string' ? channel : '', input, context);
  });

  return () => {
    ipcMain.removeHandler(ipcInvokeChannel);
    for (const unsubscribe of unsubscribers.values()) unsubscribe();
  };
}
