import { app, dialog, ipcMain, type BrowserWindow, type WebContents, type WebFrameMain } from 'electron';
import { readFileSync } from 'node:fs';
import { ipcEventChannel, ipcInvokeChannel } from '../../preload/bridge';
import { callOptionsOf } from '../../shared/rpc/call-options';
import type { DeskChoice } from '../remote/desk-choice';
import { filePinStore, type DeskSettings } from '../remote/desk-settings';
import { RemoteTransport } from '../remote/transport';

/** The native confirmation of a self-signed server's fingerprint, zh-CN first. */
const trustTexts = {
  'zh-CN': {
    message: '首次连接此团队服务器',
    detail: (url: string, fingerprint: string) =>
      `${url} 出示的证书没有受信任的机构签名。\n\nSHA-256 指纹：\n${fingerprint}\n\n请与管理员提供的指纹逐字核对，一致时才选择“信任”。之后证书若变化，连接将被拒绝。`,
    trust: '信任',
    cancel: '取消',
  },
  en: {
    message: 'First connection to this team server',
    detail: (url: string, fingerprint: string) =>
      `${url} presents a certificate no trusted authority signed.\n\nSHA-256 fingerprint:\n${fingerprint}\n\nCompare it with the one your administrator gave you, character by character, and choose Trust only if they match. If the certificate changes later, the connection is refused.`,
    trust: 'Trust',
    cancel: 'Cancel',
  },
} as const;

/**
 * Team mode of the desktop: no local database, no sync. The preload's invoke goes to the team
 * server through the remote transport, and the server's pushes (plus `connection:state`) go to
 * the windows that called. Only the app's own top frame may call, as in ipc.ts.
 */
export async function startTeamShell(options: {
  dataDir: string;
  settings: DeskSettings & { serverUrl: string };
  desk: DeskChoice;
  isTrustedFrame: (frame: WebFrameMain | null) => boolean;
  window: () => BrowserWindow | null;
}): Promise<{ close(): void }> {
  const transport = new RemoteTransport({
    serverUrl: options.settings.serverUrl,
    pins: filePinStore(options.dataDir),
    ca: options.settings.caFile ? readFileSync(options.settings.caFile) : null,
  });
  const receivers = new Set<WebContents>();
  const stopRelay = transport.onEvent((event) => {
    for (const contents of receivers) if (!contents.isDestroyed()) contents.send(ipcEventChannel, event);
  });
  const stopTrustPrompt = transport.onEvent((event) => {
    const state = transport.state;
    if (event.name !== 'connection:state' || state.state !== 'certificate-untrusted') return;
    const { fingerprint, serverUrl } = state;
    const texts = app.getLocale().startsWith('zh') ? trustTexts['zh-CN'] : trustTexts.en;
    const window = options.window();
    const prompt = { type: 'warning' as const, message: texts.message, detail: texts.detail(serverUrl, fingerprint), buttons: [texts.trust, texts.cancel], defaultId: 1, cancelId: 1 };
    void (window ? dialog.showMessageBox(window, prompt) : dialog.showMessageBox(prompt)).then(({ response }) => {
      if (response === 0) void transport.trust(fingerprint);
    });
  });

  ipcMain.handle(ipcInvokeChannel, async (event, channel: unknown, input: unknown, callOptions: unknown) => {
    if (!options.isTrustedFrame(event.senderFrame)) {
      return { ok: false, error: { code: 'FORBIDDEN', message: 'Calls are only accepted from CreditDesk’s own window.' } };
    }
    // Switching back to this computer or to another server is answered here, not by the server.
    const answered = options.desk.handle(typeof channel === 'string' ? channel : '', input);
    if (answered) return answered;
    const contents = event.sender;
    if (!receivers.has(contents)) {
      receivers.add(contents);
      contents.once('destroyed', () => receivers.delete(contents));
      // A window that opens late still learns how the link is.
      contents.send(ipcEventChannel, { name: 'connection:state', payload: transport.state });
    }
    return transport.invoke(typeof channel === 'string' ? channel : '', input, callOptionsOf(callOptions));
  });
  void transport.connect();

  return {
    close() {
      ipcMain.removeHandler(ipcInvokeChannel);
      stopRelay();
      stopTrustPrompt();
      transport.close();
    },
  };
}
