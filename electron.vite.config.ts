import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { resolve } from 'node:path';

export default defineConfig({
  main: {
    build: {
      // Three entries share one bundle: the Electron shell (index), the plain-Node CLI and
      // headless server (cli), which must never pull in electron, and the team server's read
      // worker (read-worker, started by src/main/runtime/read-pool.ts from out/main).
      rollupOptions: {
        input: {
          index: resolve('src/main/index.ts'),
          cli: resolve('src/main/cli/index.ts'),
          'read-worker': resolve('src/main/runtime/read-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload cannot load ES modules or node_modules: bundle everything as CommonJS.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve('src/renderer'),
    build: {
      rollupOptions: { input: { index: resolve('src/renderer/index.html') } },
      chunkSizeWarningLimit: 4000,
    },
    plugins: [react()],
  },
});
