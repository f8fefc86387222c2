// What a PIN pad adapter reports about a page. Adapters only read the page; nothing here is trusted beyond
// "the page says so": URLs are checked again (same origin only) when they are used (complete-sign-in.ts).
import type { PinpadKind } from '../messages';

/** The default endpoint that turns an authOTT into a session, as in Milagro's demo relying party. */
export const DEFAULT_AUTHENTICATE_URL = '/mpinAuthenticate';

export interface Detection {
  kind: PinpadKind;
  /** The element that marks the pad (for the caller's bookkeeping only; never rendered). */
  element: Element;
  /**
   * Where the page says an authOTT goes, exactly as it states it (relative or absolute, not checked), or
   * {@link DEFAULT_AUTHENTICATE_URL} when the page does not say. Reported only: the extension posts an authOTT to the
   * service's own authenticateURL (its clientSettings), never to one a page names.
   */
  authenticateURL: string;
  /** True when {@link authenticateURL} came from the page's markup rather than the default. */
  authenticateURLFromPage: boolean;
  /** Where to go after a successful sign-in, as the page states it; null: reload the page. */
  successURL: string | null;
}

/** Longest URL attribute an adapter accepts; anything longer is ignored as if absent. */
const MAX_URL_LENGTH = 2048;
/**
 * Characters that never appear in a URL a page means to give us: whitespace, controls, quotes, angle brackets,
 * backslashes. A value containing any of them (for instance planted markup or script text, R17) is ignored.
 */
const NOT_IN_URL = /[\s"'<>`\\\u0000-\u001f\u007f-\u009f]/;

/**
 * Read a URL-valued attribute defensively (R17): the raw string when it is short, printable and parses as a URL
 * relative to some origin; otherwise null (the caller then uses its default). The value is never rendered.
 */
export function readUrlAttribute(element: Element, name: string): string | null {
  const value = element.getAttribute(name)?.trim();
  if (!value || value.length > MAX_URL_LENGTH || NOT_IN_URL.test(value)) return null;
  try {
    new URL(value, 'https://example.invalid/');
  } catch {
    return null;
  }
  return value;
}
