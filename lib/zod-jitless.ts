// zod's jitless mode, for every entrypoint. zod 4 decides, when it builds its first object schema, whether it may
// compile faster parsers with `new Function`; to find out it runs `new Function("")`, which the extension's CSP (no
// 'unsafe-eval', R14) and a page's CSP (the content script) report as a violation, and which web-ext lint flags. With
// `jitless` it never tries. Each entrypoint imports this module first: ES modules run in import order, so this runs
// before any module that builds a schema (wxt.config.ts also drops the probe from the bundles).
import { z } from 'zod';

z.config({ jitless: true });
