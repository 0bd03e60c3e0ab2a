import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The floors of src/main, lowest first; src/main/README.md ("Floors") states the same table and the
 * last case below holds it to this one. A file imports its own folder and folders earlier in this
 * list, never later ones: the next import that runs up a floor fails here with its file and line.
 * Tests (*.test.ts, *.test.tsx) compose whole back ends and are exempt; nothing else in src/main
 * imports test/.
 */
const floors: ReadonlyArray<{ floor: string; folders: readonly string[] }> = [
  { floor: 'base', folders: ['logging', 'files', 'db', 'core', 'fonts'] },
  { floor: 'repositories', folders: ['repositories'] },
  { floor: 'institution API', folders: ['institution-api'] },
  {
    floor: 'features',
    folders: ['exports', 'audit', 'auth', 'users', 'settings', 'institutions', 'review', 'portfolio', 'sync', 'reports', 'system', 'simulator'],
  },
  { floor: 'router', folders: ['rpc'] },
  { floor: 'composition', folders: ['runtime'] },
  { floor: 'transport', folders: ['server', 'remote'] },
  { floor: 'entries', folders: ['cli', 'app', 'index.ts'] },
];

/** Folders that may import only these (besides src/shared and themselves): the simulator is its own program. */
const onlyFrom: Readonly<Record<string, readonly string[]>> = {
  simulator: ['fonts', 'institution-api'],
  // The desktop's transport to a team server: the contract and nothing of the back end.
  remote: [],
  // Base folders that stand alone: the others build on them.
  files: [],
  fonts: [],
};

const root = process.cwd();
const order = floors.flatMap((entry) => entry.folders);
const extensions = ['.ts', '.tsx'];

interface Edge {
  file: string;
  line: number;
  target: string;
}

function walk(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(`${dir}/${entry.name}`) : [`${dir}/${entry.name}`],
  );
}

/** The top-level folder of src/main a file belongs to ('index.ts' for src/main/index.ts); null outside src/main. */
function folderOf(file: string): string | null {
  const parts = file.split('/');
  return parts[0] === 'src' && parts[1] === 'main' && parts.length >= 3 ? (parts[2] ?? null) : null;
}

function resolveImport(file: string, specifier: string): string {
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
  for (const candidate of [base, ...extensions.map((ext) => base + ext), ...extensions.map((ext) => `${base}/index${ext}`)]) {
    const absolute = path.join(root, candidate);
    if (existsSync(absolute) && statSync(absolute).isFile()) return candidate;
  }
  return base;
}

