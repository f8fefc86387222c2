/**
 * The demo site's home page `/`: who is signed in, a fixed flash message, and the in-browser PIN pad
 * (M-Pin-In-Browser). The PIN pad is a fixed skeleton of views that the bundled pinpad.js (server/web/pinpad.ts)
 * shows one at a time; its markup is a contract documented in PINPAD.md (the extension's content script
 * recognises it).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type Html, html, sendPage } from './layout.ts';
import type { SiteContext } from './site-context.ts';

/** Fixed flash messages, chosen by `?m=` (so a link cannot make the page say anything else). */
const FLASH: Record<string, string> = {
  'logged-out': 'You have been logged out!',
  'sign-in': 'Please sign in to see the protected page.',
};

export function registerHomePage(app: FastifyInstance, { sessions }: SiteContext): void {
  app.get('/', async (req, reply) => {
    const s = await sessions.signedIn(req);
    const body = html`
${s ? html`<p class="note">You are signed in as <strong>${s.value.userId}</strong>. <a href="/protected">Go to the protected page</a>.</p>` : ''}
<p>Sign in with an M-Pin identity kept in this browser, or with M-Pin Authenticator on your phone.</p>
${pinpadMarkup()}`;
    return sendPage(reply, { title: 'Sign in', body, flash: flashOf(req), scripts: ['pinpad.js'] });
  });
}

function flashOf(req: FastifyRequest): string | undefined {
  const m = (req.query as Record<string, unknown> | undefined)?.m;
  return typeof m === 'string' && Object.hasOwn(FLASH, m) ? FLASH[m] : undefined;
}

/** The PIN pad: a fixed skeleton of views that pinpad.js shows one at a time (see PINPAD.md). */
function pinpadMarkup(): Html {
  const keypad = (target: string) => html`
<div class="mpin-keypad" data-mpin-keypad="${target}" aria-hidden="true">
${['1', '2', '3', '4', '5', '6', '7', '8', '9'].map((d) => html`<button type="button" tabindex="-1" data-mpin-digit="${d}">${d}</button>`)}
<button type="button" tabindex="-1" data-mpin-key="clear">Clear</button><button type="button" tabindex="-1" data-mpin-digit="0">0</button><button type="button" tabindex="-1" data-mpin-key="back">&#9003;</button>
</div>`;
  const pinInput = (id: string, label: string) => html`
<label for="${id}">${label}</label>
<input id="${id}" name="pin" type="password" inputmode="numeric" pattern="[0-9]{4}" minlength="4" maxlength="4" autocomplete="off" required aria-describedby="${id}-hint">
<p id="${id}-hint" class="hint">4 digits. Type them, or use the pad below.</p>`;
  return html`
<section id="mpin-pinpad" class="mpin-pinpad" data-mpin-pinpad data-mpin-client-settings="/rps/clientSettings" data-mpin-authenticate-url="/mpinAuthenticate" data-mpin-success-url="/protected" data-mpin-state="loading" aria-labelledby="mpin-pinpad-title">
<h2 id="mpin-pinpad-title">M-Pin in this browser</h2>
<p id="mpin-status" class="status" role="status" aria-live="polite" aria-atomic="true"></p>
<noscript><p>The PIN pad needs JavaScript. You can still <a href="/phone-login">sign in with your phone</a>.</p></noscript>

<div class="mpin-view" data-mpin-view="loading"><p>Loading the PIN pad&hellip;</p></div>

<div class="mpin-view" data-mpin-view="identities" hidden>
<h3 tabindex="-1">Choose an identity</h3>
<ul id="mpin-identity-list" class="mpin-identities"></ul>
<p><button type="button" id="mpin-add-identity" data-mpin-action="register">Add a new identity</button></p>
</div>

<form class="mpin-view" data-mpin-view="register" id="mpin-register-form" novalidate hidden>
<h3 tabindex="-1">Register an identity in this browser</h3>
<label for="mpin-email">E-mail address</label>
<input id="mpin-email" name="email" type="email" autocomplete="email" maxlength="254" required>
<div id="mpin-device-name-field" hidden>
<label for="mpin-device-name">Device name</label>
<input id="mpin-device-name" name="deviceName" type="text" maxlength="64" autocomplete="off" aria-describedby="mpin-device-name-hint">
<p id="mpin-device-name-hint" class="hint">So that you can tell your devices apart, for example if you need one revoked.</p>
</div>
<p><button type="submit" id="mpin-register-submit">Register</button> <button type="button" class="secondary" data-mpin-action="identities" data-mpin-needs-identities>Back to identity list</button></p>
</form>

<div class="mpin-view" data-mpin-view="confirm" hidden>
<h3 tabindex="-1">Check your e-mail</h3>
<p>We sent an e-mail to <strong class="mpin-current-user"></strong>. Open the link in it and press “Confirm and activate”, then come back here and press “I confirmed my email”.</p>
<p><button type="button" id="mpin-confirmed">I confirmed my email</button> <button type="button" id="mpin-resend" class="secondary">Resend e-mail</button> <button type="button" class="secondary" data-mpin-action="cancel-registration">Cancel</button></p>
</div>

<form class="mpin-view" data-mpin-view="setup-pin" id="mpin-setup-form" novalidate hidden>
<h3 tabindex="-1">Choose your PIN</h3>
<p>Identity: <strong class="mpin-current-user"></strong></p>
${pinInput('mpin-new-pin', 'New PIN')}
${keypad('mpin-new-pin')}
<p><button type="submit" id="mpin-setup-submit">Set PIN</button></p>
</form>

<form class="mpin-view" data-mpin-view="pin" id="mpin-signin-form" novalidate hidden>
<h3 tabindex="-1">Enter your PIN</h3>
<p>Signing in as <strong class="mpin-current-user"></strong></p>
${pinInput('mpin-pin', 'PIN')}
${keypad('mpin-pin')}
<p><button type="submit" id="mpin-signin-submit">Sign in</button> <button type="button" class="secondary" data-mpin-action="identities">Back to identity list</button></p>
</form>

<div class="mpin-view" data-mpin-view="blocked" hidden>
<h3 tabindex="-1">Identity revoked</h3>
<p id="mpin-blocked-message"></p>
<p><button type="button" data-mpin-action="register">Register new identity</button> <button type="button" class="secondary" data-mpin-action="identities" data-mpin-needs-identities>Back to identity list</button></p>
</div>

<p class="mpin-phone"><a id="mpin-setup-phone" class="button secondary" href="/setup-phone">Setup your phone</a> <a id="mpin-phone-login" class="button secondary" href="/phone-login">Sign in with Phone</a></p>
</section>`;
}
