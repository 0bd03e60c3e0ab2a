/**
 * Electron cannot start on these machines, so the shell's hardening is proven here, in plain
 * Node: the packaging config, the window and session policy, and that main.ts applies them.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { tempFolders } from '../../../test/support/temp-folders';
import packaging from '../../../electron-builder';
import {
  appIndexUrl,
  externalLinkOrigins,
  isAppUrl,
  mayOpenExternal,
  permissionAllowed,
  privilegedSchemes,
  rendererSource,
  resolveAppRequest,
  windowWebPreferences,
} from './shell-policy';

const here = path.dirname(fileURLToPath(import.meta.url));
const mainSource = readFileSync(path.join(here, 'main.ts'), 'utf8');

describe('packaging', () => {
  it('flips the fuses: no run-as-node, no NODE_OPTIONS, no --inspect, only the checked app.asar', () => {
    expect(packaging.asar).not.toBe(false);
    expect(packaging.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });
});

describe('the window and its session', () => {
  it('isolates and sandboxes the page, with no Node in it', () => {
    expect(windowWebPreferences('/app/preload.cjs')).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('serves the renderer from a privileged app:// scheme, and ignores ELECTRON_RENDERER_URL when packaged', () => {
    expect(privilegedSchemes).toEqual([expect.objectContaining({ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true, bypassCSP: false }) })]);
    expect(rendererSource({ isPackaged: true, devServerUrl: 'http://attacker.example/' })).toEqual({ kind: 'app-scheme', url: 'app://creditdesk/index.html' });
    expect(rendererSource({ isPackaged: false, devServerUrl: undefined }).url).toBe(appIndexUrl);
    expect(rendererSource({ isPackaged: false, devServerUrl: 'http://localhost:5173' })).toEqual({ kind: 'dev-server', url: 'http://localhost:5173' });
  });

  it('trusts its own origin only (no file://, no look-alike hosts)', () => {
    expect(isAppUrl('app://creditdesk/index.html#/review/queue', null)).toBe(true);
    expect(isAppUrl('app://creditdesk.evil/index.html', null)).toBe(false);
    expect(isAppUrl('file:///opt/CreditDesk/resources/app.asar/out/renderer/index.html', null)).toBe(false);
    expect(isAppUrl('http://localhost:5173/#/x', null)).toBe(false);
    expect(isAppUrl('http://localhost:5173/#/x', 'http://localhost:5173')).toBe(true);
    expect(isAppUrl('http://localhost:51730/', 'http://localhost:5173')).toBe(false);
  });

  it('opens external links only for an allow-list of https origins', () => {
    expect(externalLinkOrigins.every((origin) => origin.startsWith('https://'))).toBe(true);
    expect(mayOpenExternal('https://evil.example/')).toBe(false);
    const allowed = ['https://docs.example'];
    expect(mayOpenExternal('https://docs.example/guide', allowed)).toBe(true);
    expect(mayOpenExternal('http://docs.example/guide', allowed)).toBe(false);
    expect(mayOpenExternal('https://user:pw@docs.example/', allowed)).toBe(false);
    expect(mayOpenExternal('file:///etc/passwd', allowed)).toBe(false);
    expect(mayOpenExternal('smb://host/share', allowed)).toBe(false);
  });

  it('denies every permission request and check by default', () => {
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'hid', 'serial', 'fullscreen']) {
      expect([permission, permissionAllowed(permission, 'app://creditdesk/index.html')]).toEqual([permission, false]);
    }
  });

  it('is what main.ts applies', () => {
    expect(mainSource).toContain('protocol.registerSchemesAsPrivileged(privilegedSchemes');
    expect(mainSource).toContain('protocol.handle(appScheme');
    expect(mainSource).toContain('webPreferences: windowWebPreferences(');
    expect(mainSource).toContain('setPermissionRequestHandler(');
    expect(mainSource).toContain('setPermissionCheckHandler(');
    expect(mainSource).toContain('mayOpenExternal(url)');
    expect(mainSource).toContain('rendererSource({ isPackaged: app.isPackaged');
    expect(mainSource).not.toContain('loadFile(');
    // The dev server URL is read in one place only: through rendererSource, which ignores it when packaged.
    expect(mainSource.match(/process\.env\.ELECTRON_RENDERER_URL/g)).toHaveLength(1);
    expect(mainSource).toContain('devServerUrl: process.env.ELECTRON_RENDERER_URL })');
  });
});

describe('app://creditdesk/ requests', () => {
  const folders = tempFolders();
  const renderer = folders.file('renderer');
  mkdirSync(path.join(renderer, 'assets'), { recursive: true });
  writeFileSync(path.join(renderer, 'index.html'), '<script type="module" src="./assets/index.js"></script>');
  writeFileSync(path.join(renderer, 'assets', 'index.js'), '');
  mkdirSync(`${renderer}-evil`);
  writeFileSync(path.join(`${renderer}-evil`, 'x.js'), '');
  afterAll(() => folders.removeAll());

  it('serves the built renderer, and index.html for hash-router URLs', () => {
    expect(resolveAppRequest(renderer, 'app://creditdesk/index.html#/review/queue')).toBe(path.join(renderer, 'index.html'));
    expect(resolveAppRequest(renderer, new URL('./assets/index.js', 'app://creditdesk/index.html').href)).toBe(path.join(renderer, 'assets', 'index.js'));
    expect(resolveAppRequest(renderer, 'app://creditdesk/')).toBe(path.join(renderer, 'index.html'));
  });

  it('stays inside the renderer folder and answers only its own host', () => {
    expect(resolveAppRequest(renderer, 'app://creditdesk/..%2frenderer-evil%2fx.js')).toBeNull();
    // The URL parser folds encoded dot segments itself: what is left is inside (or nothing).
    expect([null, path.join(renderer, 'index.html')]).toContain(resolveAppRequest(renderer, 'app://creditdesk/%2e%2e/%2e%2e/etc/passwd'));
    expect(resolveAppRequest(renderer, 'app://other/index.html')).toBeNull();
    expect(resolveAppRequest(renderer, 'file:///etc/passwd')).toBeNull();
  });
});
