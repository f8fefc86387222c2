// Adapter for Milagro's own PIN pad (apache/incubator-milagro-mfa-js-client, browser/js/mpin.js). The host page
// has an empty target, conventionally `<div id="pinHolder">`, and runs `new mpin({targetElement: "pinHolder",
// clientSettingsURL, …})`. Once the RPS client settings have loaded, mpin.js adds the class `mpinMaster` to the
// target and fills it from its "mpin" template, whose root is `#mpinMiracle` (mpin.js `setupHtml`); every view
// is then rendered inside that root. The login view has `#mpin_pinpad` with digit buttons `.mpinPadBtn`, and
// `#mpin_login` / `#mpin_clear` (mpin.js `enableButton`, `toggleButton`). The older CertiVox front end
// (mpin-frontend, browser/src/templates/login.html) uses `#pinsHolder` with `.mp_pindigit` digit buttons.
//
// Rules: a rendered widget, i.e. `#mpinMiracle`, or a `.mpinMaster` / `#pinHolder` / `#pinsHolder` that
// contains `#mpin_pinpad`, `.mpinPadBtn` or `.mp_pindigit`. An empty `#pinHolder` is not a pad yet: mpin.js
// renders late, and the content script's MutationObserver sees it when it does.
// The widget's options (authenticateURL, successLoginURL) live in the page's script, not in the DOM, so the
// authenticate URL comes from the service's client settings (the background's completeSignIn) or the default
// `/mpinAuthenticate`, and success reloads the page (mpin.js `successLogin` without `successLoginURL`).
import { DEFAULT_AUTHENTICATE_URL, type Detection } from './types';

const WIDGET_ROOT = '#mpinMiracle';
const HOSTS = '.mpinMaster, #pinHolder, #pinsHolder';
const PAD_PARTS = '#mpin_pinpad, .mpinPadBtn, .mp_pindigit';

export function detect(doc: Document): Detection | null {
  let element: Element | null = doc.querySelector(WIDGET_ROOT);
  if (!element) {
    for (const host of Array.from(doc.querySelectorAll(HOSTS))) {
      if (host.querySelector(PAD_PARTS)) {
        element = host;
        break;
      }
    }
  }
  if (!element) return null;
  return {
    kind: 'milagro',
    element,
    authenticateURL: DEFAULT_AUTHENTICATE_URL,
    authenticateURLFromPage: false,
    successURL: null,
  };
}

/* Test pages:
 * - fixtures in tests/unit/pinpad-detect.test.ts modelled on mpin.js setupHtml/renderLogin (apache
 *   incubator-milagro-mfa-js-client browser/js/mpin.js) and mpin-frontend login.html: the rendered widget, the
 *   login pad, an empty #pinHolder (no pad), and the widget rendered after load (MutationObserver path)
 * - not yet tried against a live Milagro MFA server page
 */
