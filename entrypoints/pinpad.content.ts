// The PIN pad content script. Registered at runtime by the background (scripting.registerContentScripts) for the
// exact origins of added services only, so `matches` is empty here and nothing is added to the manifest.
// Top frame only (R7); the isolated world only (R18); the work is in lib/pinpad/content.ts.
import '@/lib/zod-jitless'; // first: before any schema is built
import { defineContentScript } from 'wxt/utils/define-content-script';
import { runPinpadScript } from '@/lib/pinpad/content';

export default defineContentScript({
  registration: 'runtime',
  matches: [],
  runAt: 'document_idle',
  // WXT otherwise announces every content script start to the page with window.postMessage(…, '*') (R13).
  noScriptStartedPostMessage: true,
  main(ctx) {
    if (window.top !== window) return;
    runPinpadScript(ctx);
  },
});
