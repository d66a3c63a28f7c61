import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import { layerRules } from './build/eslint/layers.js';

// The layering of docs/architecture.md §1, enforced: what each runtime may import.
const nodeBuiltins = { group: ['node:*'], message: 'The renderer is sandboxed: no Node modules.' };
const electronImport = { name: 'electron', message: 'Only electron/main.ts, electron/preload.ts and electron/shell/ may import electron.' };
const coreFromRenderer = { group: ['**/electron/**', '**/hub/**'], message: 'The renderer talks to the core only through the contract (window.kiosk).' };
// shared/node/ is code the two Node layers (core and hub) share; the rest of shared/ runs in the renderer too.
const sharedNode = { group: ['**/shared/node/**'], message: 'shared/node/ is for the Node layers (core and hub), not the renderer.' };
const oursFromShared = { group: ['**/electron/**', '**/renderer/**', '**/hub/**'], message: 'shared/ depends on nothing of ours.' };
const kioskFromHub = { group: ['**/electron/**', '**/renderer/**'], message: 'The hub imports shared/ and Node, never the kiosk.' };
// `**/http/**` and not `**/hub/http/**`: inside the hub the import is relative (../http/errors.ts), and the pattern is matched against the import as written.
const httpFromHubDomain = { group: ['**/http/**', '**/hub/http/**'], message: 'Hub domain code never imports the HTTP layer (hub/http/): the routes call the domain, not the other way.' };

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'bench/results/**', 'bench/.cache/**', 'test-results/**', '.scratch/**', '.kiosk-data/**', '.hub-data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', { paths: [electronImport], patterns: [nodeBuiltins, coreFromRenderer, sharedNode] }],
    },
  },
  {
    files: ['electron/core/**', 'electron/browser-host/**', 'shared/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [electronImport] }] },
  },
  {
    files: ['shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronImport],
          patterns: [
            { group: ['node:*'], message: 'shared/ runs in every layer, the renderer too.' },
            { group: ['**/node/**'], message: 'shared/node/ is for the Node layers only; the rest of shared/ runs in the renderer too.' },
            oursFromShared,
          ],
        },
      ],
    },
  },
  {
    files: ['shared/node/**'],
    // Node's modules are allowed here (that is what the folder is for); our other layers are not.
    rules: { 'no-restricted-imports': ['error', { paths: [electronImport], patterns: [oursFromShared] }] },
  },
  {
    files: ['hub/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [electronImport], patterns: [kioskFromHub] }],
    },
  },
  {
    // The hub is layered outside in: HTTP (hub/http/) calls the domain, the composition (server.ts, runtime/) wires both; the domain never reaches out.
    files: ['hub/**'],
    ignores: ['hub/http/**', 'hub/server.ts', 'hub/runtime/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [electronImport], patterns: [kioskFromHub, httpFromHubDomain] }],
    },
  },
  ...layerRules,
);
