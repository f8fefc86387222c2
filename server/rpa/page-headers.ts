/**
 * The security headers of the public listener's HTML pages (the demo site and the mailbox), set by @fastify/helmet
 * for every route of the scope it is registered in. The CSP allows the site's own scripts and styles only (no inline
 * script or style anywhere, no eval), images also as data: URLs (the QR code), no plugins, no <base>, forms to the
 * site itself, and no framing. The RPS and D-TA APIs are outside that scope: they answer JSON to other origins.
 */
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

const PAGE_CSP_DIRECTIVES: Record<string, string[]> = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

/** The Content-Security-Policy header of every page, as helmet writes it. */
export const PAGE_CSP = Object.entries(PAGE_CSP_DIRECTIVES)
  .map(([name, values]) => `${name} ${values.join(' ')}`)
  .join(';');

/** `https`: the site is reached over https, so browsers may be told to keep to it (HSTS). */
export async function registerPageHeaders(app: FastifyInstance, opts: { https: boolean }): Promise<void> {
  await app.register(helmet, {
    // only these directives: helmet's defaults would add upgrade-insecure-requests, which breaks a site on plain http
    contentSecurityPolicy: { useDefaults: false, directives: PAGE_CSP_DIRECTIVES },
    referrerPolicy: { policy: 'same-origin' },
    xFrameOptions: { action: 'deny' },
    strictTransportSecurity: opts.https ? { maxAge: 180 * 86400 } : false,
  });
}
