// @vitest-environment node
// Issue 11, the extension's side, against the REAL reference server: the check at "Next" (an unknown number warned
// before any PIN; the PC's browser, OS, address and age, and the number's end, by this computer's clock whatever the
// service's clock says), the proven "Authenticating user …" on the PC with the identity's device key, "This wasn't
// me", the time permit fetched while the PIN is typed, and a service that does not know the check. The PC is
// played with plain fetch (tests/unit/app-fixture.ts).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { IdentityRecord } from '@/lib/store/records';
import { startTestServer, type TestServer } from '../support/test-server';
import { WINDOWS_CHROME } from '../support/user-agents';
import { enrol, pcSession, UNKNOWN_ACCESS_NUMBER, useAppFixture, type Act } from './app-fixture';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ REQUIRE_ACTIVATION: 'false' });
});
afterAll(async () => {
  await server?.stop();
});

const { makeApp, dump, store: fixtureStore } = useAppFixture('remote-context');

/** The stored identities (with what the popup never sees: the device key). */
async function storedIdentities(): Promise<IdentityRecord[]> {
  return (JSON.parse(await dump()) as { identities: IdentityRecord[] }).identities;
}

/** Home → access number → "Next" with `accessNumber`. */
async function next(act: Act, accessNumber: string) {
  expect(await act({ kind: 'startSignIn' })).toMatchObject({ screen: 'access-number' });
  return act({ kind: 'submitAccessNumber', accessNumber });
}

/** A fetch that answers requests whose URL matches `pattern` with `answer`, and sends the others on. */
function answerFor(pattern: RegExp, answer: () => Response | Promise<Response>) {
  const realFetch = globalThis.fetch;
  return vi
    .spyOn(globalThis, 'fetch')
    .mockImplementation(async (input, init) => (pattern.test(String(input)) ? answer() : realFetch(input, init)));
}

