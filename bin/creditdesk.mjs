#!/usr/bin/env node
// The `creditdesk` command. Runs the built CLI (npm run build) when present, else the TypeScript
// source through tsx, so a fresh checkout works before its first build.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const built = path.join(root, 'out', 'main', 'cli.js');
// The CLI module runs when it is the process's entry point, so point argv[1] at it.
if (existsSync(built)) {
  process.argv[1] = built;
  await import(pathToFileURL(built).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  process.argv[1] = path.join(root, 'src', 'main', 'cli', 'index.ts');
  await import(pathToFileURL(process.argv[1]).href);
}
