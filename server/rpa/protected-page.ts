/**
 * The demo site's protected page `/protected`: only for a signed-in session (others go to the home page), it says
 * who is signed in, when, with what and on which device, and offers "Sign out". Its script (server/web/protected.ts)
 * long-polls /logoutWait so that a sign-out on the phone brings this page back to the home page.
 */
import type { FastifyInstance } from 'fastify';
import { parseMpinId } from '../../lib/mpin/index.ts';
import { html, sendPage } from './layout.ts';
import type { SiteContext } from './site-context.ts';

export function registerProtectedPage(app: FastifyInstance, { ctx, sessions }: SiteContext): void {
  app.get('/protected', async (req, reply) => {
    const s = await sessions.signedIn(req);
    if (!s) return reply.redirect('/?m=sign-in', 303);
    const from = signedInWith(s.value.mpinId);
    const device = s.value.mpinId ? await ctx.storage.get('device', s.value.mpinId.toLowerCase()) : undefined;
    const body = html`
<section id="protected" data-mpin-signed-in aria-labelledby="protected-title">
<h2 id="protected-title">Welcome</h2>
<p>You are signed in as <strong id="signed-in-user">${s.value.userId}</strong>.</p>
<dl class="facts">
<dt>Signed in at</dt><dd id="signed-in-at">${s.value.loggedInAt ? new Date(s.value.loggedInAt).toUTCString() : ''}</dd>
${from ? html`<dt>With</dt><dd id="signed-in-with">${from}</dd>` : ''}
${device?.deviceName ? html`<dt>Device name</dt><dd id="signed-in-device">${device.deviceName}</dd>` : ''}
</dl>
<form id="sign-out" method="post" action="/logout-self"><button type="submit">Sign out</button></form>
<p class="note">Signing out on your phone signs you out here as well.</p>
</section>`;
    return sendPage(reply, { title: 'Protected page', body, scripts: ['protected.js'] });
  });
}

/** What signed the session in, by its mpin_id's "mobile" field; '' when there is none or it cannot be read. */
function signedInWith(mpinId: string | null): string {
  if (!mpinId) return '';
  try {
    return parseMpinId(mpinId).fields.mobile ? 'your phone (M-Pin Authenticator)' : 'the PIN pad in a browser';
  } catch {
    return '';
  }
}