describe('the check at "Next"', () => {
  it("shows the PC's browser, OS, address and age and the number's end, by this computer's clock, before any PIN", async () => {
    // this computer's clock is an hour behind the service's: what the popup counts from must not depend on it
    const skew = -3_600_000;
    let clock = Date.now() + skew;
    const { act, app } = makeApp({}, () => clock);
    await enrol(act, server.publicUrl, 'ada@example.com', '1357');
    const { accessNumber } = await pcSession(server.publicUrl, { 'user-agent': WINDOWS_CHROME });
    const before = clock;
    const pin = await next(act, accessNumber);
    expect(pin).toMatchObject({
      screen: 'pin',
      purpose: 'remote',
      accessNumber,
      pc: { browser: 'Chrome', os: 'Windows', ip: '127.0.0.1', askedAt: expect.any(Number) },
      expiresAt: expect.any(Number),
    });
    const { pc, expiresAt } = pin as { pc: { askedAt: number }; expiresAt: number };
    expect(pc.askedAt).toBeLessThanOrEqual(before);
    expect(pc.askedAt).toBeGreaterThan(before - 10_000);
    expect(expiresAt).toBeGreaterThan(before + 89_000); // 99 s from when the PC asked
    expect(expiresAt).toBeLessThanOrEqual(before + 99_000);

    // a closed popup or a restarted service worker loses nothing
    clock += 1_000;
    expect(await makeApp({}, () => clock).app.getState()).toEqual(pin);
    expect(await app.getState()).toEqual(pin);
  });

  it('an unknown, a used and a refused number are warned at once; a retry returns to the access number', async () => {
    const { act } = makeApp();
    await enrol(act, server.publicUrl, 'bea@example.com', '2468');
    const wrong = { screen: 'wrong-access-number', problem: { code: 'unknown-access-number', retry: false } };
    expect(await next(act, UNKNOWN_ACCESS_NUMBER)).toMatchObject(wrong);
    expect(await act({ kind: 'retry' })).toMatchObject({ screen: 'access-number' });

    const used = await pcSession(server.publicUrl);
    await act({ kind: 'home' });
    await next(act, used.accessNumber);
    const [success, pcStatus] = await Promise.all([act({ kind: 'login', pin: '2468' }), used.complete()]);
    expect(success).toMatchObject({ screen: 'success' });
    expect(pcStatus).toBe(200);
    await act({ kind: 'home' });
    expect(await next(act, used.accessNumber)).toMatchObject(wrong);

    const refused = await pcSession(server.publicUrl);
    await act({ kind: 'home' });
    await next(act, refused.accessNumber);
    await act({ kind: 'refuseSignIn' });
    expect(await next(act, refused.accessNumber)).toMatchObject(wrong);
  });

  it('a network failure keeps the access-number screen with a retry that checks again', async () => {
    const { act } = makeApp();
    await enrol(act, server.publicUrl, 'cal@example.com', '1122');
    const { accessNumber } = await pcSession(server.publicUrl);
    const down = answerFor(/\/codeStatus$/, () => Promise.reject(new TypeError('Failed to fetch')));
    expect(await next(act, accessNumber)).toMatchObject({
      screen: 'access-number',
      problem: { code: 'network', retry: true },
    });
    down.mockRestore();
    expect(await act({ kind: 'retry' })).toMatchObject({ screen: 'pin', accessNumber, pc: { ip: '127.0.0.1' } });
  });

  it("a service without the check (Milagro's RPS: 404, or a 200 without the PC) still gets its PIN screen, without context", async () => {
    let clock = Date.now();
    const { act, app } = makeApp({}, () => clock);
    await enrol(act, server.publicUrl, 'dee@example.com', '3344');
    const session = await pcSession(server.publicUrl);
    const spy = answerFor(/\/codeStatus$/, () => new Response('{"message":"Not Found"}', { status: 404 }));
    const pin = await next(act, session.accessNumber);
    expect(pin).toMatchObject({ screen: 'pin', purpose: 'remote', accessNumber: session.accessNumber });
    expect(pin).not.toHaveProperty('pc');
    expect(pin).not.toHaveProperty('expiresAt');
    // nothing more was asked of it (no claim); the PIN screen lives as the service's settings say (99 s + 5 s)
    expect(spy.mock.calls.filter(([u]) => /codeStatus/.test(String(u)))).toHaveLength(1);
    clock += 100_000;
    expect(await app.getState()).toMatchObject({ screen: 'pin' });
    clock += 5_000;
    expect(await app.getState()).toMatchObject({ screen: 'access-number', problem: { code: 'access-number-expired' } });
    spy.mockRestore();

    answerFor(/\/codeStatus$/, () => new Response('{"PrerollId":"","AppName":"Milagro","AppLogoUrl":""}'));
    const milagro = await pcSession(server.publicUrl);
    await act({ kind: 'home' });
    const plain = await next(act, milagro.accessNumber);
    expect(plain).toMatchObject({ screen: 'pin', accessNumber: milagro.accessNumber });
    expect(plain).not.toHaveProperty('pc');
  });
});

