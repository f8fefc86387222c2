/**
 * The demo relying party on the public listener (Milagro's mpinDemo.py), put together from one file per feature:
 * the home page with the in-browser PIN pad (home-page.ts), "Setup your phone" and "Sign in with Phone"
 * (phone-login.ts), /mpinAuthenticate (authenticate.ts), the protected page (protected-page.ts), sign-out and
 * /logoutWait (logout.ts), the activation page (activation.ts), and the static files (static-files.ts). With
 * `mailbox`, the built-in mailbox's pages join them, under the same headers.
 * Fastify's plugins are registered here once for all of them: helmet's security headers and CSP (page-headers.ts),
 * @fastify/cookie for the sessions, @fastify/static for the bundle. Pages are plain HTML; all behaviour is in the
 * bundled scripts under /static/ (server/web/). The PIN pad's markup is documented in PINPAD.md.
 */
import cookie from '@fastify/cookie';
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.ts';
import { registerMailbox } from '../mail/mailbox-pages.ts';
import { registerActivation } from './activation.ts';
import { registerAuthenticate } from './authenticate.ts';
import { registerHomePage } from './home-page.ts';
import { registerLogout } from './logout.ts';
import { registerPageHeaders } from './page-headers.ts';
import { registerPhonePages } from './phone-login.ts';
import { registerProtectedPage } from './protected-page.ts';
import { createRpsPrivateClient } from './rps-private-client.ts';
import { Sessions } from './sessions.ts';
import type { SiteContext } from './site-context.ts';
import { registerStaticFiles } from './static-files.ts';

export async function registerDemoSite(
  app: FastifyInstance,
  ctx: ServerContext,
  opts: { mailbox?: boolean } = {},
): Promise<void> {
  const https = () => ctx.publicUrl.startsWith('https:');
  await registerPageHeaders(app, { https: https() });
  await app.register(cookie);
  await registerStaticFiles(app);

  const site: SiteContext = {
    ctx,
    sessions: new Sessions(ctx.storage, ctx.now, https),
    rps: createRpsPrivateClient(() => ctx.privateUrl, app.log),
    limited: { config: { rateLimit: { max: ctx.config.RATE_LIMIT_PER_MINUTE, timeWindow: 60_000 } } },
  };
  app.addHook('preClose', async () => site.sessions.cancelAll());

  registerHomePage(app, site);
  registerPhonePages(app, site);
  registerAuthenticate(app, site);
  registerProtectedPage(app, site);
  registerLogout(app, site);
  registerActivation(app, site);
  if (opts.mailbox) await registerMailbox(app, ctx);
}
