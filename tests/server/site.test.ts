// @vitest-environment node
// The demo relying party: its hooks for the RPS (/rpa/mpinVerify, /rpa/mpinPermitUser), its pages, sessions,
// sign-out (also phone-initiated) and the activation page, on Fastify apps built as server/app.ts builds them,
// with a real SQLite database in a temporary folder and a mailer that records what it sends. Where the site
// calls the RPS private API, a small stand-in answers as docs/protocol.md §4.2 says the RPS does.
import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance } from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildMpinId } from '../../lib/mpin/index.ts';
import { runAdmin, UsageError } from '../../server/admin.ts';
import { loadConfig } from '../../server/config.ts';
import type { ServerContext } from '../../server/context.ts';
import type { MailMessageInput } from '../../server/mail/mailer.ts';
import { activationLink, registerRpaHooks } from '../../server/rpa/hooks.ts';
import { PAGE_CSP } from '../../server/rpa/page-headers.ts';
import { SESSION_COOKIE, sessionIdOf } from '../../server/rpa/sessions.ts';
import { registerDemoSite } from '../../server/rpa/site.ts';
import { openSqlite } from '../../server/storage/sqlite.ts';
import { createHttpApp } from '../../server/util/http.ts';
import { randomHex } from '../../server/util/random.ts';

const PUBLIC_URL = 'http://site.test:8080';
const KEY = 'ab'.repeat(32);

let dir: string;
let ctx: ServerContext;
let priv: FastifyInstance;
let pub: FastifyInstance;
let rps: FastifyInstance;
let sent: MailMessageInput[];
let clock: number;
/** What the stand-in RPS received, and what it answers. */
let rpsCalls: { path: string; body: Record<string, unknown> }[];
let rpsAnswer: { authenticate: { status: number; body: Record<string, unknown> }; user: number };

const config = (env: Record<string, string> = {}) => loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent', ...env });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mpin-site-test-'));
  clock = Date.parse('2030-01-02T03:04:05Z');
  sent = [];
  ctx = {
    config: config(),
    storage: openSqlite(join(dir, 'mpin.sqlite'), () => clock),
    credentials: { app_id: '0'.repeat(32), app_key: 'k'.repeat(40) },
    mailer: {
      async send(msg) {
        sent.push(msg);
      },
      close() {},
    },
    publicUrl: PUBLIC_URL,
    privateUrl: '',
    now: () => clock,
  };

  rps = Fastify({ routerOptions: { maxParamLength: 4096 } });
  rps.post('/authenticate', async (req, reply) => {
    rpsCalls.push({ path: '/authenticate', body: req.body as Record<string, unknown> });
    return reply.code(rpsAnswer.authenticate.status).send(rpsAnswer.authenticate.body);
  });
  rps.post('/loginResult', async (req, reply) => {
    rpsCalls.push({ path: '/loginResult', body: req.body as Record<string, unknown> });
    return reply.code(200).send();
  });
  rps.post('/user/:mpinId', async (req, reply) => {
    rpsCalls.push({
      path: `/user/${(req.params as { mpinId: string }).mpinId}`,
      body: req.body as Record<string, unknown>,
    });
    return rpsAnswer.user === 200
      ? reply.code(200).send()
      : reply.code(rpsAnswer.user).send({ version: '0.3', message: 'M-Pin ID not found.' });
  });
  await rps.listen({ port: 0, host: '127.0.0.1' });
  ctx.privateUrl = `http://127.0.0.1:${(rps.server.address() as { port: number }).port}`;

  priv = createHttpApp('silent', 'private');
  await priv.register(formbody);
  await priv.register(async (app) => registerRpaHooks(app, ctx), { prefix: '/rpa' });
  pub = createHttpApp('silent', 'public');
  await pub.register(formbody);
  await pub.register(async (app) => registerDemoSite(app, ctx));
  await Promise.all([priv.ready(), pub.ready()]);
});

afterAll(async () => {
  await pub?.close();
  await priv?.close();
  await rps?.close();
  await ctx?.storage.close();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  sent = [];
  rpsCalls = [];
  rpsAnswer = { authenticate: { status: 200, body: {} }, user: 200 };
});
afterEach(() => {
  ctx.config = config();
});

