// The PIN pad content script sets zod's jitless mode before any schema is built: loading it never probes
// `Function` (in a page, the page's CSP would report the probe).
import { expect, it } from 'vitest';
import { z } from 'zod';
import { evalProbes } from './zod-probe';

it('loads the content script without zod probing for eval, and leaves zod jitless', async () => {
  expect(await evalProbes(() => import('@/entrypoints/pinpad.content'))).toBe(0);
  expect(z.config().jitless).toBe(true);
});
