// The background's message gate and dispatcher: checks who sent a message, parses it, and answers it.
// The entrypoint (entrypoints/background.ts) only wires this to browser.runtime.onMessage.
import { browser, type Browser } from 'wxt/browser';
import { getApp, type App } from './app/app';
import { BackgroundMessage } from './messages';

type Sender = Browser.runtime.MessageSender;

/** Where a message came from, decided from what the browser reports, never from the message body. */
export type SenderKind = 'extension-page' | 'content-script' | 'rejected';

/**
 * Who may send each message type (R11): `status`, `getState` and `intent` only from extension pages (only they need
 * them; a content script learns nothing it does not need); the content script's reports only from a content script
 * in a tab's top frame.
 */
const ALLOWED: Record<BackgroundMessage['type'], readonly SenderKind[]> = {
  status: ['extension-page'],
  getState: ['extension-page'],
  intent: ['extension-page'],
  isService: ['content-script'],
  pinpadFound: ['content-script'],
  requestLocalSignIn: ['content-script'],
};

/** The extension's own origin, e.g. `chrome-extension://<id>` or `moz-extension://<uuid>`. */
function extensionOrigin(): string {
  return browser.runtime.getURL('/').replace(/\/$/, '');
}

function originOf(sender: Sender): string | undefined {
  if (sender.origin) return sender.origin;
  // Firefox may omit sender.origin; fall back to the origin of sender.url (R11, docs/security-rules.md).
  if (!sender.url) return undefined;
  try {
    return new URL(sender.url).origin;
  } catch {
    return undefined;
  }
}

/** The web origin of a content script's page (top frame): from what the browser reports, http(s) only. */
function pageOrigin(sender: Sender): string | undefined {
  for (const candidate of [sender.origin, sender.url, sender.tab?.url]) {
    if (!candidate) continue;
    try {
      const u = new URL(candidate);
      if (u.protocol === 'http:' || u.protocol === 'https:') return u.origin;
    } catch {
      /* try the next */
    }
  }
  return undefined;
}

/** The sender's document id (Chrome 106+, newer Firefox), when it is a plausible one. */
function documentIdOf(sender: Sender): string | undefined {
  const id = (sender as { documentId?: unknown }).documentId;
  return typeof id === 'string' && /^[\w-]{1,64}$/.test(id) ? id : undefined;
}

/**
 * Classify a sender (R11/R12): other extensions and subframes are rejected; an extension page is a sender whose
 * origin is the extension's own (the popup, or an extension page opened in a tab's top frame); a content script is
 * our own script in the top frame of a tab showing a web page.
 */
export function classifySender(sender: Sender): SenderKind {
  if (sender.id !== browser.runtime.id) return 'rejected';
  // URL.origin is "null" for moz-extension: URLs in some runtimes, so compare the URL prefix as well.
  const own = extensionOrigin();
  const isOwnPage = originOf(sender) === own || sender.url?.startsWith(`${own}/`) === true;
  if (sender.tab === undefined) return isOwnPage ? 'extension-page' : 'rejected';
  if (sender.frameId !== 0) return 'rejected';
  return isOwnPage ? 'extension-page' : 'content-script';
}

/**
 * Handle one raw runtime message. The gate is synchronous: a dropped message (rejected sender, a message that
 * does not parse, or a type this sender may not send) gets `undefined`, i.e. no reply at all, and is logged by
 * reason, never by content. An accepted message gets a Promise of its reply.
 */
export function handleMessage(raw: unknown, sender: Sender, app: App = getApp()): Promise<unknown> | undefined {
  const kind = classifySender(sender);
  if (kind === 'rejected') {
    console.warn('[mpin] message dropped: sender-rejected');
    return undefined;
  }
  const parsed = BackgroundMessage.safeParse(raw);
  if (!parsed.success) {
    console.warn('[mpin] message dropped: invalid-message');
    return undefined;
  }
  const message = parsed.data;
  if (!ALLOWED[message.type].includes(kind)) {
    console.warn(`[mpin] message dropped: not-allowed-from-${kind}`);
    return undefined;
  }
  switch (message.type) {
    case 'status':
      return app
        .identityCount()
        .then((identities) => ({ ok: true as const, version: browser.runtime.getManifest().version, identities }));
    case 'getState':
      return app.getState();
    case 'intent':
      return app.dispatch(message.intent);
    case 'isService':
    case 'pinpadFound':
    case 'requestLocalSignIn': {
      const origin = pageOrigin(sender);
      const tabId = sender.tab?.id;
      if (!origin || tabId === undefined) {
        console.warn('[mpin] message dropped: no-page-origin');
        return undefined;
      }
      if (message.type === 'isService') return app.isService(origin).then((service) => ({ service }));
      if (message.type === 'pinpadFound') return app.pinpadFound(origin, message.kind);
      // The document that asked (where the browser says: Chrome), so that the answer reaches that document only.
      return app.requestLocalSignIn(origin, tabId, documentIdOf(sender));
    }
  }
}
