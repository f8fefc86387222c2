// @vitest-environment node
// The background's use cases against the REAL reference server (tests/support/test-server.ts), with WXT's fake
// browser (storage.session) and fake-indexeddb: every screen transition of issue 4 that talks to a service.
// A plain fetch client plays the PC: it gets an access number, polls /rps/access and posts /mpinAuthenticate.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { Platform } from '@/lib/app/platform';
import type { CompleteSignInMessage } from '@/lib/messages';
import { HttpClient } from '../support/milagro-http-client';
import { startTestServer, type TestServer } from '../support/test-server';
import { enrol, liveAccessNumber, pcSession, UNKNOWN_ACCESS_NUMBER, useAppFixture } from './app-fixture';

let server: TestServer; // no activation needed
let strict: TestServer; // activation through the mailbox
beforeAll(async () => {
  [server, strict] = await Promise.all([startTestServer({ REQUIRE_ACTIVATION: 'false' }), startTestServer()]);
});
afterAll(async () => {
  await Promise.all([server?.stop(), strict?.stop()]);
});

const { makeApp, dump } = useAppFixture('flows');

describe('flows against the real server', () => {
  it('add service → register → PIN → access number → login → success → sign out; R1, R5, R8 hold', async () => {
    const { act, syncContentScripts } = makeApp();
    expect((await act({ kind: 'home' })).screen).toBe('add-service');
    const reg = await act({ kind: 'addService', url: `${server.publicUrl}/setup-phone` });
    expect(reg).toMatchObject({
      screen: 'register',
      service: { origin: server.publicUrl },
      setDeviceName: true,
      deviceNameSuggestion: 'linNode',
      email: '',
    });
    expect(syncContentScripts).toHaveBeenLastCalledWith([server.publicUrl]);

    const setup = await act({ kind: 'register', email: 'Alice@Example.com', deviceName: 'myLaptop' });
    expect(setup).toMatchObject({
      screen: 'setup-pin',
      identity: { userId: 'alice@example.com', deviceName: 'myLaptop' },
    });
    const cs = (
      Object.entries(await fakeBrowser.storage.session.get(null)).find(([k]) => k.startsWith('clientSecret:'))?.[1] as {
        hex: string;
      }
    ).hex;
    expect(cs).toMatch(/^[0-9a-f]{130}$/);

    const home = await act({ kind: 'setPin', pin: '9137' });
    expect(home).toMatchObject({ screen: 'home', identityCount: 1, identity: { state: 'registered' } });

    // R1, R5: no PIN, no client secret, no regOTT anywhere after PIN setup
    const stored = await dump();
    expect(stored).not.toContain(cs);
    expect(stored).not.toContain('regOTT');
    expect(stored).not.toMatch(/"pin"|"9137"/);
    expect(stored).toContain('"token"');
    expect(JSON.stringify(await fakeBrowser.storage.session.get(null))).not.toContain(cs);
    expect(await fakeBrowser.storage.local.get(null)).toEqual({});

    const { pc, accessNumber, complete } = await pcSession(server.publicUrl);
    expect(await act({ kind: 'startSignIn' })).toMatchObject({ screen: 'access-number', digits: 7, useCheckSum: true });
    const pin = await act({ kind: 'submitAccessNumber', accessNumber });
    // R4: service and identity before the PIN
    expect(pin).toMatchObject({
      screen: 'pin',
      purpose: 'remote',
      accessNumber,
      target: { origin: server.publicUrl },
      identity: { userId: 'alice@example.com' },
    });

    const [success, pcStatus] = await Promise.all([act({ kind: 'login', pin: '9137' }), complete()]);
    expect(pcStatus).toBe(200);
    expect(success).toEqual({
      screen: 'success',
      userId: 'alice@example.com',
      service: { origin: server.publicUrl, name: new URL(server.publicUrl).host },
      purpose: 'remote',
      canSignOut: true,
      signedOut: false,
    });
    expect((await pc.request('GET', '/protected')).text).toContain('alice@example.com');

    // R8: the sign-out data only in storage.session
    const signOut = (await fakeBrowser.storage.session.get('signOut')).signOut as {
      logoutData: { sessionToken: string };
    };
    expect(signOut.logoutData.sessionToken).toMatch(/^[0-9a-f]+$/);
    expect(await dump()).not.toContain(signOut.logoutData.sessionToken);

    // the state survives a new App (service worker restart)
    expect(await makeApp().app.getState()).toMatchObject({ screen: 'success', canSignOut: true });

    const out = await act({ kind: 'signOut' });
    expect(out).toMatchObject({ screen: 'success', signedOut: true, canSignOut: false });
    expect(out).not.toHaveProperty('problem');
    expect((await pc.request('GET', '/protected')).text).not.toContain('alice@example.com');
    expect(await fakeBrowser.storage.session.get('signOut')).toEqual({});

    expect(await act({ kind: 'home' })).toMatchObject({ screen: 'home' });
  });

  it('registration with activation through the mailbox: not confirmed, resend, confirmed', async () => {
    const { act } = makeApp();
    await act({ kind: 'addService', url: strict.publicUrl });
    const sent = await act({ kind: 'register', email: 'bob@example.com', deviceName: '' });
    expect(sent).toMatchObject({
      screen: 'email-sent',
      resent: false,
      identity: { state: 'started', deviceName: 'linNode' },
    });

    const early = await act({ kind: 'confirmedEmail' });
    expect(early).toMatchObject({ screen: 'email-sent', problem: { code: 'not-confirmed', retry: false } });
    expect(await act({ kind: 'resendEmail' })).toMatchObject({ screen: 'email-sent', resent: true });
    expect((await makeApp().app.getState()).screen).toBe('email-sent'); // survives the worker stopping

    const page = new HttpClient(strict.publicUrl);
    const mails = (await page.request('GET', '/mailbox.json')).body as { to: string; text: string }[];
    const link = mails
      .reverse()
      .find((m) => m.to.includes('bob@example.com'))
      ?.text.match(/https?:\/\/\S+\/mpinActivate\?\S+/)?.[0];
    expect(link).toBeTruthy();
    expect(
      (await page.request('POST', link!, '', { 'content-type': 'application/x-www-form-urlencoded' })).status,
    ).toBe(200);

    expect(await act({ kind: 'confirmedEmail' })).toMatchObject({
      screen: 'setup-pin',
      identity: { state: 'activated' },
    });
    expect(await act({ kind: 'setPin', pin: '0042' })).toMatchObject({
      screen: 'home',
      identity: { state: 'registered' },
    });
    expect(await dump()).not.toContain('regOTT');
  });

  it('wrong access number: a bad check digit sends nothing; an unknown one is warned at "Next", before any PIN', async () => {
    const { act } = makeApp();
    await enrol(act, server.publicUrl, 'carol@example.com', '1111');
    await act({ kind: 'startSignIn' });
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    for (const bad of ['4241704', '424170', '42417031', 'abcdefg']) {
      expect(await act({ kind: 'submitAccessNumber', accessNumber: bad })).toMatchObject({
        screen: 'access-number',
        problem: { code: 'invalid-access-number' },
      });
    }
    expect(fetchSpy).not.toHaveBeenCalled();
    fetchSpy.mockRestore();

    expect(await act({ kind: 'submitAccessNumber', accessNumber: UNKNOWN_ACCESS_NUMBER })).toMatchObject({
      screen: 'wrong-access-number',
      problem: { code: 'unknown-access-number' },
    });
    expect(await act({ kind: 'retry' })).toMatchObject({ screen: 'access-number' });
    expect(await act({ kind: 'cancel' })).toMatchObject({ screen: 'home' });
  });

  it('wrong PIN: 401 twice with a retry, the third 410 blocks: token deleted, no further request, register again', async () => {
    const { act } = makeApp();
    await enrol(act, server.publicUrl, 'dan@example.com', '2222');
    const { accessNumber } = await pcSession(server.publicUrl);
    await act({ kind: 'startSignIn' });
    await act({ kind: 'submitAccessNumber', accessNumber });
    expect(await act({ kind: 'login', pin: '2223' })).toMatchObject({
      screen: 'wrong-pin',
      identity: { userId: 'dan@example.com' },
    });
    expect(await act({ kind: 'retry' })).toMatchObject({ screen: 'pin', accessNumber });
    expect(await act({ kind: 'login', pin: '2224' })).toMatchObject({ screen: 'wrong-pin' });
    await act({ kind: 'retry' });
    const blocked = await act({ kind: 'login', pin: '2225' });
    expect(blocked).toEqual({
      screen: 'blocked',
      userId: 'dan@example.com',
      service: { origin: server.publicUrl, name: new URL(server.publicUrl).host },
    });

    const stored = JSON.parse(await dump()) as { identities: Record<string, unknown>[] };
    expect(stored.identities).toHaveLength(1);
    expect(stored.identities[0]).toMatchObject({ state: 'blocked' });
    expect(stored.identities[0]).not.toHaveProperty('token');

    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    expect(await act({ kind: 'login', pin: '2222' })).toMatchObject({ screen: 'blocked' });
    expect(await act({ kind: 'startSignIn' })).toMatchObject({ screen: 'blocked' });
    expect(fetchSpy).not.toHaveBeenCalled();
    fetchSpy.mockRestore();

    expect(await act({ kind: 'registerAgain' })).toMatchObject({ screen: 'register', email: 'dan@example.com' });
    expect(await act({ kind: 'register', email: 'dan@example.com', deviceName: '' })).toMatchObject({
      screen: 'setup-pin',
    });
    expect(await act({ kind: 'setPin', pin: '3333' })).toMatchObject({ screen: 'home', identityCount: 1 });
  });

  it('menu, add identity, manage: reset PIN (new registration, same e-mail) and remove identity', async () => {
    const { act, app } = makeApp();
    const first = await enrol(act, server.publicUrl, 'erin@example.com', '4444');
    const firstId = first.screen === 'home' ? first.identity.id : '';
    expect(await act({ kind: 'openMenu' })).toMatchObject({
      screen: 'menu',
      selectedId: firstId,
      identities: [{ userId: 'erin@example.com' }],
    });
    expect(await act({ kind: 'addIdentity' })).toMatchObject({
      screen: 'register',
      service: { origin: server.publicUrl },
    });
    await act({ kind: 'register', email: 'frank@example.com', deviceName: '' });
    const second = await act({ kind: 'setPin', pin: '5555' });
    expect(second).toMatchObject({ screen: 'home', identityCount: 2, identity: { userId: 'frank@example.com' } });

    expect(await act({ kind: 'selectIdentity', id: firstId })).toMatchObject({
      screen: 'home',
      identity: { id: firstId },
    });
    expect(await act({ kind: 'manage', id: firstId })).toMatchObject({ screen: 'manage', identity: { id: firstId } });
    expect(await act({ kind: 'resetPin' })).toMatchObject({ screen: 'confirm-reset' });
    const reset = await act({ kind: 'confirmReset' });
    expect(reset).toMatchObject({ screen: 'setup-pin', identity: { userId: 'erin@example.com' } });
    const resetId = reset.screen === 'setup-pin' ? reset.identity.id : '';
    expect(resetId).not.toBe(firstId);
    expect(await act({ kind: 'setPin', pin: '4321' })).toMatchObject({
      screen: 'home',
      identityCount: 2,
      identity: { id: resetId },
    });

    // the new PIN signs in
    const { accessNumber, complete } = await pcSession(server.publicUrl);
    await act({ kind: 'startSignIn' });
    await act({ kind: 'submitAccessNumber', accessNumber });
    const [ok] = await Promise.all([act({ kind: 'login', pin: '4321' }), complete()]);
    expect(ok).toMatchObject({ screen: 'success', userId: 'erin@example.com' });

    await act({ kind: 'manage', id: resetId });
    expect(await act({ kind: 'removeIdentity' })).toMatchObject({ screen: 'confirm-remove' });
    expect(await act({ kind: 'confirmRemove' })).toMatchObject({
      screen: 'home',
      identityCount: 1,
      identity: { userId: 'frank@example.com' },
    });
    const frankId =
      (await app.getState()).screen === 'home'
        ? ((await app.getState()) as { identity: { id: string } }).identity.id
        : '';
    await act({ kind: 'manage', id: frankId });
    await act({ kind: 'removeIdentity' });
    expect(await act({ kind: 'confirmRemove' })).toMatchObject({
      screen: 'register',
      service: { origin: server.publicUrl },
    });
    expect(JSON.parse(await dump()).identities).toEqual([]);
  });

  it("a page's sign-in request never replaces a registration, a remote sign-in or a success that can sign out", async () => {
    const { act, app } = makeApp();
    const busy = { queued: false, reason: 'busy' };
    await act({ kind: 'addService', url: server.publicUrl });
    await act({ kind: 'register', email: 'max@example.com', deviceName: '' });
    expect(await app.requestLocalSignIn(server.publicUrl, 3)).toMatchObject({ queued: false });
    expect(await app.getState()).toMatchObject({ screen: 'setup-pin' });
    await act({ kind: 'setPin', pin: '2580' });

    // a remote sign-in in progress: the access number being typed, then the PIN screen that holds it
    await act({ kind: 'startSignIn' });
    expect(await app.requestLocalSignIn(server.publicUrl, 3)).toEqual(busy);
    expect(await app.getState()).toMatchObject({ screen: 'access-number' });
    const { accessNumber, complete } = await pcSession(server.publicUrl);
    await act({ kind: 'submitAccessNumber', accessNumber });
    expect(await app.requestLocalSignIn(server.publicUrl, 3)).toEqual(busy);
    expect(await app.getState()).toMatchObject({ screen: 'pin', purpose: 'remote', accessNumber });

    // the success screen whose "Sign out" still works
    const [success] = await Promise.all([act({ kind: 'login', pin: '2580' }), complete()]);
    expect(success).toMatchObject({ screen: 'success', canSignOut: true });
    expect(await app.requestLocalSignIn(server.publicUrl, 3)).toEqual(busy);
    expect(await app.getState()).toMatchObject({ screen: 'success', canSignOut: true });
    expect(await fakeBrowser.storage.session.get('signOut')).not.toEqual({});

    // the user finishes: now the page may have its sign-in
    await act({ kind: 'home' });
    expect(await app.requestLocalSignIn(server.publicUrl, 3)).toMatchObject({ queued: true });
    // while that PIN screen lives, another tab's request waits too; the same tab may ask again
    expect(await app.requestLocalSignIn(server.publicUrl, 5)).toEqual(busy);
    expect(await app.getState()).toMatchObject({ screen: 'pin', purpose: 'local' });
    expect(await app.requestLocalSignIn(server.publicUrl, 3)).toMatchObject({ queued: true });
    await act({ kind: 'cancel' });
    expect(await app.requestLocalSignIn(server.publicUrl, 5)).toMatchObject({ queued: true });
  });

  it('sign-in on this browser: the document that asked gets the authOTT with its nonce, and is signed in (WID "0")', async () => {
    const page = new HttpClient(server.publicUrl); // the tab, with its own cookie
    const completeSignIn = vi.fn(async (_tabId: number, m: CompleteSignInMessage, _documentId?: string) => {
      const r = await page.request('POST', m.authenticateURL, {
        mpinResponse: { version: '0.3', authOTT: m.authOTT, pass: 2 },
      });
      return r.status;
    });
    const { act, app } = makeApp({ completeSignIn, tabOrigin: async () => server.publicUrl });
    await enrol(act, server.publicUrl, 'gina@example.com', '6666');

    // the content script's first question: only the exact origin of an added service (not another port)
    expect(await app.isService(server.publicUrl)).toBe(true);
    expect(await app.isService(server.publicUrl.replace(/:\d+$/, ':1'))).toBe(false);
    expect(await app.isService(server.publicUrl.replace('127.0.0.1', 'localhost'))).toBe(false);

    expect(await app.pinpadFound('http://evil.test', 'demo')).toEqual({ offer: false });
    expect(await app.pinpadFound(server.publicUrl, 'demo')).toEqual({ offer: true, userId: 'gina@example.com' });
    expect(await app.requestLocalSignIn(server.publicUrl.replace('127.0.0.1', 'localhost'), 3)).toEqual({
      queued: false,
    });
    const asked = await app.requestLocalSignIn(server.publicUrl, 3, 'doc-3');
    expect(asked).toEqual({ queued: true, nonce: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(await app.getState()).toMatchObject({
      screen: 'pin',
      purpose: 'local',
      target: { origin: server.publicUrl },
    });

    expect(await act({ kind: 'login', pin: '6667' })).toMatchObject({ screen: 'wrong-pin' });
    await act({ kind: 'retry' });
    expect(await act({ kind: 'login', pin: '6666' })).toMatchObject({
      screen: 'success',
      purpose: 'local',
      canSignOut: false,
      userId: 'gina@example.com',
    });
    expect(completeSignIn).toHaveBeenLastCalledWith(
      3,
      {
        type: 'completeSignIn',
        authOTT: expect.stringMatching(/^[0-9a-f]{32}$/),
        authenticateURL: `${server.publicUrl}/mpinAuthenticate`,
        origin: server.publicUrl,
        nonce: asked.nonce,
      },
      'doc-3',
    );
    expect((await page.request('GET', '/protected')).text).toContain('gina@example.com');
  });

  it('a tab that shows another site (or document) by the time of the PIN gets nothing, and the popup says so', async () => {
    const other = server.publicUrl.replace(/:\d+$/, ':1'); // another port of the same host: another site
    let shown: (string | undefined)[] = [];
    const completeSignIn = vi.fn<Platform['completeSignIn']>(async () => 200);
    const { act, app } = makeApp({
      completeSignIn,
      tabOrigin: async () => (shown.length ? shown.shift() : server.publicUrl),
    });
    await enrol(act, server.publicUrl, 'hugo@example.com', '1470');
    const pageChanged = {
      screen: 'home',
      // the popup names the page's service: the identity's, which is the page's origin
      identity: { service: { origin: server.publicUrl } },
      problem: { code: 'page-changed', retry: false },
    };

    // sent elsewhere before the PIN: the PIN is not even used (no request at all)
    await app.requestLocalSignIn(server.publicUrl, 7, 'doc-7');
    shown = [other];
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    expect(await act({ kind: 'login', pin: '1470' })).toMatchObject(pageChanged);
    expect(fetchSpy).not.toHaveBeenCalled();
    fetchSpy.mockRestore();
    // closed, or on a site whose URL the extension may not see
    await app.requestLocalSignIn(server.publicUrl, 7, 'doc-7');
    shown = [undefined];
    expect(await act({ kind: 'login', pin: '1470' })).toMatchObject(pageChanged);

    // sent elsewhere while the PIN was being checked (after pass 2): the authOTT is not handed over
    await app.requestLocalSignIn(server.publicUrl, 7, 'doc-7');
    shown = [server.publicUrl, other];
    expect(await act({ kind: 'login', pin: '1470' })).toMatchObject(pageChanged);

    // the tab shows the service, but not the document that asked (reloaded): its content script refuses
    await app.requestLocalSignIn(server.publicUrl, 7, 'doc-7');
    completeSignIn.mockResolvedValueOnce('page-changed');
    expect(await act({ kind: 'login', pin: '1470' })).toMatchObject(pageChanged);
    expect(completeSignIn).toHaveBeenCalledTimes(1);

    // none of it cost the identity anything: the next sign-in works
    await app.requestLocalSignIn(server.publicUrl, 7, 'doc-9');
    expect(await act({ kind: 'login', pin: '1470' })).toMatchObject({ screen: 'success', purpose: 'local' });
  });

  it('a service that is down: a network problem with a retry, nothing lost', async () => {
    const { act } = makeApp();
    await enrol(act, server.publicUrl, 'hal@example.com', '7777');
    await act({ kind: 'startSignIn' });
    const { accessNumber, complete } = await pcSession(server.publicUrl);
    await act({ kind: 'submitAccessNumber', accessNumber });
    vi.spyOn(globalThis, 'fetch').mockRejectedValue(new TypeError('Failed to fetch'));
    const down = await act({ kind: 'login', pin: '7777' });
    expect(down).toMatchObject({ screen: 'pin', problem: { code: 'network', retry: true } });
    vi.mocked(globalThis.fetch).mockRestore();
    expect(await act({ kind: 'retry' })).toMatchObject({ screen: 'pin', purpose: 'remote', accessNumber });
    const [success, pcStatus] = await Promise.all([act({ kind: 'login', pin: '7777' }), complete()]);
    expect(success).toMatchObject({ screen: 'success' });
    expect(pcStatus).toBe(200);
  });
  it('revoked (time permit refused), 408 and 403 at authenticate: clear problems, the identity kept', async () => {
    const { act } = makeApp();
    await enrol(act, server.publicUrl, 'ivy@example.com', '8888');
    await act({ kind: 'startSignIn' });
    // revoked before "Next": the time permit fetched while the PIN is typed is refused, and "Login" asks again
    await server.ctx.storage.put('revoked', 'ivy@example.com', { reason: 'test' });
    await act({ kind: 'submitAccessNumber', accessNumber: await liveAccessNumber(server.publicUrl) });
    expect(await act({ kind: 'login', pin: '8888' })).toMatchObject({
      screen: 'pin',
      problem: { code: 'revoked', retry: false },
    });
    await server.ctx.storage.delete('revoked', 'ivy@example.com');

    const realFetch = globalThis.fetch;
    let answer = { status: 408, body: '{"message":"Authentication timed out"}' };
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) =>
      String(input).endsWith('/rps/authenticate')
        ? new Response(answer.body, { status: answer.status })
        : realFetch(input, init),
    );
    expect(await act({ kind: 'login', pin: '8888' })).toMatchObject({
      screen: 'access-number',
      problem: { code: 'access-number-expired' },
    });
    await act({ kind: 'submitAccessNumber', accessNumber: await liveAccessNumber(server.publicUrl) });
    answer = { status: 403, body: '{"message":"Forbidden"}' };
    expect(await act({ kind: 'login', pin: '8888' })).toMatchObject({
      screen: 'pin',
      problem: { code: 'not-authorized' },
    });
    const stored = JSON.parse(await dump()) as { identities: Record<string, unknown>[] };
    expect(stored.identities[0]).toMatchObject({ state: 'registered', token: expect.any(String) });
  });

  it('sign out: a logoutURL on another origin is refused without a request; a non-empty 200 is a failure', async () => {
    const { act } = makeApp();
    await enrol(act, server.publicUrl, 'jay@example.com', '9999');
    const realFetch = globalThis.fetch;
    let logoutURL = 'https://evil.test/logout';
    const fetchSpy = vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      const url = String(input);
      if (url.endsWith('/rps/authenticate'))
        return new Response(
          JSON.stringify({ logoutURL, logoutData: { userId: 'jay@example.com', sessionToken: 'abc' } }),
          { status: 200 },
        );
      if (url.endsWith('/fake-logout')) return new Response('Logged out', { status: 200 });
      return realFetch(input, init);
    });
    const signIn = async () => {
      await act({ kind: 'home' });
      await act({ kind: 'startSignIn' });
      await act({ kind: 'submitAccessNumber', accessNumber: await liveAccessNumber(server.publicUrl) });
      return act({ kind: 'login', pin: '9999' });
    };
    expect(await signIn()).toMatchObject({ screen: 'success', canSignOut: true });
    expect(await act({ kind: 'signOut' })).toMatchObject({
      screen: 'success',
      signedOut: false,
      canSignOut: false,
      problem: { code: 'sign-out-failed', detail: 'sign-out-elsewhere' },
    });
    expect(fetchSpy.mock.calls.map(([u]) => String(u)).filter((u) => u.includes('evil'))).toEqual([]);
    expect(await fakeBrowser.storage.session.get('signOut')).toEqual({});

    logoutURL = '/fake-logout';
    expect(await signIn()).toMatchObject({ screen: 'success', canSignOut: true });
    expect(await act({ kind: 'signOut' })).toMatchObject({
      screen: 'success',
      signedOut: false,
      problem: { code: 'sign-out-failed', retry: false },
    });

    // leaving the success screen forgets the sign-out data (R8)
    expect(await act({ kind: 'home' })).toMatchObject({ screen: 'home' });
    expect(await fakeBrowser.storage.session.get('signOut')).toEqual({});
  });

  it('the add-service screen shows a PIN pad found on the active tab; cancel and intents out of place change nothing', async () => {
    const { app, act } = makeApp({ detectPinpad: async () => server.publicUrl });
    expect(await app.getState()).toEqual({
      screen: 'add-service',
      detected: { origin: server.publicUrl, name: new URL(server.publicUrl).host },
    });
    expect(await act({ kind: 'login', pin: '1234' })).toMatchObject({ screen: 'add-service' });
    expect(await act({ kind: 'confirmRemove' })).toMatchObject({ screen: 'add-service' });
    await act({ kind: 'addService', url: server.publicUrl });
    expect(await act({ kind: 'cancel' })).toMatchObject({ screen: 'add-service' });
    expect(JSON.parse(await dump()).identities).toEqual([]);
  });
  it('scanQr offers the service whose URL the QR code on the tab holds; anything else is "no QR code"', async () => {
    const { act } = makeApp({ scanQr: async () => `${server.publicUrl}` });
    expect(await act({ kind: 'scanQr' })).toEqual({
      screen: 'add-service',
      detected: { origin: server.publicUrl, name: new URL(server.publicUrl).host },
    });
    expect((await act({ kind: 'addService', url: server.publicUrl })).screen).toBe('register');

    const none = makeApp({ scanQr: async () => undefined });
    expect(await none.act({ kind: 'scanQr' })).toMatchObject({
      screen: 'add-service',
      problem: { code: 'no-qr', retry: false },
    });
    const text = makeApp({ scanQr: async () => 'just some words' });
    expect(await text.act({ kind: 'scanQr' })).toMatchObject({ screen: 'add-service', problem: { code: 'no-qr' } });
    const other = makeApp({ scanQr: async () => 'javascript:alert(1)' });
    expect(await other.act({ kind: 'scanQr' })).toMatchObject({ screen: 'add-service', problem: { code: 'no-qr' } });
  });
  it('R23: sign-out data lives at most 10 minutes, and the alarm wipes it even if nobody reads it', async () => {
    let clock = Date.now();
    const { act, app } = makeApp({}, () => clock);
    await enrol(act, server.publicUrl, 'idle@example.com', '4455');
    const { accessNumber, complete } = await pcSession(server.publicUrl);
    await act({ kind: 'startSignIn' });
    await act({ kind: 'submitAccessNumber', accessNumber });
    const signedInAt = clock;
    const [success] = await Promise.all([act({ kind: 'login', pin: '4455' }), complete()]);
    expect(success).toMatchObject({ screen: 'success', canSignOut: true });
    // the wipe is armed for the moment the data expires
    expect(await fakeBrowser.alarms.get('mpin-expiry')).toMatchObject({ scheduledTime: signedInAt + 10 * 60_000 });
    clock += 9 * 60_000;
    expect(await app.getState()).toMatchObject({ screen: 'success', canSignOut: true });
    clock += 2 * 60_000;
    await app.expire(); // the alarm fires; nobody has read the data since
    expect(await fakeBrowser.storage.session.get(null)).toEqual({});
    expect(await app.getState()).toMatchObject({ screen: 'success', canSignOut: false });
    expect(await fakeBrowser.alarms.get('mpin-expiry')).toBeUndefined(); // nothing left to wipe
  });

  it('R1/R23: the client secret between "I confirmed my email" and "SETUP" lives at most 10 minutes', async () => {
    let clock = Date.now();
    const { act, app } = makeApp({}, () => clock);
    await act({ kind: 'addService', url: server.publicUrl });
    expect(await act({ kind: 'register', email: 'slow@example.com', deviceName: '' })).toMatchObject({
      screen: 'setup-pin',
    });
    expect(Object.keys(await fakeBrowser.storage.session.get(null))).toEqual([expect.stringMatching(/^clientSecret:/)]);
    expect(await fakeBrowser.alarms.get('mpin-expiry')).toMatchObject({ scheduledTime: clock + 10 * 60_000 });
    clock += 10 * 60_000 + 1;
    await app.expire();
    expect(await fakeBrowser.storage.session.get(null)).toEqual({});
    expect(await app.getState()).toMatchObject({
      screen: 'register',
      email: 'slow@example.com',
      problem: { code: 'registration-expired', detail: 'pin-time-over' },
    });
    expect(JSON.parse(await dump()).identities).toEqual([]);
  });

  it('an expired PIN screen is overwritten: its access number and tab id do not stay in IndexedDB', async () => {
    let clock = Date.now();
    const { act, app } = makeApp({ completeSignIn: async () => 200 }, () => clock);
    await enrol(act, server.publicUrl, 'lee@example.com', '5656');
    await act({ kind: 'startSignIn' });
    const number = await liveAccessNumber(server.publicUrl);
    const pin = await act({ kind: 'submitAccessNumber', accessNumber: number });
    expect(await dump()).toContain(number);
    // the number's end as the service said it (99 s from when the PC asked), plus the grace seconds
    expect(pin).toMatchObject({ screen: 'pin', expiresAt: expect.any(Number) });
    const ends = (pin as { expiresAt: number }).expiresAt;
    expect(ends).toBeGreaterThan(clock + 90_000);
    expect(ends).toBeLessThanOrEqual(clock + 99_000);
    expect(await fakeBrowser.alarms.get('mpin-expiry')).toMatchObject({ scheduledTime: ends + 5_000 });
    clock += 105_000;
    await app.expire();
    expect(await dump()).not.toContain(number);
    expect(await app.getState()).toMatchObject({
      screen: 'access-number',
      problem: { code: 'access-number-expired', detail: 'new-number' },
    });

    await act({ kind: 'home' });
    expect(await app.requestLocalSignIn(server.publicUrl, 4242)).toMatchObject({ queued: true });
    expect(await dump()).toContain('4242');
    clock += 105_000;
    await app.expire();
    expect(await dump()).not.toMatch(/tabId|4242/);
    expect(await app.getState()).toMatchObject({ screen: 'home' });
  });

  it('the PIN screen expires with the access number (its end from the check at "Next", plus grace): no request', async () => {
    let clock = Date.now();
    const { act, app } = makeApp({}, () => clock);
    await enrol(act, server.publicUrl, 'kim@example.com', '1212');
    await act({ kind: 'startSignIn' });
    await act({ kind: 'submitAccessNumber', accessNumber: await liveAccessNumber(server.publicUrl) });
    clock += 90_000;
    expect(await app.getState()).toMatchObject({ screen: 'pin' });
    clock += 15_000; // 99 s + 5 s grace are over
    expect(await app.getState()).toMatchObject({
      screen: 'access-number',
      problem: { code: 'access-number-expired', detail: 'new-number' },
    });
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    expect(await act({ kind: 'login', pin: '1212' })).toMatchObject({ screen: 'access-number' });
    // (the time permit prefetched at "Next" may still be on its way: only the sign-in's own steps count)
    const signInSteps = fetchSpy.mock.calls.map(([u]) => String(u)).filter((u) => /pass[12]|authenticate/.test(u));
    expect(signInSteps).toEqual([]);
  });
});
