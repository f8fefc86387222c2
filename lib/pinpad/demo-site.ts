// Adapter for the reference server's demo relying party (server/rpa/home-page.ts, server/rpa/phone-login.ts), whose
// markup is a contract documented in server/rpa/PINPAD.md: the in-browser PIN pad `section[data-mpin-pinpad]` on
// `/`, and "Sign in with Phone" `section[data-mpin-phone-login]` on `/phone-login`. Both carry
// `data-mpin-authenticate-url` and `data-mpin-success-url`; the page's own script (server/web/pinpad.ts) POSTs
// the authOTT to the first and then goes to the second. The extension follows the second (same origin only), but
// posts only to the service's own authenticateURL from its clientSettings: the first is reported, never used.
//
// Rules: the first `[data-mpin-pinpad]`, else the first `[data-mpin-phone-login]`; the URLs from its data
// attributes when they are plausible URLs (types.ts readUrlAttribute), else `/mpinAuthenticate` and a reload.
// Only the attributes named in PINPAD.md are read: ids and class names are for styling and may change.
import { DEFAULT_AUTHENTICATE_URL, readUrlAttribute, type Detection } from './types';

const ROOTS = ['[data-mpin-pinpad]', '[data-mpin-phone-login]'] as const;

export function detect(doc: Document): Detection | null {
  for (const selector of ROOTS) {
    const root = doc.querySelector(selector);
    if (!root) continue;
    const authenticateURL = readUrlAttribute(root, 'data-mpin-authenticate-url');
    return {
      kind: 'demo',
      element: root,
      authenticateURL: authenticateURL ?? DEFAULT_AUTHENTICATE_URL,
      authenticateURLFromPage: authenticateURL !== null,
      successURL: readUrlAttribute(root, 'data-mpin-success-url'),
    };
  }
  return null;
}

/* Test pages:
 * - http://127.0.0.1:<port>/ and /phone-login of the reference server (tests/unit/pinpad-detect.test.ts starts it
 *   with startTestServer and parses the served HTML)
 * - fixtures in tests/unit/pinpad-detect.test.ts: attributes missing, planted markup in the URL attributes
 */