// `import … from './x'` (also `import type`, multi-line, `export … from`), `import('./x')`, `import './x'`.
const importPattern = /(?:^|\n)[ \t]*(?:import|export)\b[^;'"]*?\bfrom\s*['"](\.[^'"]*)['"]|\bimport\s*\(\s*['"](\.[^'"]*)['"]\s*\)|(?:^|\n)[ \t]*import\s*['"](\.[^'"]*)['"]/g;

function importsOf(file: string, text: string): Edge[] {
  const edges: Edge[] = [];
  for (const match of text.matchAll(importPattern)) {
    const specifier = match[1] ?? match[2] ?? match[3];
    if (specifier === undefined) continue;
    const index = match.index ?? 0;
    const at = index + (text[index] === '\n' ? 1 : 0);
    edges.push({ file, line: text.slice(0, at).split('\n').length, target: resolveImport(file, specifier) });
  }
  return edges;
}

/** Why an import breaks the floors, or null when it may stay. */
function violationOf(edge: Edge): string | null {
  if (/\.test\.tsx?$/.test(edge.file)) return null;
  const from = folderOf(edge.file);
  if (from === null) return null;
  const where = `${edge.file}:${edge.line} imports ${edge.target}`;
  if (edge.target.startsWith('test/')) return `${where}: src/main never imports test/`;
  const to = folderOf(edge.target);
  if (to === null || to === from) return null;
  const only = onlyFrom[from];
  if (only && !only.includes(to)) return `${where}: ${from}/ may import only ${only.join('/, ')}/`;
  const fromRank = order.indexOf(from);
  const toRank = order.indexOf(to);
  if (fromRank < 0 || toRank < 0) return `${where}: put ${fromRank < 0 ? from : to} on a floor (test/unit/floors.test.ts and src/main/README.md)`;
  return toRank > fromRank ? `${where}: ${from}/ is below ${to}/` : null;
}

function sourceEdges(): Edge[] {
  return walk('src/main')
    .filter((file) => extensions.includes(path.extname(file)))
    .flatMap((file) => importsOf(file, readFileSync(path.join(root, file), 'utf8')));
}

describe('the floors of src/main', () => {
  it('no import runs up a floor', () => {
    expect(sourceEdges().flatMap((edge) => violationOf(edge) ?? [])).toEqual([]);
  });

  it('places every folder of src/main on a floor', () => {
    const entries = readdirSync(path.join(root, 'src/main')).filter((name) => name !== 'README.md');
    expect(entries.filter((name) => !order.includes(name))).toEqual([]);
  });

  it.each([
    ['src/main/review/bad.ts', 'src/main/rpc/context.ts'],
    ['src/main/sync/bad.ts', 'src/main/runtime/events.ts'],
    ['src/main/exports/bad.ts', 'src/main/server/http-server.ts'],
    ['src/main/repositories/bad.ts', 'src/main/sync/normalize.ts'],
    ['src/main/db/schema/bad.ts', 'src/main/repositories/orders.ts'],
    ['src/main/rpc/handlers/bad.ts', 'src/main/runtime/backend.ts'],
    ['src/main/audit/bad.ts', 'src/main/sync/service.ts'],
    ['src/main/review/bad.ts', 'src/main/sync/engine.ts'],
    ['src/main/simulator/bad.ts', 'src/main/cli/command.ts'],
    ['src/main/simulator/images/bad.ts', 'src/main/db/connection.ts'],
    ['src/main/review/bad.ts', 'test/support/backend.ts'],
    ['src/main/institution-api/bad.ts', 'src/main/sync/engine.ts'],
  ])('refuses %s importing %s', (file, target) => {
    expect(violationOf({ file, line: 1, target })).not.toBeNull();
  });

  it.each([
    ['src/main/sync/bad.ts', 'src/main/review/task-sync.ts'],
    ['src/main/reports/bad.ts', 'src/main/exports/model.ts'],
    ['src/main/cli/commands/bad.ts', 'src/main/runtime/backend.ts'],
    ['src/main/server/bad.ts', 'src/main/runtime/backend.ts'],
    ['src/main/simulator/bad.ts', 'src/main/institution-api/signing.ts'],
    ['src/main/simulator/images/bad.ts', 'src/main/fonts/cjk-font.ts'],
    ['src/main/review/bad.test.ts', 'src/main/runtime/backend.ts'],
    ['src/main/review/bad.ts', 'src/shared/domain/findings.ts'],
  ])('allows %s importing %s', (file, target) => {
    expect(violationOf({ file, line: 1, target })).toBeNull();
  });

  it('reads multi-line, type-only, re-exported, dynamic and bare imports', () => {
    const text = [
      "import {",
      "  a,",
      "  type B,",
      "} from '../rpc/virtual-a';",
      "import type { C } from './virtual-c';",
      "export { d } from '../runtime/virtual-d';",
      "const e = await import('../server/virtual-e');",
      "import '../cli/virtual-f';",
    ].join('\n');
    expect(importsOf('src/main/review/x.ts', text).map((edge) => [edge.line, edge.target])).toEqual([
      [1, 'src/main/rpc/virtual-a'],
      [5, 'src/main/review/virtual-c'],
      [6, 'src/main/runtime/virtual-d'],
      [7, 'src/main/server/virtual-e'],
      [8, 'src/main/cli/virtual-f'],
    ]);
  });

  it('says the same as the floors table of src/main/README.md', () => {
    const readme = readFileSync(path.join(root, 'src/main/README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('## Floors'));
    const rows = table.split('\n').filter((line) => /^\| \d+ \|/.test(line));
    const stated = rows.map((row) => [...(row.split('|')[3] ?? '').matchAll(/`([a-z.-]+?)\/?`/g)].map((match) => match[1]));
    expect(stated).toEqual(floors.map((entry) => entry.folders));
  });
});
