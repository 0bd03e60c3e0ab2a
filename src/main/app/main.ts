import { app, BrowserWindow, dialog, ipcMain, net, protocol, session, shell, type WebFrameMain } from 'electron';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { DatabaseTooNewError } from '../db/connection';
import { startBackend, type Backend } from '../runtime/backend';
import { limitHeapGrowth } from '../runtime/heap';
import { restrictNewFiles } from '../files/modes';
import { startBackgroundWork } from '../runtime/background-work';
import { contentSecurityPolicy } from '../server/http-server';
import { readDeskSettings } from '../remote/desk-settings';
import { createDeskChoice, startingMode } from '../remote/desk-choice';
import { ipcInvokeChannel } from '../../preload/bridge';
import { openWindowThenWork } from './desktop-start';
import { installIpc } from './ipc';
import { startTeamShell } from './team-shell';
import { exportSaveDialog } from './save-dialog';
import { electronNativeBinding } from './native-binding';
import { createSafeStorageSecretBox } from './safe-storage-box';
import { loadWindowState, saveWindowState } from './window-state';
import { appScheme, isAppUrl as isOwnUrl, mayOpenExternal, permissionAllowed, privilegedSchemes, rendererSource, resolveAppRequest, windowWebPreferences } from './shell-policy';

const here = path.dirname(fileURLToPath(import.meta.url));
const rendererDir = path.join(here, '../renderer');
// A packaged app ignores ELECTRON_RENDERER_URL (shell-policy.ts says why).
const source = rendererSource({ isPackaged: app.isPackaged, devServerUrl: process.env.ELECTRON_RENDERER_URL });
const devServerUrl = source.kind === 'dev-server' ? source.url : null;

function parseShellArgs(): { dataDir: string | undefined; demo: boolean } {
  const { values } = parseArgs({
    args: process.argv.slice(app.isPackaged ? 1 : 2),
    options: { 'data-dir': { type: 'string' }, demo: { type: 'boolean', default: false } },
    strict: false,
    allowPositionals: true,
  });
  return {
    dataDir: typeof values['data-dir'] === 'string' ? path.resolve(values['data-dir']) : undefined,
    demo: values.demo === true,
  };
}

/** Our own pages only: app://creditdesk/, or the dev server in development. */
function isAppUrl(url: string): boolean {
  return isOwnUrl(url, devServerUrl);
}

/** Serves out/renderer under app://creditdesk/, contained to that folder, with the CSP. */
function serveAppScheme(): void {
  protocol.handle(appScheme, async (request) => {
    const file = resolveAppRequest(rendererDir, request.url);
    if (file === null) return new Response('Not found', { status: 404 });
    const response = await net.fetch(pathToFileURL(file).toString());
    const headers = new Headers(response.headers);
    headers.set('Content-Security-Policy', contentSecurityPolicy);
    headers.set('X-Content-Type-Options', 'nosniff');
    return new Response(response.body, { status: response.status, headers });
  });
}

function isTrustedFrame(frame: WebFrameMain | null): boolean {
  return frame !== null && frame.parent === null && isAppUrl(frame.url);
}

