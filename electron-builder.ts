// Packaging (npm run package). Needs the Electron download, so it is not run on CI machines here;
// src/main/app/shell-policy.test.ts reads this file and fails when a hardening setting is off.
import type { Configuration } from 'electron-builder';

const config: Configuration = {
  appId: 'com.creditdesk.app',
  productName: 'CreditDesk',
  directories: { output: 'dist', buildResources: 'resources' },
  files: [
    'out/**',
    'package.json',
    '!**/*.map',
    // Only the regular and bold CJK weights are used (images, PDF exports): skip the other ~74 MB.
    '!node_modules/@expo-google-fonts/noto-sans-sc/{100Thin,200ExtraLight,300Light,500Medium,600SemiBold,800ExtraBold,900Black}/**',
  ],
  // The migrations folder is read at start-up from process.resourcesPath/drizzle.
  extraResources: [{ from: 'drizzle', to: 'drizzle' }],
  // The app loads from app.asar only (OnlyLoadAppFromAsar below), whose hash is embedded for the
  // integrity fuse. Native addons cannot load from inside asar; electron-builder rebuilds
  // better-sqlite3 for Electron's ABI during packaging (npmRebuild), so the package carries the
  // Electron build.
  asar: true,
  asarUnpack: ['node_modules/better-sqlite3/**', 'node_modules/@napi-rs/**'],
  npmRebuild: true,
  // Fuses flipped in the Electron binary before signing: nobody can turn the installed app into
  // a plain Node (ELECTRON_RUN_AS_NODE), inject code through NODE_OPTIONS or --inspect, or make
  // it load anything but its own checked app.asar. file:// gets no extra privileges: the
  // renderer is served from app://creditdesk/ (src/main/app/shell-policy.ts).
  electronFuses: {
    runAsNode: false,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    onlyLoadAppFromAsar: true,
    enableEmbeddedAsarIntegrityValidation: true,
    enableCookieEncryption: true,
    grantFileProtocolExtraPrivileges: false,
  },
  linux: { target: ['AppImage', 'deb'], category: 'Office', maintainer: 'CreditDesk team' },
  win: { target: 'nsis' },
  mac: { target: 'dmg', category: 'public.app-category.finance' },
  nsis: { oneClick: false, allowToChangeInstallationDirectory: true },
};

export default config;
