// Background entrypoint: the only place that holds identities and talks to servers. Thin: it wires the message
// gate in lib/background-handler.ts to the browser, and re-registers the PIN pad content script for the added
// services on startup. Replies go back as a Promise (webextension-polyfill).
import '@/lib/zod-jitless'; // first: before any schema is built
import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import { getApp } from '@/lib/app/app';
import { handleMessage } from '@/lib/background-handler';

export default defineBackground(() => {
  // The listener answers by returning a promise (webextension-polyfill's contract), so returning it is deliberate.
  // eslint-disable-next-line @typescript-eslint/no-misused-promises
  browser.runtime.onMessage.addListener((raw: unknown, sender) => handleMessage(raw, sender));
  void getApp()
    .syncContentScripts()
    .catch(() => console.warn('[mpin] content script registration failed'));
});
