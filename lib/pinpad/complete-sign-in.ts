// Hands the authOTT from the background to the page's session, exactly as Milagro's PIN pad does after pass 2:
// POST `{"mpinResponse":{"authOTT","version":"0.3","pass":2}}` as JSON to the relying party's authenticateURL
// (server/web/pinpad.ts; Milagro mpinjs `finishAuthentication`), with the page's cookies, then follow the success
// URL. Both URLs must be on the page's own origin (R7): anything else is refused before any request is made.

/** The outcome, for the offer (offer-ui.ts words it) and the reply to the background. */
export type SignInOutcome =
  | { ok: true; next: 'navigate' | 'reload' }
  | { ok: false; reason: 'refused-url' | 'network' | 'http'; status?: number };

export interface CompleteSignInOptions {
  authOTT: string;
  /** Where to POST, relative or absolute; resolved against `origin`. */
  authenticateURL: string;
  /** Where to go on success (same origin only); null: reload. */
  successURL: string | null;
  /** The page's origin, `location.origin`. */
  origin: string;
  /** The fetch to use (Firefox: the page's `content.fetch`, so the request carries the page's origin). */
  fetch: typeof fetch;
  navigate(url: string): void;
  reload(): void;
}

/** `raw` resolved against `origin`, if it stays on that exact origin over http(s); else null. */
export function sameOriginUrl(raw: string, origin: string): URL | null {
  let base: URL;
  let url: URL;
  try {
    base = new URL(origin);
    url = new URL(raw, `${base.origin}/`);
  } catch {
    return null;
  }
  if (base.origin === 'null' || url.origin !== base.origin) return null;
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (url.username || url.password) return null;
  return url;
}

export async function completeSignIn(options: CompleteSignInOptions): Promise<SignInOutcome> {
  const target = sameOriginUrl(options.authenticateURL, options.origin);
  if (!target) return { ok: false, reason: 'refused-url' };
  let status: number;
  try {
    const response = await options.fetch(target.href, {
      method: 'POST',
      credentials: 'same-origin',
      cache: 'no-store',
      redirect: 'error',
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify({ mpinResponse: { authOTT: options.authOTT, version: '0.3', pass: 2 } }),
    });
    status = response.status;
  } catch {
    return { ok: false, reason: 'network' };
  }
  if (status !== 200) return { ok: false, reason: 'http', status };
  const next = options.successURL === null ? null : sameOriginUrl(options.successURL, options.origin);
  if (next) {
    options.navigate(next.href);
    return { ok: true, next: 'navigate' };
  }
  options.reload();
  return { ok: true, next: 'reload' };
}
