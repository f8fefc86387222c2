// Vitest configuration: unit tests under tests/ (not the browser e2e tests), with WXT's fake browser,
// Svelte components compiled for the browser, happy-dom and an in-memory IndexedDB.
import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing/vitest-plugin';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';

export default defineConfig({
  // WxtVitest does not apply WXT modules, so the Svelte plugin is added here as well.
  plugins: [WxtVitest(), svelte({ configFile: false }), svelteTesting()],
  test: {
    environment: 'happy-dom',
    include: ['tests/**/*.test.ts'],
    exclude: ['tests/e2e/**', '**/node_modules/**'],
    // The English catalogue answers browser.i18n in the fake browser (the popup's words in component tests).
    setupFiles: ['fake-indexeddb/auto', 'tests/unit/english-messages.ts'],
    globalSetup: ['tests/support/postgres-global-setup.ts'],
    // Many tests run pairings or start a real server; on a busy 2-core machine those take several times longer than
    // on an idle one. The limits only catch hangs: no test asserts how fast anything is (benchmarks do that).
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
