/**
 * zod's jitless mode for the demo site's scripts, imported first by each of them (ES modules run in import order).
 * zod 4 would otherwise probe once with `new Function("")` whether it may compile faster parsers, which the pages' CSP
 * (no 'unsafe-eval') reports as a violation. The extension does the same in lib/zod-jitless.ts, which server/web may
 * not import (docs/architecture.md, layer rule 4).
 */
import { config } from 'zod';

config({ jitless: true });
