// The in-page offer: a small card in the corner, "Sign in with M-Pin Authenticator" and a dismiss button. It is
// built with createElement/textContent only and lives inside a closed shadow root made by the content script
// (R17): page CSS does not reach it, page scripts cannot reach into it, and no page-provided string is parsed as
// HTML. The only dynamic text is the user id from the background's reply, set as textContent. Its words are the
// extension's (locales/<lang>.yml, `offer.*`), in the browser's language.
import { i18n } from '#i18n';
import { refusalOf } from '../messages';
import type { SignInOutcome } from './complete-sign-in';

/** Styles for the shadow root. WXT adds `:host{all:initial}` first, so nothing is inherited from the page. */
export const OFFER_CSS = `
.mpin-offer { position: fixed; right: 16px; bottom: 16px; z-index: 2147483647; box-sizing: border-box;
  max-width: min(360px, calc(100vw - 32px)); padding: 12px 14px; border-radius: 10px; background: #fff;
  color: #1b1f24; border: 1px solid #c9d1d9; box-shadow: 0 4px 16px rgba(0,0,0,.18);
  font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; display: flex; gap: 8px;
  align-items: flex-start; }
.mpin-offer__body { flex: 1; min-width: 0; }
.mpin-offer__user { display: block; font-size: 12px; color: #57606a; overflow-wrap: anywhere; margin-top: 2px; }
.mpin-offer__status { margin: 6px 0 0; font-size: 13px; }
.mpin-offer__status[data-kind="error"] { color: #b42318; }
.mpin-offer__status:empty { display: none; }
button { font: inherit; cursor: pointer; border-radius: 6px; }
.mpin-offer__sign-in { border: 0; padding: 6px 10px; background: #0b5cad; color: #fff; font-weight: 600; }
.mpin-offer__sign-in:disabled { background: #8c959f; cursor: default; }
.mpin-offer__dismiss { border: 0; background: transparent; color: #57606a; padding: 2px 6px; font-size: 16px; line-height: 1; }
button:focus-visible { outline: 2px solid #0b5cad; outline-offset: 2px; }
`;

export interface OfferHandlers {
  onSignIn(): void;
  onDismiss(): void;
}

export interface OfferView {
  /** The card's root element (inside the shadow root). */
  root: HTMLElement;
  /** Show a status line (waiting for the PIN, an error); `kind` only changes the colour. */
  setStatus(text: string, kind?: 'info' | 'error'): void;
  /** Enable or disable the sign-in button (disabled while a sign-in is in progress). */
  setBusy(busy: boolean): void;
}

/** Build the offer inside `container` (the shadow root's container). `userId` is shown as plain text. */
export function renderOffer(container: HTMLElement, userId: string | undefined, handlers: OfferHandlers): OfferView {
  const doc = container.ownerDocument;
  const root = doc.createElement('div');
  root.className = 'mpin-offer';
  root.setAttribute('role', 'region');
  root.setAttribute('aria-label', i18n.t('extName'));

  const body = doc.createElement('div');
  body.className = 'mpin-offer__body';
  const signIn = doc.createElement('button');
  signIn.type = 'button';
  signIn.className = 'mpin-offer__sign-in';
  signIn.textContent = i18n.t('offer.signIn');
  signIn.addEventListener('click', () => handlers.onSignIn());
  body.append(signIn);
  if (userId) {
    const user = doc.createElement('span');
    user.className = 'mpin-offer__user';
    user.textContent = i18n.t('offer.as', { user: userId });
    body.append(user);
  }
  const status = doc.createElement('p');
  status.className = 'mpin-offer__status';
  status.setAttribute('role', 'status');
  status.setAttribute('aria-live', 'polite');
  body.append(status);

  const dismiss = doc.createElement('button');
  dismiss.type = 'button';
  dismiss.className = 'mpin-offer__dismiss';
  dismiss.setAttribute('aria-label', i18n.t('offer.dismiss'));
  dismiss.title = i18n.t('offer.dismiss');
  dismiss.textContent = '\u00d7';
  dismiss.addEventListener('click', () => handlers.onDismiss());

  root.append(body, dismiss);
  container.append(root);
  return {
    root,
    setStatus(text, kind = 'info') {
      status.textContent = text;
      status.dataset.kind = kind;
    },
    setBusy(busy) {
      signIn.disabled = busy;
    },
  };
}

/** The offer's words for a sign-in the page did not take (the relying party's status means what it means to Milagro). */
export function failedSignInText(outcome: Extract<SignInOutcome, { ok: false }>): string {
  if (outcome.reason === 'refused-url') return i18n.t('offer.refusedUrl');
  if (outcome.reason === 'network') return i18n.t('offer.unreachable');
  switch (refusalOf(outcome.status)) {
    case 'wrong-pin':
      return i18n.t('offer.wrongPin');
    case 'not-authorized':
      return i18n.t('offer.notAuthorized');
    case 'access-number-expired':
      return i18n.t('offer.expired');
    case 'blocked':
      return i18n.t('offer.blocked');
    default:
      return i18n.t('offer.notAccepted', { status: outcome.status ?? 0 });
  }
}
