// The browser APIs the use cases need, each wrapped so that a missing or failing API degrades to "no" instead of
// throwing (and so that tests can replace them). Nothing here reads or writes identities.
import { browser } from 'wxt/browser';
import { z } from 'zod';
import { CompleteSignInReply, type CompleteSignInMessage } from '../messages';
import { isAllowedServiceOrigin } from '../rps/url-policy';
import { deviceNameSuggestion } from '../rps/device-name';
import { hostPattern } from './origin';
import { decodeQr, pixelsOfDataUrl } from './qr';

export const CONTENT_SCRIPT_ID = 'mpin-pinpad';
const CONTENT_SCRIPT_FILE = 'content-scripts/pinpad.js';

/** Host access for an origin's host (hostPattern), as the popup requested it (optional host permissions). */
export async function hasHostPermission(origin: string): Promise<boolean> {
  try {
    return await browser.permissions.contains({ origins: [hostPattern(origin)] });
  } catch {
    return false;
  }
}

/**
 * Registers the PIN pad content script for the hosts of these origins (top frame, document_idle; no port in the
 * patterns, see hostPattern: the background checks the exact origin of every report), updates it when it is there
 * already, and unregisters it when there are none. Origins that are no service address (plain http off this
 * computer, stored by an older version) get no content script.
 */
export async function syncContentScripts(origins: string[]): Promise<void> {
  try {
    const existing = await browser.scripting.getRegisteredContentScripts({ ids: [CONTENT_SCRIPT_ID] });
    const matches = [...new Set(origins.filter(isAllowedServiceOrigin).map(hostPattern))].sort();
    if (matches.length === 0) {
      if (existing.length) await browser.scripting.unregisterContentScripts({ ids: [CONTENT_SCRIPT_ID] });
      return;
    }
    const script = {
      id: CONTENT_SCRIPT_ID,
      js: [CONTENT_SCRIPT_FILE],
      matches,
      runAt: 'document_idle' as const,
      allFrames: false,
    };
    if (existing.length) await browser.scripting.updateContentScripts([script]);
    else await browser.scripting.registerContentScripts([script]);
  } catch (e) {
    console.warn('[mpin] content script registration failed:', e instanceof Error ? e.name : 'error');
  }
}

const Detected = z.strictObject({ origin: z.string().url().max(256), found: z.boolean() });
/** entrypoints/pinpad-probe.ts, built as an unlisted script: the content script's PIN pad detector, run once. */
const PINPAD_PROBE_FILE = '/pinpad-probe.js';

/** The origin of the PIN pad on the active tab, if there is one (popup open: activeTab is granted). */
export async function detectPinpad(): Promise<string | undefined> {
  try {
    const [tab] = await browser.tabs.query({ active: true, currentWindow: true });
    if (tab?.id === undefined) return undefined;
    const [result] = await browser.scripting.executeScript({
      target: { tabId: tab.id, frameIds: [0] },
      files: [PINPAD_PROBE_FILE],
    });
    const parsed = Detected.safeParse(result?.result);
    if (!parsed.success || !parsed.data.found || !isAllowedServiceOrigin(parsed.data.origin)) return undefined;
    return parsed.data.origin;
  } catch {
    return undefined;
  }
}

/**
 * The text of a QR code shown on the active tab, from a screenshot of it (captureVisibleTab, allowed by activeTab
 * when the user opened the popup from the toolbar on that page); undefined when there is none or no access.
 */
export async function scanQr(): Promise<string | undefined> {
  try {
    const shot = await browser.tabs.captureVisibleTab({ format: 'png' });
    return decodeQr(await pixelsOfDataUrl(shot)) ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * The origin a tab shows, or is about to show (Chrome's `pendingUrl` during a navigation); undefined when the tab is
 * gone or shows a site the extension has no host access to (the browser then hides its URL).
 */
export async function tabOrigin(tabId: number): Promise<string | undefined> {
  try {
    const tab = await browser.tabs.get(tabId);
    const pending = (tab as { pendingUrl?: unknown }).pendingUrl;
    const url = typeof pending === 'string' && pending ? pending : tab.url;
    if (!url) return undefined;
    const origin = new URL(url).origin;
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

/**
 * Hands an authOTT to the content script of the document that asked (`documentId`, where the browser names
 * documents: a tab that moved on has another document, which the message can no longer reach), else of the tab's top
 * frame. The reply is the authenticateURL's HTTP status, or 'page-changed' when that page is gone or is not the one
 * that asked (then nothing was sent anywhere).
 */
export async function completeSignIn(
  tabId: number,
  message: CompleteSignInMessage,
  documentId?: string,
): Promise<number | 'page-changed' | undefined> {
  let reply: unknown;
  try {
    reply = await browser.tabs.sendMessage(tabId, message, documentId ? { documentId } : { frameId: 0 });
  } catch {
    return 'page-changed'; // no receiver: that document is gone (or its content script is)
  }
  const parsed = CompleteSignInReply.safeParse(reply);
  if (!parsed.success) return undefined;
  if (parsed.data.reason === 'page-changed') return 'page-changed';
  return parsed.data.status ?? (parsed.data.ok ? 200 : undefined);
}

/** The one alarm the extension sets: when the next secret or flow expires (R23). */
export const EXPIRY_ALARM = 'mpin-expiry';

/**
 * Arms the expiry alarm for `when` (ms since the epoch), or clears it when nothing is left to expire. The alarm
 * wipes expired data even if nobody reads it; a browser may fire it late (Chrome: not before 30 s), so every read
 * checks the expiry as well.
 */
export async function scheduleExpiry(when: number | undefined): Promise<void> {
  try {
    if (when === undefined) await browser.alarms.clear(EXPIRY_ALARM);
    else await browser.alarms.create(EXPIRY_ALARM, { when });
  } catch (e) {
    console.warn('[mpin] expiry alarm failed:', e instanceof Error ? e.name : 'error');
  }
}

/** Opens the popup after a content script asked for a sign-in (best effort: not every browser allows it). */
export async function openPopup(): Promise<void> {
  try {
    const action = browser as unknown as {
      action?: { openPopup?: () => Promise<void> };
      browserAction?: { openPopup?: () => Promise<void> };
    };
    await (action.action?.openPopup ?? action.browserAction?.openPopup)?.();
  } catch {
    /* the user opens it */
  }
}

export interface Platform {
  hasHostPermission: typeof hasHostPermission;
  syncContentScripts: typeof syncContentScripts;
  detectPinpad: typeof detectPinpad;
  scanQr: typeof scanQr;
  tabOrigin: typeof tabOrigin;
  completeSignIn: typeof completeSignIn;
  openPopup: typeof openPopup;
  scheduleExpiry: typeof scheduleExpiry;
  deviceNameSuggestion: () => string;
}

export const defaultPlatform: Platform = {
  hasHostPermission,
  syncContentScripts,
  detectPinpad,
  scanQr,
  tabOrigin,
  completeSignIn,
  openPopup,
  scheduleExpiry,
  deviceNameSuggestion: () => deviceNameSuggestion(globalThis.navigator?.userAgent ?? ''),
};
