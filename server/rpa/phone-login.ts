/**
 * The demo site's phone pages: "Setup your phone" (`/setup-phone`, the site's URL as a QR code for M-Pin
 * Authenticator to add) and "Sign in with Phone" (`/phone-login`, the PC side of an access-number sign-in). The
 * access-number page is a skeleton that the bundled phone-login.js (server/web/phone-login.ts) fills in: it gets a
 * number from the RPS, shows it with a countdown and long-polls until the phone has signed in ("Authenticating user
 * …" on the way) or refused. Markup: PINPAD.md.
 */
import type { FastifyInstance } from 'fastify';
import QRCode from 'qrcode';
import { html, sendPage } from './layout.ts';
import type { SiteContext } from './site-context.ts';

export function registerPhonePages(app: FastifyInstance, { ctx }: SiteContext): void {
  app.get('/setup-phone', async (_req, reply) => {
    const url = ctx.publicUrl;
    const qr = await QRCode.toDataURL(url, { errorCorrectionLevel: 'M', margin: 2, width: 256 });
    const body = html`
<p>M-Pin Authenticator, the browser extension on your phone (or another browser), signs you in to this site with an access number.</p>
<ol>
<li>Open M-Pin Authenticator and choose to add a service.</li>
<li>Scan the QR code, or type or paste the URL below.</li>
<li>Register your e-mail address and choose a PIN.</li>
</ol>
<figure class="qr">
<img id="setup-phone-qr" src="${qr}" width="256" height="256" alt="QR code of ${url}">
<figcaption>Scan this QR Code or open this URL on your phone:<br><a id="setup-phone-url" href="${url}">${url}</a></figcaption>
</figure>
<p><a class="button" href="/phone-login">Sign in with Phone</a> <a href="/">Back to sign-in</a></p>`;
    return sendPage(reply, { title: 'Setup your phone', body });
  });

  app.get('/phone-login', async (_req, reply) => {
    const body = html`
<section id="mpin-phone-login" class="phone-login" data-mpin-phone-login data-mpin-client-settings="/rps/clientSettings" data-mpin-authenticate-url="/mpinAuthenticate" data-mpin-success-url="/protected" data-mpin-state="loading" aria-labelledby="phone-login-title">
<h2 id="phone-login-title">Your access number</h2>
<p>Open M-Pin Authenticator on your phone, enter this access number, then your PIN.</p>
<p class="access-number-box"><output id="access-number" class="access-number" data-mpin-access-number aria-label="Access number">&hellip;</output></p>
<p id="access-number-timer">This number expires in <span id="access-number-countdown" data-mpin-countdown>&hellip;</span> seconds. <progress id="access-number-progress" max="1" value="1" aria-label="Time left"></progress></p>
<p id="phone-login-status" class="status" role="status" aria-live="polite" aria-atomic="true"></p>
<p><button type="button" id="access-number-new" hidden>Get a new access number</button></p>
<noscript><p>This page needs JavaScript to get an access number.</p></noscript>
</section>
<p><a class="button" href="/setup-phone">Setup your phone</a> <a href="/">Sign in with a PIN in this browser</a></p>`;
    return sendPage(reply, { title: 'Sign in with Phone', body, scripts: ['phone-login.js'] });
  });
}