const newId = (userID: string, mobile: 0 | 1 = 0) => buildMpinId({ userID, mobile, issued: new Date(clock) });
const expireTime = () => new Date(clock + 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');

function verifyBody(userId: string, over: Record<string, unknown> = {}) {
  return {
    userId,
    mpinId: newId(userId).hex,
    mobile: 0,
    activateKey: KEY,
    expireTime: expireTime(),
    resend: false,
    deviceName: 'linChrome',
    userData: '',
    ...over,
  };
}

/** A signed-in session put straight into storage: its cookie secret and its id (the sessionToken). */
async function signedInSession(userId: string, mpinId = newId(userId).hex) {
  const secret = randomHex(32);
  const id = sessionIdOf(secret);
  await ctx.storage.put('session', id, { userId, mpinId, loggedInAt: clock }, clock + 3600_000);
  return { secret, id, cookie: `${SESSION_COOKIE}=${secret}` };
}

describe('POST /rpa/mpinVerify', () => {
  it('records the device and e-mails the activation link', async () => {
    const body = verifyBody('alice@example.test');
    const res = await priv.inject({ method: 'POST', url: '/rpa/mpinVerify', payload: body });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ forceActivate: false });
    expect(await ctx.storage.get('device', body.mpinId)).toEqual({
      userId: 'alice@example.test',
      deviceName: 'linChrome',
      mobile: 0,
    });
    expect(sent).toHaveLength(1);
    const mail = sent[0]!;
    expect(mail.to).toBe('alice@example.test');
    const link = activationLink(PUBLIC_URL, body.mpinId, body.expireTime, KEY);
    expect(link).toBe(`${PUBLIC_URL}/mpinActivate?i=${body.mpinId}&e=${encodeURIComponent(body.expireTime)}&s=${KEY}`);
    expect(mail.text).toContain(link);
    expect(mail.text).toContain('from a PC device named "linChrome"');
    expect(mail.html).toContain(link.replace(/&/g, '&amp;'));
  });

  it('says when the request came from a phone, and escapes the HTML part', async () => {
    const userId = 'bob@example.test';
    const body = verifyBody(userId, {
      mpinId: newId(userId, 1).hex,
      mobile: 1,
      deviceName: '<i>phone</i>',
      resend: true,
    });
    const res = await priv.inject({ method: 'POST', url: '/rpa/mpinVerify', payload: body });
    expect(res.statusCode).toBe(200);
    expect(sent[0]!.text).toContain('from a Mobile device named "<i>phone</i>"');
    expect(sent[0]!.html).toContain('&lt;i&gt;phone&lt;/i&gt;');
    expect(sent[0]!.html).not.toContain('<i>');
    expect(sent[0]!.subject).toMatch(/resent/);
  });

  it('activates at once, without mail, when activation is not required', async () => {
    ctx.config = config({ REQUIRE_ACTIVATION: 'false' });
    const body = verifyBody('carol@example.test');
    const res = await priv.inject({ method: 'POST', url: '/rpa/mpinVerify', payload: body });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ forceActivate: true });
    expect(sent).toHaveLength(0);
    expect((await ctx.storage.get('device', body.mpinId))?.userId).toBe('carol@example.test');
  });

  it('refuses a user id that is not an e-mail address with 403', async () => {
    const res = await priv.inject({ method: 'POST', url: '/rpa/mpinVerify', payload: verifyBody('not an address') });
    expect(res.statusCode).toBe(403);
    expect(res.json().message).toBe('Invalid e-mail address');
    expect(sent).toHaveLength(0);
  });

  it('answers 400 to a malformed body, and to an mpinId of another user', async () => {
    for (const payload of [
      {},
      verifyBody('dave@example.test', { mpinId: 'zz' }),
      verifyBody('dave@example.test', { expireTime: 'soon' }),
      verifyBody('dave@example.test', { mpinId: newId('eve@example.test').hex }),
    ]) {
      const res = await priv.inject({ method: 'POST', url: '/rpa/mpinVerify', payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
    }
    const bad = await priv.inject({
      method: 'POST',
      url: '/rpa/mpinVerify',
      headers: { 'content-type': 'application/json' },
      payload: '{"userId":',
    });
    expect(bad.statusCode).toBe(400);
    expect(sent).toHaveLength(0);
  });

  it('answers 503 when the mail cannot be sent (the RPS then aborts the registration)', async () => {
    const mailer = ctx.mailer;
    ctx.mailer = { send: async () => Promise.reject(new Error('smtp down')), close() {} };
    try {
      const res = await priv.inject({
        method: 'POST',
        url: '/rpa/mpinVerify',
        payload: verifyBody('frank@example.test'),
      });
      expect(res.statusCode).toBe(503);
    } finally {
      ctx.mailer = mailer;
    }
  });
});

