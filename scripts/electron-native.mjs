#!/usr/bin/env node
// Builds better-sqlite3 for the installed Electron's ABI into .cache/electron-native/<version>/,
// leaving node_modules' Node build (used by the tests, the CLI and the headless server) alone.
// The desktop shell passes this file as better-sqlite3's nativeBinding (src/main/app/native-binding.ts).
// Needs the network (Electron headers or a prebuilt binary); run by `npm start`.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);
const electronVersion = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
const target = path.resolve('.cache', 'electron-native', electronVersion, 'better_sqlite3.node');
if (existsSync(target)) process.exit(0);

const source = path.dirname(require.resolve('better-sqlite3/package.json'));
const work = mkdtempSync(path.join(tmpdir(), 'creditdesk-native-'));
cpSync(source, work, { recursive: true, filter: (file) => !file.includes(`${path.sep}build${path.sep}`) });
console.log(`Building better-sqlite3 for Electron ${electronVersion}...`);

function attempt(command, args) {
  return spawnSync(command, args, { cwd: work, stdio: 'inherit', shell: process.platform === 'win32' }).status === 0;
}

const ok =
  attempt('npx', ['--yes', 'prebuild-install', '--runtime', 'electron', '--target', electronVersion, '--arch', process.arch]) ||
  attempt('npx', ['--yes', 'node-gyp', 'rebuild', '--release', `--target=${electronVersion}`, `--arch=${process.arch}`, '--dist-url=https://electronjs.org/headers']);
const built = path.join(work, 'build', 'Release', 'better_sqlite3.node');
if (!ok || !existsSync(built)) {
  console.error('Could not build better-sqlite3 for Electron (this needs the network). The headless server works without it: npm run serve');
  rmSync(work, { recursive: true, force: true });
  process.exit(1);
}
mkdirSync(path.dirname(target), { recursive: true });
cpSync(built, target);
rmSync(work, { recursive: true, force: true });
console.log(`Built ${target}`);
