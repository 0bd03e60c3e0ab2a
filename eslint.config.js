import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * The layering rules of STYLE.md, enforced here (and proven by test/unit/layering.test.ts):
 * src/shared is pure; only src/main/app and the preload touch electron; the renderer reaches
 * the back end only through its RPC client.
 */
const electronImport = { name: 'electron', message: 'Only src/main/app and src/preload may import electron.' };
const nodeBuiltins = { group: ['node:*'], message: 'src/shared is pure: no Node built-ins.' };

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'drizzle/**', 'test-results/**', 'playwright-report/**', '.cache/**'] },
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-imports': ['error', { paths: [electronImport] }],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronImport, { name: 'react', message: 'src/shared is pure: no React.' }, { name: 'better-sqlite3', message: 'src/shared is pure.' }],
          patterns: [
            nodeBuiltins,
            { group: ['drizzle-orm', 'drizzle-orm/*'], message: 'src/shared is pure: no database code.' },
            { group: ['**/main/**', '**/renderer/**', '**/preload/**', '../main', '../renderer', '../preload'], message: 'src/shared must not import main, renderer or preload.' },
            { group: ['fs', 'path', 'os', 'crypto', 'http', 'child_process'], message: 'src/shared is pure: no Node built-ins.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/main/app/**/*.ts', 'src/preload/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // A key built at run time is checked by its template type (a closed union) or goes through labelOf/isMessageKey.
      'no-restricted-syntax': ['error', { selector: "TSAsExpression > TSTypeReference > Identifier[name='MessageKey']", message: 'Type the key (a union value) or use labelOf for open codes.' }],
      'no-restricted-imports': [
        'error',
        {
          paths: [electronImport],
          patterns: [
            { group: ['**/main/**', '../main', '../../main'], message: 'The renderer reaches the back end only through src/renderer/api/client.' },
            { group: ['**/api/client'], importNames: ['rpc'], message: 'Pages read and write through src/renderer/api/hooks (useRpcQuery, useRpcMutation, useRpcInfiniteQuery, useRpcFetch).' },
            nodeBuiltins,
          ],
        },
      ],
    },
  },
  {
    // The data layer itself, session and desk-connection discovery (before any page, with its own backoff) and tests that stub the client.
    files: ['src/renderer/api/**/*.ts', 'src/renderer/auth/SessionProvider.tsx', 'src/renderer/desk/DeskProvider.tsx', 'src/renderer/**/*.test.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [electronImport], patterns: [{ group: ['**/main/**', '../main', '../../main'], message: 'The renderer reaches the back end only through src/renderer/api/client.' }, nodeBuiltins] },
      ],
    },
  },
);
