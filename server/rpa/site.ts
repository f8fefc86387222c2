/**
 * The demo relying party on the public listener (Milagro's mpinDemo.py): the home page with the in-browser
 * PIN pad, "Setup your phone", "Sign in with Phone" (access number), /mpinAuthenticate, the protected page,
 * sign-out (also phone-initiated, with /logoutWait), the activation page, and the static files.
 * Pages are plain HTML under PAGE_CSP; all behaviour is in the bundled scripts under /static/.
 * The PIN pad's markup is documented in PINPAD.md: the extension's content script recognises it.
 */
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import { z } from 'zod';
import { parseMpinId } from '../../lib/mpin/index.ts';
import type { ServerContext } from '../context.ts';
import { HttpError, errorBody } from '../util/errors.ts';
import { parse } from '../util/http.ts';
import { parseIso } from '../util/time.ts';
import { keepDevice } from './devices.ts';
import { Html, PAGE_CSP, html, page, type PageOptions } from './layout.ts';
import { revokedAtSignIn } from './revocation.ts';
import { Sessions } from './sessions.ts';

/** Where `npm run build:web` puts the bundled scripts and the style sheet. */
export const STATIC_DIR = fileURLToPath(new URL('./static/', import.meta.url));

/** Fixed flash messages, chosen by `?m=` (so a link cannot make the page say anything else). */
const FLASH: Record<string, string> = {
  'logged-out': 'You have been logged out!',
  'sign-in': 'Please sign in to see the protected page.',
};

/** How long GET /logoutWait holds a request before answering 204 (the page then asks again). */
export const LOGOUT_WAIT_MS = 25_000;

const STATIC_TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  map: 'application/json; charset=utf-8',
};

const hex = (what: string, max: number) =>
  z
    .string()
    .min(2)
    .max(max)
    .regex(/^(?:[0-9a-fA-F]{2})+$/, `${what} must be hex`);
const AuthenticateBody = z.object({
  mpinResponse: z
    .object({ authOTT: z.string().regex(/^[0-9a-fA-F]{32}$/, 'authOTT must be 32 hex digits') })
    .passthrough(),
});
const LogoutData = z.object({ userId: z.string().min(1).max(254), sessionToken: z.string().regex(/^[0-9a-f]{64}$/) });
const ActivationQuery = z.object({ i: hex('i', 2048), e: z.string().min(1).max(40), s: hex('s', 128) });

interface RpsAnswer {
  status: number;
  body: Record<string, unknown>;
}

