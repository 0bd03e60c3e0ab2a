/**
 * The desktop shell's security settings as plain data and pure functions, without importing
 * electron: main.ts applies them, and a plain-Node test (shell-policy.test.ts) reads them,
 * together with the packaging config, and fails when one is turned off. Electron itself cannot
 * start on the CI machines, so this is where the settings are proven.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { containedPath } from '../server/static-path';

/** The renderer is served from `app://creditdesk/`, not file:// (which grants a page far more). */
export const appScheme = 'app';
export const appHost = 'creditdesk';
export const appOrigin = `${appScheme}://${appHost}`;
/** The hash router keeps every route in the fragment: only index.html is ever navigated to. */
export const appIndexUrl = `${appOrigin}/index.html`;

/**
 * For protocol.registerSchemesAsPrivileged (before the app is ready): a standard, secure origin
 * so 'self' in the CSP, fetch and storage work as on https; no CORS, no service workers, no
 * bypass of the CSP.
 */
export const privilegedSchemes = [
  {
    scheme: appScheme,
    privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, codeCache: true, corsEnabled: false, allowServiceWorkers: false, bypassCSP: false },
  },
] as const;

/** The main window's webPreferences: isolated, sandboxed, no Node in the page. */
export function windowWebPreferences(preload: string) {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
  } as const;
}

/**
 * Where the window loads the renderer from. The dev server (ELECTRON_RENDERER_URL, set by
 * `electron-vite dev`) only in development: a packaged app ignores it, so nobody can point an
 * installed CreditDesk, with its IPC bridge, at a page of their own through the environment.
 */
export function rendererSource(options: { isPackaged: boolean; devServerUrl: string | undefined }): { kind: 'dev-server' | 'app-scheme'; url: string } {
  if (!options.isPackaged && options.devServerUrl) return { kind: 'dev-server', url: options.devServerUrl };
  return { kind: 'app-scheme', url: appIndexUrl };
}

function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    // A custom scheme's origin is "null" in WHATWG terms: compare scheme and host instead.
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return null;
  }
}

/** Our own pages only: the app scheme's origin, or the dev server's in development. */
export function isAppUrl(url: string, devServerUrl: string | null): boolean {
  const origin = originOf(url);
  if (origin === null) return false;
  if (origin === appOrigin) return true;
  return devServerUrl !== null && origin === originOf(devServerUrl);
}

/**
 * Origins whose links may open in the system browser. None today: the renderer links nowhere
 * outside. Add an https origin here when a page needs one; everything else is refused.
 */
export const externalLinkOrigins: readonly string[] = [];

/** Whether shell.openExternal may open this URL: https, and its origin in the allow-list. */
export function mayOpenExternal(url: string, allowList: readonly string[] = externalLinkOrigins): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:' || parsed.username !== '' || parsed.password !== '') return false;
  return allowList.includes(parsed.origin);
}

/**
 * Permission requests and checks (camera, microphone, notifications, geolocation, clipboard,
 * HID, serial, ...): CreditDesk needs none, so every one is denied, whatever page asks.
 */
export function permissionAllowed(_permission: string, _requestingUrl: string | null): boolean {
  return false;
}

/**
 * The file an `app://creditdesk/...` request names inside the built renderer, or null (another
 * host, a path leaving the folder). A path with no file behind it gets index.html, which the
 * hash router never needs but a reload of an odd URL does.
 */
export function resolveAppRequest(rendererDir: string, requestUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${appScheme}:` || url.host !== appHost) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  const file = containedPath(rendererDir, pathname);
  if (file === null) return null;
  if (!existsSync(file) || statSync(file).isDirectory()) return path.join(rendererDir, 'index.html');
  return file;
}
