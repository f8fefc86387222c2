// The PIN pad content script. Registered at runtime by the background (scripting.registerContentScripts) for the
// hosts of added services only (every port of them: match patterns carry no port), so `matches` is empty here and
// nothing is added to the manifest; lib/pinpad/content.ts first asks whether its exact origin is a service and does
// nothing otherwise. Top frame only (R7); the isolated world only (R18).
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