describe('"Authenticating user …" on the PC, proven with the device key', () => {
  it('each registration makes its own device key, sends it, keeps it, and never shows it', async () => {
    const { act, app } = makeApp();
    const sent: unknown[] = [];
    const realFetch = globalThis.fetch;
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      if (/\/rps\/user$/.test(String(input))) sent.push(JSON.parse(String(init?.body)));
      return realFetch(input, init);
    });
    const home = await enrol(act, server.publicUrl, 'eve@example.com', '5566');
    const [first] = await storedIdentities();
    expect(first!.deviceKey).toMatch(/^[0-9a-f]{64}$/);
    expect(sent).toEqual([expect.objectContaining({ userId: 'eve@example.com', deviceKey: first!.deviceKey })]);
    expect(JSON.stringify([home, await app.getState()])).not.toContain(first!.deviceKey);

    // "Reset PIN" is a new registration: a new key
    await act({ kind: 'manage', id: first!.id });
    await act({ kind: 'resetPin' });
    expect(await act({ kind: 'confirmReset' })).toMatchObject({ screen: 'setup-pin' });
    const [second] = await storedIdentities();
    expect(second!.deviceKey).toMatch(/^[0-9a-f]{64}$/);
    expect(second!.deviceKey).not.toBe(first!.deviceKey);
    expect(sent[1]).toMatchObject({ deviceKey: second!.deviceKey });
  });

  it('the PC shows who signs in right after "Next", before the PIN; an identity without a key does not claim', async () => {
    const { act } = makeApp();
    await enrol(act, server.publicUrl, 'fay@example.com', '7788');
    const session = await pcSession(server.publicUrl);
    await next(act, session.accessNumber);
    expect(await session.stateAfter('new')).toMatchObject({ status: 'user', userId: 'fay@example.com' });
    const [success, pcStatus] = await Promise.all([act({ kind: 'login', pin: '7788' }), session.complete()]);
    expect(success).toMatchObject({ screen: 'success' });
    expect(pcStatus).toBe(200);

    // an identity registered before device keys existed: it sends no claim, and the PC learns no name
    const [identity] = await storedIdentities();
    const { deviceKey: _none, ...older } = identity!;
    const store = await fixtureStore();
    await store.commit({ putIdentities: [older] });
    store.close();
    const spy = answerFor(/^$/, () => new Response());
    await act({ kind: 'home' });
    const quiet = await pcSession(server.publicUrl);
    expect(await next(act, quiet.accessNumber)).toMatchObject({ screen: 'pin' });
    const claims = spy.mock.calls.filter(([, init]) => String(init?.body).includes('"status":"user"'));
    expect(claims).toEqual([]);
    expect((await quiet.pc.request('POST', '/rps/access', { webOTT: quiet.webOTT })).body).toMatchObject({
      status: 'new',
      userId: '',
    });
  });
});

describe('"This wasn\'t me"', () => {
  it('refuses the number at the service: the PC is told, the number is dead, home says so', async () => {
    const { act } = makeApp();
    await enrol(act, server.publicUrl, 'gus@example.com', '9900');
    const session = await pcSession(server.publicUrl);
    await next(act, session.accessNumber);
    expect(await session.stateAfter('new')).toMatchObject({ status: 'user' });
    expect(await act({ kind: 'refuseSignIn' })).toMatchObject({
      screen: 'home',
      notice: 'sign-in-refused',
      identity: { userId: 'gus@example.com' },
    });
    expect(await session.stateAfter('user')).toMatchObject({ status: 'refused' });
    // the v1 poll: unknown
    expect((await session.pc.request('POST', '/rps/accessnumber', { webOTT: session.webOTT })).status).toBe(404);
    // the notice goes with the next screen
    expect(await act({ kind: 'startSignIn' })).not.toHaveProperty('notice');
    expect(await act({ kind: 'home' })).not.toHaveProperty('notice');
  });

  it('a number already dead, a service that cannot refuse, and a network failure (kept, with a retry)', async () => {
    const { act } = makeApp();
    await enrol(act, server.publicUrl, 'hal@example.com', '1212');

    // dead meanwhile (refused from elsewhere: here, by the service's own answer to a second refusal)
    const dead = await pcSession(server.publicUrl);
    await next(act, dead.accessNumber);
    await dead.pc.request('POST', '/rps/codeStatus', { status: 'refused', wid: dead.accessNumber });
    expect(await act({ kind: 'refuseSignIn' })).toMatchObject({ screen: 'home', notice: 'access-number-gone' });

    const session = await pcSession(server.publicUrl);
    await act({ kind: 'home' });
    await next(act, session.accessNumber);
    const down = answerFor(/\/codeStatus$/, () => Promise.reject(new TypeError('Failed to fetch')));
    expect(await act({ kind: 'refuseSignIn' })).toMatchObject({
      screen: 'pin',
      accessNumber: session.accessNumber,
      problem: { code: 'network', retry: true },
    });
    down.mockRestore();
    expect(await act({ kind: 'retry' })).toMatchObject({ screen: 'home', notice: 'sign-in-refused' });
    expect(await session.stateAfter('new')).toMatchObject({ status: 'refused' });

    const other = await pcSession(server.publicUrl);
    await act({ kind: 'home' });
    await next(act, other.accessNumber);
    answerFor(/\/codeStatus$/, () => new Response('{"message":"Not Found"}', { status: 404 }));
    expect(await act({ kind: 'refuseSignIn' })).toMatchObject({ screen: 'home', notice: 'refusal-not-sent' });
  });

  it('is refused on a PIN screen for this browser, and elsewhere', async () => {
    const { act, app } = makeApp({ tabOrigin: async () => server.publicUrl });
    await enrol(act, server.publicUrl, 'ida@example.com', '3434');
    expect(await act({ kind: 'refuseSignIn' })).toMatchObject({ screen: 'home' });
    await app.requestLocalSignIn(server.publicUrl, 3);
    expect(await act({ kind: 'refuseSignIn' })).toMatchObject({ screen: 'pin', purpose: 'local' });
  });
});