async function createWindow(dataDir: string): Promise<BrowserWindow> {
  const state = loadWindowState(dataDir);
  const window = new BrowserWindow({
    ...state,
    minWidth: 1100,
    minHeight: 680,
    show: false,
    title: 'CreditDesk',
    autoHideMenuBar: true,
    webPreferences: windowWebPreferences(path.join(here, '../preload/index.cjs')),
  });
  if (state.maximized) window.maximize();
  const shown = new Promise<void>((resolve) =>
    window.once('ready-to-show', () => {
      window.show();
      resolve();
    }),
  );
  const remember = () => {
    if (window.isDestroyed()) return;
    saveWindowState(dataDir, { ...window.getNormalBounds(), maximized: window.isMaximized() });
  };
  window.on('close', remember);

  const contents = window.webContents;
  contents.setWindowOpenHandler(({ url }) => {
    // Allow-listed https links open in the system browser; nothing opens inside CreditDesk.
    if (mayOpenExternal(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());

  await window.loadURL(source.url);
  await shown;
  return window;
}

/** The desktop entry: one instance, database migrated before any window opens. */
export async function runDesktop(): Promise<void> {
  // The main process syncs in the background: collect its promoted garbage sooner (runtime/heap.ts).
  limitHeapGrowth();
  // Files this process creates (database, exports, backups) are the user's alone.
  restrictNewFiles();
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  // Before the app is ready: app:// is a standard, secure origin (shell-policy.ts).
  protocol.registerSchemesAsPrivileged(privilegedSchemes.map((entry) => ({ scheme: entry.scheme, privileges: { ...entry.privileges } })));
  const args = parseShellArgs();
  const dataDir = args.dataDir ?? app.getPath('userData');
  let backend: Backend | null = null;
  let mainWindow: BrowserWindow | null = null;

  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (navigation, url) => {
      if (!isAppUrl(url)) navigation.preventDefault();
    });
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });

  await app.whenReady();
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [contentSecurityPolicy] } });
  });
  serveAppScheme();
  // Deny by default: requests (prompts) and checks (queries) alike, and device pickers.
  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback, details) => callback(permissionAllowed(permission, details.requestingUrl ?? null)));
  session.defaultSession.setPermissionCheckHandler((_contents, permission, requestingOrigin) => permissionAllowed(permission, requestingOrigin));
  session.defaultSession.setDevicePermissionHandler(() => false);

  // A saved choice restarts the desktop on it: the before-quit handlers below close what runs.
  const deskChoice = createDeskChoice({
    dataDir,
    demo: args.demo,
    restart: () =>
      setTimeout(() => {
        app.relaunch();
        app.quit();
      }, 300),
  });
  const desk = readDeskSettings(dataDir);
  const mode = startingMode(dataDir, { demo: args.demo });
  if (mode === null) {
    // First start: the window's first screen asks for this computer or a team server; no back end runs yet.
    ipcMain.handle(ipcInvokeChannel, (event, channel: unknown, input: unknown) => {
      const answered = isTrustedFrame(event.senderFrame) ? deskChoice.handle(typeof channel === 'string' ? channel : '', input) : null;
      return answered ?? { ok: false, error: { code: 'NETWORK', message: 'Choose where CreditDesk works first.', details: { reason: 'not-chosen' } } };
    });
    mainWindow = await createWindow(dataDir);
    app.on('window-all-closed', () => app.quit());
    return;
  }
  if (mode === 'team' && desk.serverUrl) {
    // Team mode (issue 27): no local database and no sync; calls go to the team server (team-shell.ts).
    const team = await startTeamShell({ dataDir, settings: { ...desk, serverUrl: desk.serverUrl }, desk: deskChoice, isTrustedFrame, window: () => mainWindow });
    mainWindow = await createWindow(dataDir);
    app.on('window-all-closed', () => app.quit());
    app.on('before-quit', () => team.close());
    return;
  }

  try {
    backend = await startBackend({
      dataDir,
      shell: 'desktop',
      nativeBinding: electronNativeBinding(app.getAppPath(), app.isPackaged),
      secretBox: createSafeStorageSecretBox() ?? undefined,
      saveExportFile: exportSaveDialog(() => mainWindow),
      adminPassword: process.env.CREDITDESK_ADMIN_PASSWORD,
      onFirstAdmin: ({ username, generatedPassword }) => {
        if (generatedPassword) {
          void dialog.showMessageBox({
            type: 'info',
            title: 'CreditDesk',
            message: `First start: the account "${username}" was created.`,
            detail: `Password: ${generatedPassword}\n\nIt is shown only this once; you will be asked to change it at first sign-in.`,
          });
        }
      },
    });
  } catch (error) {
    const message = error instanceof DatabaseTooNewError ? error.message : `CreditDesk could not open its database: ${String(error)}`;
    dialog.showErrorBox('CreditDesk', message);
    app.exit(1);
    return;
  }
  const uninstallIpc = installIpc(backend, isTrustedFrame, deskChoice);
  // The window first, then background sync (and with --demo, the embedded demo institutions): desktop-start.ts says why.
  const running = backend;
  await openWindowThenWork({
    createWindow: async () => (mainWindow = await createWindow(dataDir)),
    startBackgroundWork: () => startBackgroundWork(running, { demo: args.demo, log: (line) => running.logger.info(line), nativeBinding: electronNativeBinding(app.getAppPath(), app.isPackaged) }),
    onBackgroundError: (error) => running.logger.error('background sync could not start', { error: String(error) }),
  });

  app.on('window-all-closed', () => app.quit());
  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting || !backend) return;
    event.preventDefault();
    quitting = true;
    uninstallIpc();
    // Let in-flight sync pages commit or roll back before the database closes.
    void backend.close().finally(() => app.exit(0));
  });
}
