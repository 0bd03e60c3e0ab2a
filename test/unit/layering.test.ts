import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * The layering rules live in eslint.config.js (no-restricted-imports per folder). These cases
 * prove the rule fires when the layering is broken, and stays quiet where imports are allowed.
 */
const eslint = new ESLint({ cwd: process.cwd() });

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((message) => message.ruleId === 'no-restricted-imports').map((message) => message.message);
}

describe('layering rule', () => {
  it.each([
    ['src/shared/domain/bad.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;"],
    ['src/shared/domain/bad.ts', "import { app } from 'electron';\nexport const x = app;"],
    ['src/shared/domain/bad.ts', "import { useState } from 'react';\nexport const x = useState;"],
    ['src/shared/domain/bad.ts', "import { eq } from 'drizzle-orm';\nexport const x = eq;"],
    ['src/shared/domain/bad.ts', "import { openDatabase } from '../../main/db/connection';\nexport const x = openDatabase;"],
    ['src/main/review/bad.ts', "import { app } from 'electron';\nexport const x = app;"],
    ['src/main/sync/bad.ts', "import { ipcMain } from 'electron';\nexport const x = ipcMain;"],
    ['src/renderer/pages/Bad.page.tsx', "import { startBackend } from '../../main/runtime/backend';\nexport const x = startBackend;"],
    ['src/renderer/pages/Bad.page.tsx', "import { ipcRenderer } from 'electron';\nexport const x = ipcRenderer;"],
    ['src/renderer/pages/Bad.page.tsx', "import { rpc } from '../api/client';\nexport const x = rpc;"],
  ])('fails %s importing what its layer may not', async (file, code) => {
    expect(await restrictedImports(file, code)).not.toEqual([]);
  });

  it.each([
    ['src/shared/domain/good.ts', "import { z } from 'zod';\nexport const x = z;"],
    ['src/main/app/good.ts', "import { app } from 'electron';\nexport const x = app;"],
    ['src/preload/good.ts', "import { contextBridge } from 'electron';\nexport const x = contextBridge;"],
    ['src/main/review/good.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;"],
    ['src/renderer/pages/Good.page.tsx', "import { contract } from '../../shared/rpc/contract';\nexport const x = contract;"],
    ['src/renderer/pages/Good.page.tsx', "import { RpcError } from '../api/client';\nexport const x = RpcError;"],
    ['src/renderer/auth/SessionProvider.tsx', "import { rpc } from '../api/client';\nexport const x = rpc;"],
  ])('allows %s its own imports', async (file, code) => {
    expect(await restrictedImports(file, code)).toEqual([]);
  });

  it('holds across the real source tree', async () => {
    // Only the layering rule runs here (the whole lint is `npm run lint`): the tree's full lint took
    // over a minute on a loaded machine and timed the test out.
    const layering = new ESLint({ cwd: process.cwd(), ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports' });
    const results = await layering.lintFiles(['src/**/*.ts', 'src/**/*.tsx']);
    const violations = results.flatMap((result) =>
      result.messages.filter((message) => message.ruleId === 'no-restricted-imports').map((message) => `${result.filePath}: ${message.message}`),
    );
    expect(violations).toEqual([]);
  }, 120_000);
});