describe('the time permit, fetched while the PIN is typed', () => {
  /**
   * Every request from here on, passed through to the real server; the check's answer with the service's clock
   * moved by `shiftMs` (its time, the number's end and when the PC asked: durations stay the same).
   */
  function recordRequests(shiftMs = 0) {
    const realFetch = globalThis.fetch;
    const spy = vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      const res = await realFetch(input, init);
      if (!shiftMs || !/\/codeStatus$/.test(String(input)) || res.status !== 200) return res;
      const body = (await res.json()) as { serverTime: number; expiresAt: number; pc: { requestedAt: number } };
      body.serverTime += shiftMs;
      body.expiresAt += shiftMs;
      body.pc.requestedAt += shiftMs;
      return new Response(JSON.stringify(body));
    });
    const urls = (from = 0) => spy.mock.calls.slice(from).map(([u]) => new URL(String(u)).pathname);
    return {
      urls,
      count: () => spy.mock.calls.length,
      /** Waits until these paths have been asked for (the prefetch runs on its own after "Next"). */
      sent: (...paths: string[]) => vi.waitFor(() => expect(urls()).toEqual(expect.arrayContaining(paths))),
    };
  }
  const signInSteps = (urls: string[]) => urls.filter((u) => u.startsWith('/rps/') && !u.startsWith('/rps/access'));

  it('"Login" uses the permit fetched since "Next": only pass 1, pass 2 and /rps/authenticate are left', async () => {
    const { act } = makeApp();
    await enrol(act, server.publicUrl, 'jo@example.com', '5656');
    const [identity] = await storedIdentities();
    const requests = recordRequests();
    const session = await pcSession(server.publicUrl);
    await next(act, session.accessNumber);
    await requests.sent(`/rps/timePermit/${identity!.mpinIdHex}`, '/dta2/timePermit');
    const atLogin = requests.count();
    const [success] = await Promise.all([act({ kind: 'login', pin: '5656' }), session.complete()]);
    expect(success).toMatchObject({ screen: 'success' });
    expect(signInSteps(requests.urls(atLogin))).toEqual(['/rps/pass1', '/rps/pass2', '/rps/authenticate']);
    // the second D-TA's share is kept for the day, as when "Login" fetches it
    expect((await storedIdentities())[0]!.timePermitCache).toMatchObject({ share: expect.stringMatching(/^04/) });
  });

  it('a permit that is not for the service\'s day at "Login" is fetched again', async () => {
    const { act } = makeApp();
    await enrol(act, server.publicUrl, 'kay@example.com', '7878');
    const [identity] = await storedIdentities();
    // the service's clock says tomorrow (its day has turned since it issued the permit)
    const requests = recordRequests(86_400_000);
    const session = await pcSession(server.publicUrl);
    await next(act, session.accessNumber);
    await requests.sent(`/rps/timePermit/${identity!.mpinIdHex}`);
    const atLogin = requests.count();
    const [success] = await Promise.all([act({ kind: 'login', pin: '7878' }), session.complete()]);
    expect(success).toMatchObject({ screen: 'success' });
    expect(signInSteps(requests.urls(atLogin))).toEqual([
      `/rps/timePermit/${identity!.mpinIdHex}`,
      '/rps/pass1',
      '/rps/pass2',
      '/rps/authenticate',
    ]);
  });
});