export async function registerDemoSite(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const sessions = new Sessions(ctx.storage, ctx.now, () => ctx.publicUrl.startsWith('https:'));
  const rateLimit = { rateLimit: { max: ctx.config.RATE_LIMIT_PER_MINUTE, timeWindow: 60_000 } };

  if (!existsSync(`${STATIC_DIR}/pinpad.js`))
    app.log.warn('the demo site scripts are not built: run "npm run build:web"');

  // The phone posts logoutData as JSON text with whatever content type its HTTP client picks.
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  app.addHook('preClose', async () => sessions.cancelAll());

  const sendPage = (reply: FastifyReply, opts: PageOptions, status = 200) =>
    reply
      .code(status)
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-security-policy', PAGE_CSP)
      .header('cache-control', 'no-store')
      .header('referrer-policy', 'same-origin')
      .header('x-content-type-options', 'nosniff')
      .send(page(opts));

  const flashOf = (req: FastifyRequest) => {
    const m = (req.query as Record<string, unknown> | undefined)?.m;
    return typeof m === 'string' ? FLASH[m] : undefined;
  };

  /** Calls the RPS private API; a failure to reach it is a 502 for our caller. */
  const rps = async (path: string, body: unknown): Promise<RpsAnswer> => {
    let res: Response;
    try {
      res = await fetch(`${ctx.privateUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      });
    } catch (e) {
      app.log.error(
        { err: { type: (e as Error).name, message: (e as Error).message }, path: path.split('/')[1] },
        'RPS not reachable',
      );
      throw new HttpError(502, 'The authentication server could not be reached');
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      parsed = { message: text.slice(0, 200) };
    }
    return {
      status: res.status,
      body: typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {},
    };
  };

  // ---------------------------------------------------------------- home page and the PIN pad
  app.get('/', async (req, reply) => {
    const s = await sessions.signedIn(req);
    const body = html`
${s ? html`<p class="note">You are signed in as <strong>${s.value.userId}</strong>. <a href="/protected">Go to the protected page</a>.</p>` : ''}
<p>Sign in with an M-Pin identity kept in this browser, or with M-Pin Authenticator on your phone.</p>
${pinpadMarkup()}`;
    return sendPage(reply, { title: 'Sign in', body, flash: flashOf(req), scripts: ['pinpad.js'] });
  });

  // ---------------------------------------------------------------- "Setup your phone"
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

  // ---------------------------------------------------------------- "Sign in with Phone"
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

  // ---------------------------------------------------------------- authentication result from the browser
  app.post('/mpinAuthenticate', { config: rateLimit }, async (req, reply) => {
    const { mpinResponse } = parse(AuthenticateBody, req.body, 400);
    const authOTT = mpinResponse.authOTT.toLowerCase();
    const minted = sessions.mint();
    const auth = await rps('/authenticate', { authOTT, logoutURL: '/logout', logoutData: { sessionToken: minted.id } });
    if (auth.status !== 200) {
      const message = typeof auth.body.message === 'string' ? auth.body.message : 'Authentication failed';
      if (auth.status === 401) reply.header('WWW-Authenticate', 'Authenticate');
      return reply.code(auth.status >= 400 && auth.status < 600 ? auth.status : 502).send(errorBody(message));
    }
    const userId = typeof auth.body.userId === 'string' ? auth.body.userId : '';
    const mpinId = typeof auth.body.mpinId === 'string' ? auth.body.mpinId : '';
    if (!userId) throw new HttpError(502, 'The authentication server did not name the user');
    // revoked after its pass 2 (or, for an access number, after the phone's /rps/authenticate): refuse it here
    // too, and tell the RPS, which then answers the waiting phone 403
    if ((await revokedAtSignIn(ctx.storage, mpinId, userId)) !== null) {
      const refused = await rps('/loginResult', { authOTT, status: 403, message: REVOKED });
      if (refused.status !== 200) req.log.warn({ status: refused.status }, 'RPS /loginResult not accepted');
      return reply.code(403).send(errorBody(REVOKED));
    }
    const result = await rps('/loginResult', {
      authOTT,
      status: 200,
      message: 'OK',
      logoutData: { sessionToken: minted.id, userId },
    });
    if (result.status !== 200) req.log.warn({ status: result.status }, 'RPS /loginResult not accepted');
    await sessions.signIn(req, reply, minted, userId, mpinId);
    return reply.send({ userId });
  });

  // ---------------------------------------------------------------- the protected page
  app.get('/protected', async (req, reply) => {
    const s = await sessions.signedIn(req);
    if (!s) return reply.redirect('/?m=sign-in', 303);
    let from = '';
    try {
      if (s.value.mpinId)
        from = parseMpinId(s.value.mpinId).fields.mobile
          ? 'your phone (M-Pin Authenticator)'
          : 'the PIN pad in a browser';
    } catch {
      from = '';
    }
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

  // ---------------------------------------------------------------- sign-out
  const selfLogout = async (req: FastifyRequest, reply: FastifyReply) => {
    await sessions.signOutRequest(req, reply);
    return reply.redirect('/?m=logged-out', 303);
  };
  app.get('/logout', selfLogout);
  app.post('/logout-self', selfLogout);

  /** Phone-initiated: the body is the logoutData the phone got from /rps/authenticate. */
  app.post('/logout', { config: rateLimit }, async (req, reply) => {
    const data = LogoutData.safeParse(logoutDataOf(req.body));
    if (!data.success) throw new HttpError(400, 'Logout failed');
    const session = await ctx.storage.get('session', data.data.sessionToken);
    if (!session?.userId || session.userId !== data.data.userId) throw new HttpError(400, 'Logout failed');
    await sessions.end(data.data.sessionToken);
    return reply.code(200).send();
  });

  app.get('/logoutWait', async (req, reply) => {
    reply.header('cache-control', 'no-store');
    const s = await sessions.signedIn(req);
    if (!s) return reply.type('text/plain; charset=utf-8').send('OK');
    const signedOut = await sessions.waitForSignOut(s.id, LOGOUT_WAIT_MS, (cancel) => reply.raw.once('close', cancel));
    return signedOut ? reply.type('text/plain; charset=utf-8').send('OK') : reply.code(204).send();
  });

  // ---------------------------------------------------------------- e-mail activation
  type Activation =
    | { ok: true; q: z.infer<typeof ActivationQuery>; id: ReturnType<typeof parseMpinId> }
    | { ok: false; error: string; status: number };
  const activation = (req: FastifyRequest): Activation => {
    const invalid = { ok: false, error: 'This verification link is not valid.', status: 400 } as const;
    const q = ActivationQuery.safeParse(req.query);
    if (!q.success) return invalid;
    let id;
    try {
      id = parseMpinId(q.data.i);
    } catch {
      return invalid;
    }
    const expires = parseIso(q.data.e);
    if (Number.isNaN(expires)) return invalid;
    if (ctx.now() > expires) return { ok: false, error: USED_OR_EXPIRED, status: 410 };
    return { ok: true, q: q.data, id };
  };
  const activationError = (reply: FastifyReply, message: string, status = 400) =>
    sendPage(
      reply,
      {
        title: 'E-mail confirmation',
        body: html`<p id="activation-result" class="error">${message}</p><p><a href="/">Back to the home page</a></p>`,
      },
      status,
    );

  app.get('/mpinActivate', async (req, reply) => {
    const a = activation(req);
    if (!a.ok) return activationError(reply, a.error, a.status);
    const { q, id } = a;
    const device = await ctx.storage.get('device', q.i.toLowerCase());
    const action = `/mpinActivate?${new URLSearchParams({ i: q.i, e: q.e, s: q.s }).toString()}`;
    const body = html`
<p>Please confirm that you asked for an M-Pin identity for this e-mail address.</p>
<dl class="facts" id="activation-details">
<dt>Email address</dt><dd id="activation-email">${id.fields.userID}</dd>
<dt>Requested on</dt><dd id="activation-requested">${requestedOn(id.fields.issued)}</dd>
<dt>From</dt><dd id="activation-from">${id.fields.mobile ? 'Mobile' : 'PC'}</dd>
${device?.deviceName ? html`<dt>Device name</dt><dd id="activation-device">${device.deviceName}</dd>` : ''}
</dl>
<form id="activation-form" method="post" action="${action}"><button type="submit">Confirm and activate</button></form>
<p class="note">If you did not ask for it, close this page: nothing is activated without this button.</p>`;
    return sendPage(reply, { title: 'E-mail confirmation', body });
  });

  app.post('/mpinActivate', { config: rateLimit }, async (req, reply) => {
    const a = activation(req);
    if (!a.ok) return activationError(reply, a.error, a.status);
    let res: RpsAnswer;
    try {
      res = await rps(`/user/${a.q.i.toLowerCase()}`, { activateKey: a.q.s.toLowerCase() });
    } catch {
      return activationError(
        reply,
        'The server could not confirm your e-mail address now. Please try again later.',
        502,
      );
    }
    if (res.status !== 200) return activationError(reply, USED_OR_EXPIRED, 410);
    await keepDevice(ctx.storage, a.q.i); // the e-mail address is confirmed: the device record stays
    const body = html`
<p id="activation-result" class="success">Your e-mail address is confirmed: <strong>${a.id.fields.userID}</strong>.</p>
<p>Go back to the ${a.id.fields.mobile ? 'phone' : 'browser'} where you registered and press “I confirmed my email” to choose your PIN.</p>`;
    return sendPage(reply, { title: 'E-mail confirmation', body });
  });

  // ---------------------------------------------------------------- static files (no CDN)
  app.get('/favicon.ico', async (_req, reply) => reply.code(204).header('cache-control', 'max-age=86400').send());
  app.get('/static/:file', async (req, reply) => {
    const file = (req.params as { file: string }).file;
    const m = /^[a-z0-9][a-z0-9-]*\.(js|css|map)$/.exec(file);
    if (!m) throw new HttpError(404, 'Not found');
    let content: Buffer;
    try {
      content = await readFile(`${STATIC_DIR}/${file}`);
    } catch {
      throw new HttpError(404, file.endsWith('.js') ? 'Not found (run "npm run build:web")' : 'Not found');
    }
    return reply
      .header('content-type', STATIC_TYPES[m[1]!]!)
      .header('cache-control', 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .send(content);
  });
}

const USED_OR_EXPIRED = 'This verification link has already been used or has expired!';
const REVOKED = 'This M-Pin identity has been revoked';

/** The mpin_id's "issued" (UTC, Python's str(datetime) or ISO) as a readable date. */
function requestedOn(issued: string): string {
  const t = Date.parse(/Z$|[+-]\d\d:?\d\d$/.test(issued) ? issued : `${issued.replace(' ', 'T')}Z`);
  return Number.isNaN(t) ? issued : new Date(t).toUTCString();
}

/** logoutData as the phone posted it: a JSON object, JSON text, or JSON text as a form's only key. */
function logoutDataOf(body: unknown): unknown {
  if (typeof body === 'string') {
    try {
      return JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  if (body && typeof body === 'object' && !('userId' in body)) {
    const keys = Object.keys(body);
    if (keys.length === 1 && (body as Record<string, unknown>)[keys[0]!] === '') return logoutDataOf(keys[0]);
  }
  return body;
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
