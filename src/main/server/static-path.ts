import path from 'node:path';

/**
 * The file a request path names inside `root`, or null when it would leave `root`. Compares path
 * segments (path.relative), not a string prefix: with a prefix test `/srv/out/renderer-evil`
 * passes for the root `/srv/out/renderer`. Shared by the HTTP server and the desktop's app://
 * scheme.
 */
export function containedPath(root: string, requestPath: string): string | null {
  const base = path.resolve(root);
  const file = path.resolve(base, `.${path.sep}${requestPath}`);
  const relative = path.relative(base, file);
  if (relative === '') return file;
  if (path.isAbsolute(relative) || relative === '..' || relative.startsWith(`..${path.sep}`)) return null;
  return file;
}