describe('GET /rpa/mpinPermitUser and the admin command', () => {
  const permit = async (hex: string) =>
    (await priv.inject({ method: 'GET', url: `/rpa/mpinPermitUser?mpin_id=${hex}` })).statusCode;

  it('refuses permits after a revocation by user id, for every identity of that user, until unrevoked', async () => {
    const a = newId('grace@example.test');
    const b = newId('grace@example.test', 1);
    const other = newId('heidi@example.test');
    expect(await permit(a.hex)).toBe(200);
    expect((await runAdmin(['revoke', 'Grace@Example.test'], ctx.storage, () => clock))[0]).toMatch(
      /^Revoked every identity of grace@example.test/,
    );
    expect(await permit(a.hex)).toBe(403);
    expect(await permit(b.hex.toUpperCase())).toBe(403);
    expect(await permit(other.hex)).toBe(200);
    expect((await runAdmin(['list'], ctx.storage)).join('\n')).toContain('grace@example.test  since');
    expect(await runAdmin(['unrevoke', 'grace@example.test'], ctx.storage)).toEqual([
      'Unrevoked every identity of grace@example.test.',
    ]);
    expect(await permit(a.hex)).toBe(200);
  });

  it('refuses permits after a revocation by mpin_id, for that identity only', async () => {
    const a = newId('ivan@example.test');
    const b = newId('ivan@example.test', 1);
    await priv.inject({
      method: 'POST',
      url: '/rpa/mpinVerify',
      payload: verifyBody('ivan@example.test', { mpinId: a.hex }),
    });
    await runAdmin(['revoke', a.hex, 'lost', 'laptop'], ctx.storage);
    expect(await permit(a.hex)).toBe(403);
    expect(await permit(b.hex)).toBe(200);
    const listed = (await runAdmin(['list'], ctx.storage)).join('\n');
    expect(listed).toContain(`mpin_id ${a.hex}`);
    expect(listed).toMatch(/ivan@example\.test {2}PC {2}"linChrome" {2}issued .* \[REVOKED\]/);
    expect(listed).toContain('(lost laptop)');
    await runAdmin(['unrevoke', a.hex], ctx.storage);
    expect(await permit(a.hex)).toBe(200);
  });

  it('refuses a malformed mpin_id', async () => {
    expect(await permit('zz')).toBe(403);
    expect(await permit('00ff')).toBe(403);
    expect((await priv.inject({ method: 'GET', url: '/rpa/mpinPermitUser' })).statusCode).toBe(403);
  });

  it('gives clear usage errors', async () => {
    await expect(runAdmin([], ctx.storage)).rejects.toThrow(UsageError);
    await expect(runAdmin(['frobnicate'], ctx.storage)).rejects.toThrow(/unknown command "frobnicate"/);
    await expect(runAdmin(['revoke'], ctx.storage)).rejects.toThrow(/needs a user id or an mpin_id/);
    await expect(runAdmin(['revoke', 'abcdef0123456789abcdef'], ctx.storage)).rejects.toThrow(
      /looks like hex but is not an mpin_id/,
    );
    await expect(runAdmin(['list', 'x'], ctx.storage)).rejects.toThrow(UsageError);
    expect(await runAdmin(['unrevoke', 'nobody@example.test'], ctx.storage)).toEqual([
      'every identity of nobody@example.test was not revoked.',
    ]);
  });
});

