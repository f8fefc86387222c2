// The popup entrypoint sets zod's jitless mode before any schema is built: loading it never probes `Function`.
import { expect, it } from 'vitest';
import { z } from 'zod';
import { evalProbes } from './zod-probe';

it('loads the popup without zod probing for eval, and leaves zod jitless', async () => {
  document.body.innerHTML = '<div id="app"></div>'; // the popup's index.html (test-only markup)
  expect(await evalProbes(() => import('@/entrypoints/popup/main'))).toBe(0);
  expect(z.config().jitless).toBe(true);
});
