// The PIN pad content script's behaviour (entrypoints/pinpad.content.ts only checks the frame and calls this).
// It is injected on every port of an added service's host (host access has no port), so first it asks the
// background whether this exact origin is a service, and does nothing at all otherwise: no scan, no observer, no
// message listener. On a service it looks for a PIN pad on load and whenever the DOM or the SPA location changes,
// tells the background, and when the background offers an identity (exact origin, top frame: R7, decided there from
// the sender), shows the offer in a closed shadow root. The PIN is never asked for here: "Sign in" asks the
// background, which has the user type the PIN in extension UI and answers with a nonce; the background then sends
// completeSignIn with the authOTT, which this script takes only if it names this origin and carries that nonce (a
// tab that moved on to another page has another content script, without it), and hands to the service's own
// authenticateURL (same origin only), then follows the success URL.
// No main-world code, no window.postMessage, no navigator.credentials (R13, R17, R18).
import { i18n } from '#i18n';
import { browser, type Browser } from 'wxt/browser';
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import { createShadowRootUi, type ShadowRootContentScriptUi } from 'wxt/utils/content-script-ui/shadow-root';
import { completeSignIn } from './complete-sign-in';
import { detectPinpad, type Detection } from './detect';
import {
  CompleteSignIn,
  LocalSignInReply,
  PinpadFoundReply,
  ServiceCheckReply,
  type CompleteSignInReply,
  type PinpadFoundMessage,
  type RequestLocalSignInMessage,
  type ServiceCheckMessage,
} from './messages';
import { failedSignInText, OFFER_CSS, renderOffer, type OfferView } from './offer-ui';

export interface PinpadScriptOptions {
  /** How long the DOM must stay quiet before it is scanned again. */
  debounceMs?: number;
  /** Overrides for tests; by default the page's fetch (see pageFetch) and `location`. */
  fetch?: typeof fetch;
  navigate?: (url: string) => void;
  reload?: () => void;
}

/** What the tests (and nothing else) may look at. */
export interface PinpadScript {
  /** Scan now instead of waiting for the debounce. */
  scan(): Promise<void>;
  /** The offer's view while it is shown (the shadow root is closed, so this is the only way in). */
  readonly offer: OfferView | null;
  /** The element hosting the closed shadow root, while shown. */
  readonly host: HTMLElement | null;
}

/**
 * The fetch that behaves like the page's own: in Chrome a content script's fetch already carries the page's
 * origin and cookies; in Firefox the content script's fetch runs with the extension's principal, and
 * `content.fetch` is the page's (MDN, Content scripts, "XHR and fetch").
 */
function pageFetch(): typeof fetch {
  if (import.meta.env.FIREFOX) {
    const content = (globalThis as { content?: { fetch?: unknown } }).content;
    if (content && typeof content.fetch === 'function') return content.fetch.bind(content) as typeof fetch;
  }
  return fetch.bind(globalThis);
}

