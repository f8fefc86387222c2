// The background entrypoint sets zod's jitless mode before any schema is built: loading it never probes `Function`.
import { expect, it } from 'vitest';
import { z } from 'zod';
import { evalProbes } from './zod-probe';

it('loads the background without zod probing for eval, and leaves zod jitless', async () => {
  expect(await evalProbes(() => import('@/entrypoints/background'))).toBe(0);
  expect(z.config().jitless).toBe(true);
});
