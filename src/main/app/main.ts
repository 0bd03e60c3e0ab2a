import { app, BrowserWindow, dialog, session, shell, type WebFrameMain } from 'electron';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { DatabaseTooNewError } from '../db/connection';
import { startBackend, type Backend } from '../runtime/backend';
import { limitHeapGrowth } from '../runtime/heap';
import { restrictNewFiles } from '../files/modes';
import { startBackgroundWork } from '../runtime/capabilities';
import { contentSecurityPolicy } from '../server/http-server';
import { installIpc } from './ipc';
import { exportSaveDialog } from './save-dialog';
import { electronNativeBinding } from './native-binding';
import { createSafeStorageSecretBox } from './safe-storage-box';
import { loadWindowState, saveWindowState } from './window-state';

const here = path.dirname(fileURLToPath(import.meta.url));
const rendererIndex = path.join(here, '../renderer/index.html');
const devServerUrl = process.env.ELECTRON_RENDERER_URL;

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

/** Our own pages only: the built index.html, or the dev server in development. */
function isAppUrl(url: string): boolean {
  if (devServerUrl && url.startsWith(devServerUrl)) return true;
  return url.startsWith(pathToFileURL(rendererIndex).href);
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
    webPreferences: {
      preload: path.join(here, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  if (state.maximized) window.maximize();
  window.once('ready-to-show', () => window.show());
  const remember = () => {
    if (window.isDestroyed()) return;
    saveWindowState(dataDir, { ...window.getNormalBounds(), maximized: window.isMaximized() });
  };
  window.on('close', remember);

  const contents = window.webContents;
  contents.setWindowOpenHandler(({ url }) => {
    // External links open in the system browser; nothing opens inside CreditDesk.
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());

  if (devServerUrl) await window.loadURL(devServerUrl);
  else await window.loadFile(rendererIndex);
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
  });

  await app.whenReady();
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [contentSecurityPolicy] } });
  });
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));

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
  const uninstallIpc = installIpc(backend, isTrustedFrame);
  // Background sync (and with --demo, the embedded demo institutions): the window opens meanwhile.
  const running = backend;
  void startBackgroundWork(running, { demo: args.demo, log: (line) => running.logger.info(line), nativeBinding: electronNativeBinding(app.getAppPath(), app.isPackaged) }).catch((error: unknown) =>
    running.logger.error('background sync could not start', { error: String(error) }),
  );
  mainWindow = await createWindow(dataDir);

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