export function runPinpadScript(ctx: ContentScriptContext, options: PinpadScriptOptions = {}): PinpadScript {
  const debounceMs = options.debounceMs ?? 300;
  let ui: ShadowRootContentScriptUi<OfferView> | null = null;
  let mounting: Promise<OfferView | null> | null = null;
  /** The pad element already reported to the background (one pinpadFound per pad, not per DOM change). */
  let reported: Element | null = null;
  let dismissed = false;
  let busy = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** The nonce the background gave this script's last sign-in request; only a completeSignIn with it is taken. */
  let pendingNonce: string | null = null;

  /** Whether this exact origin is an added service (the background decides, from the sender): asked once, first. */
  const isService: Promise<boolean> = send({ type: 'isService' } satisfies ServiceCheckMessage).then((raw) => {
    const reply = ServiceCheckReply.safeParse(raw);
    return reply.success && reply.data.service && ctx.isValid;
  });

  const removeOffer = () => {
    ui?.remove();
    ui = null;
  };

  const showOffer = (userId: string | undefined): Promise<OfferView | null> => {
    if (ui?.mounted) return Promise.resolve(ui.mounted);
    mounting ??= createShadowRootUi<OfferView>(ctx, {
      name: 'mpin-authenticator-offer',
      position: 'inline',
      anchor: 'body',
      append: 'last',
      mode: 'closed',
      isolateEvents: true,
      css: OFFER_CSS,
      onMount: (container) => renderOffer(container, userId, { onSignIn: () => void signIn(), onDismiss: dismiss }),
    })
      .then((created) => {
        if (!ctx.isValid) return null;
        created.mount();
        ui = created;
        return created.mounted ?? null;
      })
      .catch(() => null)
      .finally(() => {
        mounting = null;
      });
    return mounting;
  };

  const dismiss = () => {
    dismissed = true;
    removeOffer();
  };

  async function signIn(): Promise<void> {
    const view = ui?.mounted;
    if (!view || busy) return;
    busy = true;
    view.setBusy(true);
    view.setStatus(i18n.t('offer.opening'));
    const reply = LocalSignInReply.safeParse(
      await send({ type: 'requestLocalSignIn' } satisfies RequestLocalSignInMessage),
    );
    if (reply.success && reply.data.queued && reply.data.nonce) {
      pendingNonce = reply.data.nonce;
      view.setStatus(i18n.t('offer.waitingForPin'));
      // busy: the extension is in the middle of something a page may not replace (a registration, a remote sign-in, …)
    } else if (reply.success && reply.data.reason === 'busy') view.setStatus(i18n.t('offer.busy'), 'error');
    else view.setStatus(i18n.t('offer.notStarted'), 'error');
    busy = false;
    view.setBusy(false);
  }

  async function scan(): Promise<void> {
    if (!(await isService) || !ctx.isValid) return;
    const found = detectPinpad(document);
    if (!found) {
      reported = null;
      if (!busy) removeOffer();
      return;
    }
    if (dismissed || ui || mounting || found.element === reported) return;
    reported = found.element;
    const reply = PinpadFoundReply.safeParse(
      await send({ type: 'pinpadFound', kind: found.kind } satisfies PinpadFoundMessage),
    );
    if (!reply.success || !reply.data.offer || dismissed || !ctx.isValid) return;
    if (!detectPinpad(document)) return; // gone while we asked
    await showOffer(reply.data.userId);
  }

  const schedule = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      void scan();
    }, debounceMs);
  };

  async function finish(message: CompleteSignIn): Promise<CompleteSignInReply> {
    // Only for the page that asked: this origin, and the nonce this script's own request got. Anything else (the tab
    // went to another site or port, or was reloaded) gets nothing, and the background tells the user.
    if (message.origin !== location.origin || pendingNonce === null || message.nonce !== pendingNonce)
      return { ok: false, reason: 'page-changed' };
    const detection: Detection | null = detectPinpad(document);
    if (!detection) return { ok: false, reason: 'no-pinpad' };
    const view = ui?.mounted ?? (await showOffer(undefined));
    view?.setBusy(true);
    view?.setStatus(i18n.t('offer.signingIn'));
    const outcome = await completeSignIn({
      authOTT: message.authOTT,
      // The service's own authenticateURL (from its clientSettings), never one the page names.
      authenticateURL: message.authenticateURL,
      successURL: detection.successURL,
      origin: location.origin,
      fetch: options.fetch ?? pageFetch(),
      navigate: options.navigate ?? ((url: string) => location.assign(url)),
      reload: options.reload ?? (() => location.reload()),
    });
    if (outcome.ok) {
      pendingNonce = null; // used up
      view?.setStatus(i18n.t('offer.signedIn'));
      return { ok: true, status: 200 };
    }
    view?.setBusy(false);
    view?.setStatus(failedSignInText(outcome), 'error');
    return { ok: false, reason: outcome.reason, status: outcome.status };
  }

  const onMessage = (raw: unknown, sender: Browser.runtime.MessageSender): Promise<CompleteSignInReply> | undefined => {
    // Only our own background or extension pages (never a tab: other content scripts cannot reach us anyway).
    if (sender.id !== browser.runtime.id || sender.tab !== undefined) return undefined;
    const parsed = CompleteSignIn.safeParse(raw);
    if (!parsed.success) return undefined;
    return finish(parsed.data);
  };
  /** Everything the script does on a service's page; nothing of it runs anywhere else. */
  function startOnService(): void {
    // Returning the reply's promise is how webextension-polyfill listeners answer.
    // eslint-disable-next-line @typescript-eslint/no-misused-promises
    browser.runtime.onMessage.addListener(onMessage);
    ctx.onInvalidated(() => {
      // eslint-disable-next-line @typescript-eslint/no-misused-promises -- the same listener as added above
      browser.runtime.onMessage.removeListener(onMessage);
      if (timer !== undefined) clearTimeout(timer);
      removeOffer();
    });

    const observer = new MutationObserver(schedule);
    observer.observe(document.documentElement, {
      childList: true,
      subtree: true,
      attributes: true,
      attributeFilter: ['id', 'class', 'hidden'],
    });
    ctx.onInvalidated(() => observer.disconnect());
    ctx.addEventListener(window, 'wxt:locationchange', () => {
      // A new route in a single-page app is a new page: offer again.
      dismissed = false;
      reported = null;
      schedule();
    });

    void scan();
  }

  void isService.then((service) => {
    if (service) startOnService();
  });
  return {
    scan,
    get offer() {
      return ui?.mounted ?? null;
    },
    get host() {
      return ui?.shadowHost ?? null;
    },
  };
}

/** Send to the background; a missing background or a rejected promise is just "no answer". */
async function send(message: ServiceCheckMessage | PinpadFoundMessage | RequestLocalSignInMessage): Promise<unknown> {
  try {
    return await browser.runtime.sendMessage(message);
  } catch {
    return undefined;
  }
}
