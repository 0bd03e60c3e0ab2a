import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { containedPath } from './static-path';

describe('containedPath', () => {
  const root = path.resolve('/srv/out/renderer');

  it('names files inside the root', () => {
    expect(containedPath(root, '/index.html')).toBe(path.join(root, 'index.html'));
    expect(containedPath(root, '/assets/app.js')).toBe(path.join(root, 'assets', 'app.js'));
    expect(containedPath(root, '/')).toBe(root);
  });

  it('refuses parents and siblings that share the root’s name as a prefix', () => {
    expect(containedPath(root, '/../renderer-evil/x.js')).toBeNull();
    expect(containedPath(root, '/../../etc/passwd')).toBeNull();
    expect(containedPath(root, '/..')).toBeNull();
  });

  it('keeps a name that merely starts with two dots', () => {
    expect(containedPath(root, '/..hidden')).toBe(path.join(root, '..hidden'));
  });
});
