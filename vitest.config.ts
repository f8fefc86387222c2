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
    setupFiles: ['fake-indexeddb/auto'],
  },
});