describe('pages', () => {
  it('serves the home page with the PIN pad, under the CSP and without inline scripts', async () => {
    const res = await pub.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toBe(PAGE_CSP);
    const body = res.body;
    expect(body).toContain(
      '<section id="mpin-pinpad" class="mpin-pinpad" data-mpin-pinpad data-mpin-client-settings="/rps/clientSettings"',
    );
    for (const id of [
      'mpin-status',
      'mpin-email',
      'mpin-device-name',
      'mpin-confirmed',
      'mpin-resend',
      'mpin-new-pin',
      'mpin-pin',
      'mpin-identity-list',
      'mpin-setup-phone',
      'mpin-phone-login',
    ]) {
      expect(body, id).toContain(`id="${id}"`);
    }
    for (const id of ['mpin-email', 'mpin-device-name', 'mpin-new-pin', 'mpin-pin'])
      expect(body, id).toContain(`<label for="${id}">`);
    expect(body).toMatch(/id="mpin-status"[^>]*role="status" aria-live="polite"/);
    expect(body).toContain('<script type="module" src="/static/pinpad.js"></script>');
    expect(body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(body).not.toMatch(/\son[a-z]+=/);
  });

  it('shows only fixed flash messages', async () => {
    expect((await pub.inject({ method: 'GET', url: '/?m=logged-out' })).body).toContain(
      '<p class="flash" role="status">You have been logged out!</p>',
    );
    const other = await pub.inject({ method: 'GET', url: '/?m=%3Cb%3Ehi' });
    expect(other.body).not.toContain('class="flash"');
    expect(other.body).not.toContain('<b>hi');
  });

  it('"Setup your phone" shows a QR code of the site URL and the URL under it', async () => {
    const res = await pub.inject({ method: 'GET', url: '/setup-phone' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-security-policy']).toBe(PAGE_CSP);
    expect(res.body).toMatch(
      /<img id="setup-phone-qr" src="data:image\/png;base64,[A-Za-z0-9+/=]+" width="256" height="256" alt="QR code of http:\/\/site\.test:8080">/,
    );
    expect(res.body).toContain('Scan this QR Code or open this URL on your phone:');
    expect(res.body).toContain(`<a id="setup-phone-url" href="${PUBLIC_URL}">${PUBLIC_URL}</a>`);
  });

  it('"Sign in with Phone" has the access-number markup and its script', async () => {
    const res = await pub.inject({ method: 'GET', url: '/phone-login' });
    expect(res.statusCode).toBe(200);
    for (const id of [
      'mpin-phone-login',
      'access-number',
      'access-number-countdown',
      'access-number-progress',
      'phone-login-status',
      'access-number-new',
    ])
      expect(res.body, id).toContain(`id="${id}"`);
    expect(res.body).toContain('<output id="access-number"');
    expect(res.body).toContain('src="/static/phone-login.js"');
  });

  it('sends a visitor who is not signed in from /protected to the home page', async () => {
    const res = await pub.inject({ method: 'GET', url: '/protected' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/?m=sign-in');
    const stale = await pub.inject({
      method: 'GET',
      url: '/protected',
      headers: { cookie: `${SESSION_COOKIE}=${'0'.repeat(64)}` },
    });
    expect(stale.statusCode).toBe(303);
  });

  it('serves only its own static files', async () => {
    for (const url of ['/static/..%2Fsite.ts', '/static/nothing.js', '/static/.hidden.css', '/static/site.ts']) {
      expect((await pub.inject({ method: 'GET', url })).statusCode, url).toBe(404);
    }
  });
});

describe('POST /mpinAuthenticate', () => {
  const authOTT = '0123456789abcdef0123456789abcdef';

  it('signs the browser in with a new session whose id is the sessionToken given to the RPS', async () => {
    const mpinId = newId('judy@example.test').hex;
    rpsAnswer.authenticate = {
      status: 200,
      body: { userId: 'judy@example.test', mpinId, status: 200, message: 'Authentication successful' },
    };
    const old = await signedInSession('mallory@example.test');
    const res = await pub.inject({
      method: 'POST',
      url: '/mpinAuthenticate',
      headers: { cookie: old.cookie },
      payload: { mpinResponse: { version: '0.3', authOTT, pass: 2 } },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ userId: 'judy@example.test' });
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(new RegExp(`^${SESSION_COOKIE}=[0-9a-f]{64}; Path=/; HttpOnly; SameSite=Lax$`));
    const secret = /=([0-9a-f]{64});/.exec(setCookie)![1]!;
    const id = sessionIdOf(secret);
    expect(rpsCalls.map((c) => c.path)).toEqual(['/authenticate', '/loginResult']);
    expect(rpsCalls[0]!.body).toEqual({ authOTT, logoutURL: '/logout', logoutData: { sessionToken: id } });
    expect(rpsCalls[1]!.body).toMatchObject({
      authOTT,
      status: 200,
      logoutData: { sessionToken: id, userId: 'judy@example.test' },
    });
    expect(await ctx.storage.get('session', id)).toEqual({ userId: 'judy@example.test', mpinId, loggedInAt: clock });
    expect(await ctx.storage.get('session', old.id)).toBeUndefined();

    const page = await pub.inject({
      method: 'GET',
      url: '/protected',
      headers: { cookie: `${SESSION_COOKIE}=${secret}` },
    });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<strong id="signed-in-user">judy@example.test</strong>');
    expect(page.body).toContain('<form id="sign-out" method="post" action="/logout-self">');
    expect(page.body).toContain('src="/static/protected.js"');
  });

  it.each([
    [401, 'Wrong PIN.'],
    [410, 'This M-Pin identity is blocked: too many wrong PINs.'],
    [408, 'Expired authentication request'],
    [403, 'Refused'],
  ])('passes on the RPS status %i and its message, and signs nobody in', async (status, message) => {
    rpsAnswer.authenticate = { status, body: { userId: 'x@example.test', mpinId: '', status, message } };
    const res = await pub.inject({ method: 'POST', url: '/mpinAuthenticate', payload: { mpinResponse: { authOTT } } });
    expect(res.statusCode).toBe(status);
    expect(res.json().message).toBe(message);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(rpsCalls.map((c) => c.path)).toEqual(['/authenticate']);
  });

  it('answers 400 to a malformed body without calling the RPS', async () => {
    for (const payload of [{}, { mpinResponse: {} }, { mpinResponse: { authOTT: 'xyz' } }]) {
      expect((await pub.inject({ method: 'POST', url: '/mpinAuthenticate', payload })).statusCode).toBe(400);
    }
    const text = await pub.inject({
      method: 'POST',
      url: '/mpinAuthenticate',
      headers: { 'content-type': 'text/plain' },
      payload: JSON.stringify({ mpinResponse: { authOTT } }),
    });
    expect(text.statusCode).toBe(400);
    expect(rpsCalls).toHaveLength(0);
  });
});

describe('sign-out', () => {
  it('GET /logout ends the session and says so on the home page', async () => {
    const s = await signedInSession('kim@example.test');
    const res = await pub.inject({ method: 'GET', url: '/logout', headers: { cookie: s.cookie } });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/?m=logged-out');
    expect(String(res.headers['set-cookie'])).toContain('Max-Age=0');
    expect(await ctx.storage.get('session', s.id)).toBeUndefined();
  });

  it('POST /logout-self (the Sign out button) ends the session', async () => {
    const s = await signedInSession('leo@example.test');
    const res = await pub.inject({ method: 'POST', url: '/logout-self', headers: { cookie: s.cookie } });
    expect(res.statusCode).toBe(303);
    expect(await ctx.storage.get('session', s.id)).toBeUndefined();
  });

  it('POST /logout from the phone answers 200 with an empty body and wakes the waiting /logoutWait', async () => {
    const s = await signedInSession('mia@example.test');
    const waiting = pub.inject({ method: 'GET', url: '/logoutWait', headers: { cookie: s.cookie } });
    await new Promise((r) => setTimeout(r, 50));
    const res = await pub.inject({
      method: 'POST',
      url: '/logout',
      payload: { userId: 'mia@example.test', sessionToken: s.id },
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('');
    expect(await ctx.storage.get('session', s.id)).toBeUndefined();
    const woke = await waiting;
    expect(woke.statusCode).toBe(200);
    expect(woke.body).toBe('OK');
    // a later poll of the signed-out browser answers at once
    expect((await pub.inject({ method: 'GET', url: '/logoutWait', headers: { cookie: s.cookie } })).body).toBe('OK');
  });

  it('accepts the logoutData as JSON text of any content type', async () => {
    for (const [type, payload] of [
      ['text/plain;charset=UTF-8', (id: string) => JSON.stringify({ userId: 'nia@example.test', sessionToken: id })],
      [
        'application/x-www-form-urlencoded',
        (id: string) => encodeURIComponent(JSON.stringify({ userId: 'nia@example.test', sessionToken: id })),
      ],
      ['application/octet-stream', (id: string) => JSON.stringify({ sessionToken: id, userId: 'nia@example.test' })],
    ] as const) {
      const s = await signedInSession('nia@example.test');
      const res = await pub.inject({
        method: 'POST',
        url: '/logout',
        headers: { 'content-type': type },
        payload: payload(s.id),
      });
      expect(res.statusCode, type).toBe(200);
      expect(res.body).toBe('');
      expect(await ctx.storage.get('session', s.id)).toBeUndefined();
    }
  });

  it('answers 400 "Logout failed" for a wrong user, an unknown session, or a malformed body', async () => {
    const s = await signedInSession('olga@example.test');
    const bad: unknown[] = [
      { userId: 'someone@example.test', sessionToken: s.id },
      { userId: 'olga@example.test', sessionToken: 'f'.repeat(64) },
      { userId: 'olga@example.test' },
      { userId: 'olga@example.test', sessionToken: s.secret.toUpperCase() },
      'not json',
      [],
    ];
    for (const payload of bad) {
      const res = await pub.inject({
        method: 'POST',
        url: '/logout',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify(payload),
      });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().message).toBe('Logout failed');
    }
    expect(
      (
        await pub.inject({
          method: 'POST',
          url: '/logout',
          headers: { 'content-type': 'application/json' },
          payload: '{',
        })
      ).statusCode,
    ).toBe(400);
    expect((await pub.inject({ method: 'POST', url: '/logout' })).statusCode).toBe(400);
    expect((await ctx.storage.get('session', s.id))?.userId).toBe('olga@example.test');
  });

  it('/logoutWait answers OK at once to a browser that is not signed in', async () => {
    const res = await pub.inject({ method: 'GET', url: '/logoutWait' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('OK');
  });
});

describe('/mpinActivate', () => {
  const query = (mpinId: string, e = expireTime(), s = KEY) => new URLSearchParams({ i: mpinId, e, s }).toString();

  it('shows the address, the date, the kind of device and a "Confirm and activate" form', async () => {
    const id = newId('pat@example.test', 1);
    await ctx.storage.put('device', id.hex, { userId: 'pat@example.test', deviceName: 'andFirefox', mobile: 1 });
    const res = await pub.inject({ method: 'GET', url: `/mpinActivate?${query(id.hex)}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-security-policy']).toBe(PAGE_CSP);
    expect(res.body).toContain('<dt>Email address</dt><dd id="activation-email">pat@example.test</dd>');
    expect(res.body).toContain('<dt>Requested on</dt><dd id="activation-requested">Wed, 02 Jan 2030 03:04:05 GMT</dd>');
    expect(res.body).toContain('<dt>From</dt><dd id="activation-from">Mobile</dd>');
    expect(res.body).toContain('<dd id="activation-device">andFirefox</dd>');
    expect(res.body).toContain(
      `<form id="activation-form" method="post" action="/mpinActivate?${query(id.hex).replace(/&/g, '&amp;')}"><button type="submit">Confirm and activate</button></form>`,
    );
  });

  it('escapes what comes from the link', async () => {
    const id = newId('"><script>alert(1)</script>@example.test');
    const res = await pub.inject({ method: 'GET', url: `/mpinActivate?${query(id.hex, expireTime())}` });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('<script>alert');
    expect(res.body).toContain('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;@example.test');
    expect(res.body).toContain('<dd id="activation-from">PC</dd>');
  });

  it('refuses an expired or malformed link', async () => {
    const id = newId('quinn@example.test');
    const expired = await pub.inject({
      method: 'GET',
      url: `/mpinActivate?${query(id.hex, new Date(clock - 1000).toISOString())}`,
    });
    expect(expired.statusCode).toBe(410);
    expect(expired.body).toContain('This verification link has already been used or has expired!');
    expect(expired.body).not.toContain('Confirm and activate');
    for (const url of [
      '/mpinActivate',
      `/mpinActivate?i=zz&e=${expireTime()}&s=${KEY}`,
      `/mpinActivate?${query('00ff')}`,
      `/mpinActivate?${query(id.hex, 'tomorrow')}`,
    ]) {
      const res = await pub.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(400);
      expect(res.body).toContain('This verification link is not valid.');
    }
    const post = await pub.inject({
      method: 'POST',
      url: `/mpinActivate?${query(id.hex, new Date(clock - 1000).toISOString())}`,
    });
    expect(post.statusCode).toBe(410);
    expect(rpsCalls).toHaveLength(0);
  });

  it('activates through the RPS, and reports a used link', async () => {
    const id = newId('rita@example.test');
    const ok = await pub.inject({ method: 'POST', url: `/mpinActivate?${query(id.hex)}` });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('Your e-mail address is confirmed');
    expect(rpsCalls).toEqual([{ path: `/user/${id.hex}`, body: { activateKey: KEY } }]);
    rpsAnswer.user = 401;
    const used = await pub.inject({ method: 'POST', url: `/mpinActivate?${query(id.hex)}` });
    expect(used.statusCode).toBe(410);
    expect(used.body).toContain('This verification link has already been used or has expired!');
  });
});
