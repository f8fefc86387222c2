// The background's message gate and dispatcher: checks who sent a message, parses it, and answers it.
// The entrypoint (entrypoints/background.ts) only wires this to browser.runtime.onMessage.
import { browser, type Browser } from 'wxt/browser';
import { BackgroundMessage, type StatusResponse } from './messages';

type Sender = Browser.runtime.MessageSender;

/** Where a message came from, decided from what the browser reports, never from the message body. */
export type SenderKind = 'extension-page' | 'content-script' | 'rejected';

/** The extension's own origin, e.g. `chrome-extension://<id>` or `moz-extension://<uuid>`. */
function extensionOrigin(): string {
  return browser.runtime.getURL('/').replace(/\/$/, '');
}

function originOf(sender: Sender): string | undefined {
  if (sender.origin) return sender.origin;
  // Firefox may omit sender.origin; fall back to the origin of sender.url (R11, docs/security.md).
  if (!sender.url) return undefined;
  try {
    return new URL(sender.url).origin;
  } catch {
    return undefined;
  }
}

/**
 * Classify a sender (R11/R12): other extensions and subframes are rejected; an extension page is a sender
 * whose origin is the extension's own; a content script is our own script in the top frame of a tab.
 */
export function classifySender(sender: Sender): SenderKind {
  if (sender.id !== browser.runtime.id) return 'rejected';
  if (sender.tab === undefined) {
    // URL.origin is "null" for moz-extension: URLs in some runtimes, so compare the URL prefix as well.
    const origin = originOf(sender);
    const own = extensionOrigin();
    if (origin === own || sender.url?.startsWith(`${own}/`)) return 'extension-page';
    return 'rejected';
  }
  return sender.frameId === 0 ? 'content-script' : 'rejected';
}

/**
 * Handle one raw runtime message. The gate is synchronous: a dropped message (rejected sender, or a message
 * that does not parse) gets `undefined`, i.e. no reply at all, and is logged by reason, never by content.
 * An accepted message gets a Promise of its reply.
 */
export function handleMessage(raw: unknown, sender: Sender): Promise<StatusResponse> | undefined {
  if (classifySender(sender) === 'rejected') {
    console.warn('[mpin] message dropped: sender-rejected');
    return undefined;
  }
  const parsed = BackgroundMessage.safeParse(raw);
  if (!parsed.success) {
    console.warn('[mpin] message dropped: invalid-message');
    return undefined;
  }
  return dispatch(parsed.data);
}

async function dispatch(message: BackgroundMessage): Promise<StatusResponse> {
  switch (message.type) {
    case 'status':
      // No identity store yet: it arrives with the registration work, and then this counts its records.
      return { ok: true, version: browser.runtime.getManifest().version, identities: 0 };
  }
}
