// Lint rules, including the layering of docs/ARCHITECTURE.md: imports point down only.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const electronImports = {
  paths: [{ name: 'electron', message: 'main/engine is plain Node: it never imports electron.' }],
  patterns: [
    { group: ['**/electron/**', '**/cli/**', '**/server/**'], message: 'The engine never imports a front door.' },
    { group: ['**/renderer/**'], message: 'The engine never imports the renderer.' },
  ],
};

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'bench/results/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'always'],
      'no-console': 'off',
    },
  },
  {
    files: ['scripts/**/*.js', 'bin/**/*.js', 'eslint.config.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly' } },
  },
  { files: ['main/engine/**/*.ts'], rules: { 'no-restricted-imports': ['error', electronImports] } },
  {
    files: ['renderer/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The renderer reaches main only through the FinderApi bridge.' }],
          patterns: [
            { group: ['**/main/**'], message: 'The renderer never imports main: use the FinderApi (preload/contract).' },
            { group: ['node:*'], message: 'The renderer runs in a browser page: no Node modules.' },
          ],
        },
      ],
    },
  },
  {
    files: ['preload/preload.cts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['*', '!electron'], allowTypeImports: true, message: 'A sandboxed preload can require only electron (types may come from anywhere).' }] },
      ],
    },
  },
  {
    files: ['main/electron/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/cli/**', '**/server/**'], message: 'The desktop shell sits beside the CLI and server, not on them.' }] }],
    },
  },
  {
    files: ['preload/contract.ts', 'preload/contract/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          // zod and its own parts (./contract/x.js, ./x.js): nothing else.
          patterns: [{ regex: '^(?!zod$)(?!\\./)', message: 'The contract is types and schemas only: it imports zod alone.' }],
        },
      ],
    },
  },
);
