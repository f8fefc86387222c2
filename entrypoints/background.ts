// Background entrypoint: the only place that will hold identities and talk to servers. Thin: it wires the
// message gate in lib/background-handler.ts to the browser. Replies go back as a Promise (webextension-polyfill).
import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import { handleMessage } from '@/lib/background-handler';

export default defineBackground(() => {
  browser.runtime.onMessage.addListener((raw: unknown, sender) => handleMessage(raw, sender));
});
