// ESLint (flat config): typescript-eslint with type information, eslint-plugin-svelte, and the layer rules of
// docs/architecture.md, so that a forbidden import fails `npm run lint` (and `npm test`), not a reviewer's memory.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...new Set(builtinModules.flatMap((m) => (m.startsWith('node:') ? [m] : [m, `node:${m}`])))];

/** Node's globals that browser code must not reach for (the compiler cannot keep Node's types out of WXT code). */
const nodeGlobals = ['process', 'Buffer', 'require', 'module', '__dirname', '__filename', 'global', 'setImmediate'].map(
  (name) => ({ name, message: 'Browser code: no Node globals.' }),
);
const browserGlobals = [
  'window',
  'document',
  'navigator',
  'location',
  'localStorage',
  'sessionStorage',
  'indexedDB',
  'chrome',
  'browser',
  'fetch',
  'self',
].map((name) => ({ name, message: 'lib/mpin is pure: no browser APIs.' }));

const noNodeBuiltins = { paths: nodeBuiltins.map((name) => ({ name, message: 'Browser code: no Node built-ins.' })) };

/** Each layer's import rule; see docs/architecture.md (Layers). */
const layers = {
  mpin: {
    patterns: [
      {
        regex: '^(?!\\./[\\w.-]+\\.ts$|@noble/(curves|hashes)/)',
        message: 'lib/mpin imports only its own modules and @noble: no browser, Node, extension or server code.',
      },
    ],
  },
  extension: {
    ...noNodeBuiltins,
    patterns: [
      { regex: '(^|/)server(/|$)', message: 'The extension never imports the server.' },
      { regex: '^milagro-crypto-js', message: 'milagro-crypto-js is a test oracle only.' },
    ],
  },
  serverBrowser: {
    ...noNodeBuiltins,
    patterns: [
      {
        regex: '(^|/)(entrypoints|components)/|(^|/)lib/(?!mpin/|rps/)',
        message: 'server/ may import only lib/mpin and lib/rps from the extension tree.',
      },
      {
        regex: '^(wxt|@wxt-dev|webextension-polyfill|idb|svelte)(/|$)',
        message: 'server/ does not use extension libraries.',
      },
      { regex: '^milagro-crypto-js', message: 'milagro-crypto-js is a test oracle only.' },
    ],
  },
};
const serverNode = { patterns: layers.serverBrowser.patterns };

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      '.output/',
      '.wxt/',
      'server/rpa/static/',
      'coverage/',
      'scratch/',
      'logs/',
      'tests/vectors/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  ...svelte.configs.recommended,
  {
    languageOptions: {
      parserOptions: {
        // One program per layer (most specific first), so each file is checked with its own layer's types.
        project: [
          './lib/mpin/tsconfig.json',
          './server/web/tsconfig.json',
          './server/tsconfig.json',
          './tsconfig.json',
          './tsconfig.node.json',
        ],
        tsconfigRootDir: import.meta.dirname,
        extraFileExtensions: ['.svelte'],
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Milagro's wire data is typed at the zod boundary; elsewhere a cast is a deliberate, local choice.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      // Validation rules match control characters on purpose, to refuse them.
      'no-control-regex': 'off',
      // Fastify handlers and the storage interface are async by contract, awaiting or not.
      '@typescript-eslint/require-await': 'off',
      // R20 (docs/security-rules.md): randomness only from crypto.getRandomValues.
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Use crypto.getRandomValues (R20).' },
      ],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
    // eslint-plugin-svelte types child components' props as any; svelte-check (npm run check) types them for real.
    rules: { '@typescript-eslint/no-unsafe-assignment': 'off', '@typescript-eslint/no-unsafe-argument': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  // Node-side code: the server, tests, scripts, benchmarks, configs.
  {
    files: ['server/**', 'tests/**', 'scripts/**', 'bench/**', '*.config.*'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    // The e2e tests hand functions to the browser (page.evaluate), so they see both worlds.
    files: ['entrypoints/**', 'components/**', 'lib/**', 'server/web/**', 'tests/e2e/**', 'scripts/*.mjs'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['tests/e2e/**'],
    languageOptions: { globals: { ...globals.webextensions } },
  },
  // Layer rules.
  {
    files: ['lib/mpin/**'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': ['error', layers.mpin],
      'no-restricted-globals': ['error', ...browserGlobals, ...nodeGlobals],
    },
  },
  {
    files: ['entrypoints/**', 'components/**', 'lib/**'],
    ignores: ['lib/mpin/**'],
    rules: { 'no-restricted-imports': ['error', layers.extension], 'no-restricted-globals': ['error', ...nodeGlobals] },
  },
  {
    files: ['server/**'],
    ignores: ['server/web/**'],
    rules: { 'no-restricted-imports': ['error', serverNode] },
  },
  {
    files: ['server/web/**'],
    ignores: ['server/web/build.ts'],
    rules: {
      'no-restricted-imports': ['error', layers.serverBrowser],
      'no-restricted-globals': ['error', ...nodeGlobals],
    },
  },
  // Tests and benchmarks read untyped JSON from the server and the oracle on purpose, and may use Math.random.
  {
    files: ['tests/**', 'bench/**'],
    rules: {
      'no-restricted-properties': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/unbound-method': 'off', // expect(mock.method) reads a method without calling it
      '@typescript-eslint/no-base-to-string': 'off', // fetch stand-ins print whatever URL object they are given
      '@typescript-eslint/no-misused-promises': 'off', // async stand-ins for browser APIs in mocks
      '@typescript-eslint/no-unnecessary-type-assertion': 'off', // getBy…() as HTMLInputElement reads better in tests
    },
  },
);
