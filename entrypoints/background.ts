// Background entrypoint: the only place that holds identities and talks to servers. Thin: it wires the message
// gate in lib/background-handler.ts to the browser, the expiry alarm to the app (R23: expired secrets and flows are
// wiped even if nobody reads them; also on every start, for what expired while the background slept), and
// re-registers the PIN pad content script for the added services on startup. Replies go back as a Promise
// (webextension-polyfill).
import '@/lib/zod-jitless'; // first: before any schema is built
import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import { getApp } from '@/lib/app/app';
import { EXPIRY_ALARM } from '@/lib/app/platform';
import { handleMessage } from '@/lib/background-handler';

export default defineBackground(() => {
  // The listener answers by returning a promise (webextension-polyfill's contract), so returning it is deliberate.
  // eslint-disable-next-line @typescript-eslint/no-misused-promises
  browser.runtime.onMessage.addListener((raw: unknown, sender) => handleMessage(raw, sender));
  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === EXPIRY_ALARM) void getApp().expire();
  });
  void getApp()
    .expire()
    .catch(() => console.warn('[mpin] expiry failed'));
  void getApp()
    .syncContentScripts()
    .catch(() => console.warn('[mpin] content script registration failed'));
});
