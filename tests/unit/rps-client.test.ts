// The RPS client against recorded responses (docs/protocol.md §4, §5 and the reference server) and malformed ones:
// every response is parsed with zod; errors are typed (network/timeout, http with Milagro's message, malformed,
// origin) and carry no URL, body or secret. At the app level, a malformed answer is a clear problem and no change.
import { openDB } from 'idb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { createApp } from '@/lib/app/app';
import { fetchClientSettings, newDeviceKey, RpsClient, RpsError } from '@/lib/rps/client';
import type { ClientSettings } from '@/lib/rps/schemas';
import { DB_VERSION, openStore } from '@/lib/store/db';

const ORIGIN = 'https://rp.test:8443';
// Recorded from the reference server (GET /rps/clientSettings), seedValue shortened.
const SETTINGS_TEXT =
  '{"requestOTP":false,"mpinAuthServerURL":"/rps","timePermitsURL":"/rps/timePermit","useWebSocket":false,"useNFC":false,"setDeviceName":true,"seedValue":"9c04b0e2","accessNumberDigits":7,"accessNumberURL":"/rps/access","setupDoneURL":"/rps/setupDone","timePermitsStorageURL":"","authenticateURL":"/mpinAuthenticate","certivoxURL":"/dta2/","accessNumberUseCheckSum":true,"registerURL":"/rps/user","appID":"0ac242e17d9b9aca258b659bf3c1778d","cSum":1,"signatureURL":"/rps/signature","getAccessNumberURL":"/rps/getAccessNumber","mobileAuthenticateURL":"/rps/authenticate","ttlSeconds":99}';
const MPIN_ID =
  '7b226d6f62696c65223a20312c2022697373756564223a2022323032362d31312d32382031373a30323a34392e363233303030222c2022757365724944223a20226140622e63222c202273616c74223a20223635383565346363373261646263653265363735643430316637626663653463227d';
const REGISTER_TEXT = `{"mpinId":"${MPIN_ID}","regOTT":"7fb58219f9af1037c9e47e44e1fc526e","expireTime":"2026-11-28T18:02:49.623000","nowTime":"2026-11-28T17:02:49.639000","active":false}`;

type Route = (
  url: URL,
  init: RequestInit,
) => { status: number; body: string } | Promise<{ status: number; body: string }>;
function fakeFetch(route: Route) {
  return vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const r = await route(new URL(String(input)), init);
    return new Response(r.body === '' ? null : r.body, { status: r.status });
  }) as unknown as typeof fetch & ReturnType<typeof vi.fn>;
}
const settings = JSON.parse(SETTINGS_TEXT) as ClientSettings;

describe('RpsClient', () => {
  it('reads recorded clientSettings, resolving nothing yet and keeping the Milagro keys it needs', async () => {
    const f = fakeFetch((u) =>
      u.pathname === '/rps/clientSettings' ? { status: 200, body: SETTINGS_TEXT } : { status: 404, body: '' },
    );
    const s = await fetchClientSettings(ORIGIN, { fetch: f });
    expect(s).toMatchObject({
      registerURL: '/rps/user',
      certivoxURL: '/dta2/',
      accessNumberDigits: 7,
      setDeviceName: true,
      cSum: 1,
    });
    expect(String(f.mock.calls[0]![0])).toBe(`${ORIGIN}/rps/clientSettings`);
  });

  it('sends PUT /rps/user with mobile 1 and parses the recorded answer', async () => {
    const f = fakeFetch(() => ({ status: 200, body: REGISTER_TEXT }));
    const r = await new RpsClient(ORIGIN, settings, { fetch: f }).register('a@b.c', 'linChrome');
    expect(r).toMatchObject({ mpinId: MPIN_ID, regOTT: '7fb58219f9af1037c9e47e44e1fc526e', active: false });
    const [url, init] = f.mock.calls[0]!;
    expect(String(url)).toBe(`${ORIGIN}/rps/user`);
    expect(init).toMatchObject({ method: 'PUT', credentials: 'omit' });
    expect(JSON.parse(String(init.body))).toEqual({ userId: 'a@b.c', mobile: 1, deviceName: 'linChrome' });
  });

  it('pass 2 always sends WID and OTP (the RPS refuses it otherwise)', async () => {
    const f = fakeFetch(() => ({
      status: 200,
      body: '{"authOTT":"0123456789abcdef0123456789abcdef","pass":2,"version":"0.3"}',
    }));
    expect(await new RpsClient(ORIGIN, settings, { fetch: f }).pass2('ab', 'cd', '4241703')).toEqual({
      authOTT: '0123456789abcdef0123456789abcdef',
    });
    expect(JSON.parse(String(f.mock.calls[0]![1].body))).toEqual({
      mpin_id: 'ab',
      V: 'cd',
      WID: '4241703',
      OTP: false,
      pass: 2,
    });
  });

  it("gives an http error with Milagro's message, and no URL or secret in it", async () => {
    const f = fakeFetch(() => ({ status: 401, body: '{"version":"0.3","message":"M-PinID not active."}' }));
    const e = await new RpsClient(ORIGIN, settings, { fetch: f })
      .signature(MPIN_ID, 'secret-ott')
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(RpsError);
    expect(e).toMatchObject({ kind: 'http', status: 401, serverMessage: 'M-PinID not active.', step: 'signature' });
    expect(String((e as Error).message)).not.toMatch(/secret-ott|rp\.test|7b22/);
  });

  it.each([
    ['not JSON', '<html>hello</html>'],
    ['an empty body', ''],
    ['a missing key', '{"regOTT":"x"}'],
    ['a non-hex mpinId', '{"mpinId":"zz","regOTT":"x"}'],
    ['a wrong type', '{"mpinId":"7b7d","regOTT":5}'],
    ['JSON null', 'null'],
  ])('calls %s malformed', async (_what, body) => {
    const f = fakeFetch(() => ({ status: 200, body }));
    await expect(new RpsClient(ORIGIN, settings, { fetch: f }).register('a@b.c')).rejects.toMatchObject({
      kind: 'malformed',
      step: 'register',
    });
  });

  it('tells a network failure from a timeout', async () => {
    const down = vi.fn(async () => {
      throw new TypeError('Failed to fetch');
    }) as unknown as typeof fetch;
    await expect(new RpsClient(ORIGIN, settings, { fetch: down }).timePermit('ab')).rejects.toMatchObject({
      kind: 'network',
    });
    const slow = vi.fn(
      (_u: unknown, init: RequestInit) =>
        new Promise<Response>((_r, reject) =>
          init.signal!.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))),
        ),
    ) as unknown as typeof fetch;
    await expect(
      new RpsClient(ORIGIN, settings, { fetch: slow, timeoutMs: 20 }).timePermit('ab'),
    ).rejects.toMatchObject({ kind: 'timeout' });
  });

  it('signs out only on the service origin, and only an empty 200 is success', async () => {
    const f = fakeFetch((u) => (u.pathname === '/logout' ? { status: 200, body: '' } : { status: 200, body: 'OK' }));
    const c = new RpsClient(ORIGIN, settings, { fetch: f });
    await c.logout('/logout', { userId: 'a@b.c', sessionToken: 'abc' });
    expect(String(f.mock.calls[0]![0])).toBe(`${ORIGIN}/logout`);
    expect(JSON.parse(String(f.mock.calls[0]![1].body))).toEqual({ userId: 'a@b.c', sessionToken: 'abc' });
    await expect(c.logout('/other', {})).rejects.toMatchObject({ kind: 'malformed' });
    for (const evil of [
      'https://evil.test/logout',
      '//evil.test/logout',
      'https://rp.test:8081/logout',
      'http://rp.test:8443/logout',
      'javascript:alert(1)',
    ]) {
      await expect(c.logout(evil, {})).rejects.toMatchObject({ kind: expect.stringMatching(/origin|malformed/) });
    }
    expect(f).toHaveBeenCalledTimes(2);
  });
});

describe('https only; every settings URL on the service, the second D-TA on https (or on this computer)', () => {
  const withSettings = (over: Record<string, unknown>) => JSON.stringify({ ...JSON.parse(SETTINGS_TEXT), ...over });

  it.each([
    ['registerURL on another site', { registerURL: 'https://evil.test/rps/user' }],
    ['a protocol-relative mpinAuthServerURL', { mpinAuthServerURL: '//evil.test/rps' }],
    ['authenticateURL on another port', { authenticateURL: 'https://rp.test:9443/mpinAuthenticate' }],
    ['mobileAuthenticateURL over http', { mobileAuthenticateURL: 'http://rp.test:8443/rps/authenticate' }],
    ['signatureURL on a sub-domain', { signatureURL: 'https://x.rp.test:8443/rps/signature' }],
    ['timePermitsURL elsewhere', { timePermitsURL: 'https://evil.test/tp' }],
    ['setupDoneURL elsewhere', { setupDoneURL: 'https://evil.test/done' }],
    ['a timePermitsStorageURL elsewhere', { timePermitsStorageURL: 'https://cdn.evil.test/' }],
    ['the second D-TA over http', { certivoxURL: 'http://dta.example/' }],
    ['the second D-TA over http on this computer, under an https service', { certivoxURL: 'http://127.0.0.1:8002/' }],
    ['a second D-TA that is not a web URL', { certivoxURL: 'javascript:alert(1)//' }],
  ])('refuses clientSettings with %s', async (_what, over) => {
    const f = fakeFetch(() => ({ status: 200, body: withSettings(over) }));
    await expect(fetchClientSettings(ORIGIN, { fetch: f })).rejects.toMatchObject({
      kind: 'origin',
      step: 'clientSettings',
    });
  });

  it('accepts a second D-TA on https elsewhere, and one on this computer under a service on this computer', async () => {
    const f = fakeFetch(() => ({ status: 200, body: withSettings({ certivoxURL: 'https://dta.example/' }) }));
    expect(await fetchClientSettings(ORIGIN, { fetch: f })).toMatchObject({ certivoxURL: 'https://dta.example/' });
    const local = fakeFetch(() => ({ status: 200, body: withSettings({ certivoxURL: 'http://127.0.0.1:8002/' }) }));
    expect(await fetchClientSettings('http://127.0.0.1:8080', { fetch: local })).toMatchObject({
      certivoxURL: 'http://127.0.0.1:8002/',
    });
  });

  it('sends nothing to a plain-http service off this computer', async () => {
    const f = fakeFetch(() => ({ status: 200, body: SETTINGS_TEXT }));
    await expect(fetchClientSettings('http://rp.test:8080', { fetch: f })).rejects.toMatchObject({ kind: 'origin' });
    await expect(new RpsClient('http://rp.test:8080', settings, { fetch: f }).timePermit('ab')).rejects.toMatchObject({
      kind: 'origin',
    });
    expect(f).not.toHaveBeenCalled();
  });

  it('checks every request again: stored settings that point elsewhere send nothing', async () => {
    const f = fakeFetch(() => ({ status: 200, body: '{"clientSecret":"04ab"}' }));
    const elsewhere = new RpsClient(ORIGIN, { ...settings, registerURL: 'https://evil.test/u' }, { fetch: f });
    await expect(elsewhere.register('a@b.c')).rejects.toMatchObject({ kind: 'origin', step: 'register' });
    // "https://dta.example" + "clientSecret?…" names the host dta.exampleclientsecret: not the D-TA the user was shown
    const glued = new RpsClient(ORIGIN, { ...settings, certivoxURL: 'https://dta.example' }, { fetch: f });
    await expect(glued.cloudClientSecret('a=1')).rejects.toMatchObject({ kind: 'origin' });
    const downgrade = new RpsClient(ORIGIN, { ...settings, certivoxURL: 'http://dta.example/' }, { fetch: f });
    await expect(downgrade.cloudClientSecret('a=1')).rejects.toMatchObject({ kind: 'origin' });
    expect(f).not.toHaveBeenCalled();
    const good = new RpsClient(ORIGIN, { ...settings, certivoxURL: 'https://dta.example/' }, { fetch: f });
    expect(await good.cloudClientSecret('a=1')).toBe('04ab');
    expect(String(f.mock.calls[0]![0])).toBe('https://dta.example/clientSecret?a=1');
  });
});

describe("the PC side of an access-number sign-in, and the demo site's own pages", () => {
  const WEB_OTT = '5d0f7a3c9b2e4f6a8c1d3e5f7a9b0c2d';
  // Recorded from the reference server (POST /rps/getAccessNumber, POST /rps/access).
  const ACCESS_NUMBER_TEXT = `{"accessNumber":"4241703","webOTT":"${WEB_OTT}","ttlSeconds":99,"localTimeStart":1795880569623,"localTimeEnd":1795880668623}`;
  const access = (status: string, userId = '', authOTT = '') =>
    JSON.stringify({ status, statusCode: 0, userId, redirectURL: '', authOTT });

  it('gets an access number at getAccessNumberURL and reads its state at accessNumberURL', async () => {
    const f = fakeFetch((u) =>
      u.pathname === '/rps/getAccessNumber'
        ? { status: 200, body: ACCESS_NUMBER_TEXT }
        : { status: 200, body: access('user', 'a@b.c') },
    );
    const c = new RpsClient(ORIGIN, settings, { fetch: f });
    expect(await c.getAccessNumber()).toEqual({ accessNumber: '4241703', webOTT: WEB_OTT, ttlSeconds: 99 });
    expect(await c.accessStatus(WEB_OTT)).toEqual({ status: 'user', userId: 'a@b.c', authOTT: '' });
    expect(String(f.mock.calls[1]![0])).toBe(`${ORIGIN}/rps/access`);
    expect(f.mock.calls[1]![1]).toMatchObject({ method: 'POST', credentials: 'omit' });
    expect(JSON.parse(String(f.mock.calls[1]![1].body))).toEqual({ webOTT: WEB_OTT });
  });

  it("reads v1's answers (/rps/accessnumber) as the same states", async () => {
    const v1 = { ...settings, accessNumberURL: '/rps/accessnumber' };
    const answers = [
      { status: 401, body: '{"version":"0.3","message":"Not authenticated yet"}' },
      { status: 200, body: '{"authOTT":"0123456789abcdef0123456789abcdef"}' },
      { status: 404, body: '{"version":"0.3","message":"Unknown or expired access number"}' },
    ];
    const f = fakeFetch(() => answers.shift()!);
    const c = new RpsClient(ORIGIN, v1, { fetch: f });
    expect((await c.accessStatus(WEB_OTT)).status).toBe('new');
    expect(await c.accessStatus(WEB_OTT)).toEqual({
      status: 'authenticate',
      userId: '',
      authOTT: '0123456789abcdef0123456789abcdef',
    });
    expect((await c.accessStatus(WEB_OTT)).status).toBe('expired');
    expect(String(f.mock.calls[0]![0])).toBe(`${ORIGIN}/rps/accessnumber`);
  });

  it.each([
    ['a number that is not digits', '{"accessNumber":"42a1703","webOTT":"ab"}'],
    ['no webOTT', '{"accessNumber":"4241703"}'],
    ['a ttlSeconds that is not a number', `{"accessNumber":"4241703","webOTT":"ab","ttlSeconds":"99"}`],
  ])('calls an access number with %s malformed', async (_what, body) => {
    const f = fakeFetch(() => ({ status: 200, body }));
    await expect(new RpsClient(ORIGIN, settings, { fetch: f }).getAccessNumber()).rejects.toMatchObject({
      kind: 'malformed',
      step: 'getAccessNumber',
    });
  });

  it('passes on any other refusal of a poll, and a state that is not text is malformed', async () => {
    const limited = fakeFetch(() => ({ status: 429, body: '{"version":"0.3","message":"Too many requests"}' }));
    await expect(new RpsClient(ORIGIN, settings, { fetch: limited }).accessStatus(WEB_OTT)).rejects.toMatchObject({
      kind: 'http',
      status: 429,
    });
    const odd = fakeFetch(() => ({ status: 200, body: '{"status":7}' }));
    await expect(new RpsClient(ORIGIN, settings, { fetch: odd }).accessStatus(WEB_OTT)).rejects.toMatchObject({
      kind: 'malformed',
    });
  });

  it("as a page of the service (ownPage): the page's cookies go along, and the relying party's sign-in answers", async () => {
    const f = fakeFetch(() => ({ status: 200, body: '{"userId":"a@b.c"}' }));
    const page = new RpsClient(ORIGIN, settings, { fetch: f, ownPage: true });
    expect(await page.signInHere('0123456789abcdef0123456789abcdef')).toBe('a@b.c');
    const [url, init] = f.mock.calls[0]!;
    expect(String(url)).toBe(`${ORIGIN}/mpinAuthenticate`);
    expect(init).toMatchObject({ method: 'POST', credentials: 'same-origin' });
    expect(JSON.parse(String(init.body))).toEqual({
      mpinResponse: { version: '0.3', authOTT: '0123456789abcdef0123456789abcdef', pass: 2 },
    });
    const refused = fakeFetch(() => ({ status: 401, body: '{"version":"0.3","message":"Wrong PIN."}' }));
    await expect(
      new RpsClient(ORIGIN, settings, { fetch: refused, ownPage: true }).signInHere('ab'),
    ).rejects.toMatchObject({ kind: 'http', status: 401, serverMessage: 'Wrong PIN.', step: 'signIn' });
  });

  it("as a page served over plain http, talks to the page's own origin only", async () => {
    const lan = 'http://192.168.1.20:8080';
    const f = fakeFetch((u) =>
      u.pathname === '/rps/clientSettings'
        ? { status: 200, body: SETTINGS_TEXT }
        : { status: 200, body: REGISTER_TEXT },
    );
    const opts = { fetch: f, ownPage: true, mobile: 0 } as const;
    const s = await fetchClientSettings(lan, opts);
    await new RpsClient(lan, s, opts).register('a@b.c');
    expect(String(f.mock.calls[1]![0])).toBe(`${lan}/rps/user`);
    // the page's origin is trusted, not plain http in general: the second D-TA must still be https elsewhere
    const elsewhere = new RpsClient(lan, { ...s, certivoxURL: 'http://dta.example/' }, opts);
    await expect(elsewhere.cloudClientSecret('a=1')).rejects.toMatchObject({ kind: 'origin' });
    await expect(
      new RpsClient(lan, { ...s, registerURL: 'http://evil.test/u' }, opts).register('x'),
    ).rejects.toMatchObject({ kind: 'origin' });
    expect(f).toHaveBeenCalledTimes(2);
  });

  it('registers as a PIN pad in a browser with mobile 0, in the resend and the cloud time permit too', async () => {
    const f = fakeFetch((u) =>
      u.pathname.startsWith('/rps/user')
        ? { status: 200, body: REGISTER_TEXT }
        : { status: 200, body: '{"timePermit":"04ab"}' },
    );
    const c = new RpsClient(ORIGIN, settings, { fetch: f, mobile: 0, ownPage: true });
    await c.register('a@b.c', 'linChrome');
    await c.resend(MPIN_ID, 'a@b.c', 'ott', 'linChrome');
    await c.cloudTimePermit({ date: 20000, signature: 'sig', storageId: 'ab', timePermit: '04cd' });
    const bodies = f.mock.calls.slice(0, 2).map(([, init]) => JSON.parse(String(init.body)) as unknown);
    expect(bodies).toEqual([
      { userId: 'a@b.c', mobile: 0, deviceName: 'linChrome' },
      { userId: 'a@b.c', mobile: 0, regOTT: 'ott', deviceName: 'linChrome' },
    ]);
    expect(new URL(String(f.mock.calls[2]![0])).searchParams.get('mobile')).toBe('0');
    // the extension's default stays M-Pin-In-Mobile, and a resend without a device name sends none
    await new RpsClient(ORIGIN, settings, { fetch: f }).resend(MPIN_ID, 'a@b.c', 'ott');
    expect(JSON.parse(String(f.mock.calls[3]![1].body))).toEqual({ userId: 'a@b.c', mobile: 1, regOTT: 'ott' });
  });
});

describe('a malformed answer at the app level', () => {
  let dbName: string;
  let n = 0;
  beforeEach(() => {
    fakeBrowser.reset();
    dbName = `rps-app-${++n}`;
    vi.spyOn(console, 'warn').mockImplementation(() => {});
  });
  afterEach(() => vi.restoreAllMocks());

  const platform = {
    hasHostPermission: async () => true,
    syncContentScripts: async () => {},
    detectPinpad: async () => undefined,
    deviceNameSuggestion: () => 'x',
  };

  it('clientSettings that send data elsewhere: refused, no service stored; the second D-TA is shown when added', async () => {
    let body = JSON.stringify({ ...JSON.parse(SETTINGS_TEXT), certivoxURL: 'http://dta.example/' });
    const f = fakeFetch(() => ({ status: 200, body }));
    const app = createApp({ openStore: () => openStore(dbName), platform, rps: { fetch: f } });
    expect(await app.dispatch({ kind: 'addService', url: ORIGIN })).toMatchObject({
      screen: 'add-service',
      problem: { code: 'malformed', detail: 'unsafe-settings', retry: false },
    });
    const db = await openDB(dbName, DB_VERSION);
    expect(await db.getAll('services')).toEqual([]);
    db.close();
    body = JSON.stringify({ ...JSON.parse(SETTINGS_TEXT), certivoxURL: 'https://dta.example:9443/dta2/' });
    expect(await app.dispatch({ kind: 'addService', url: ORIGIN })).toMatchObject({
      screen: 'register',
      secondDta: 'dta.example:9443',
    });
    body = SETTINGS_TEXT;
    expect(await app.dispatch({ kind: 'addService', url: ORIGIN })).toMatchObject({
      screen: 'register',
      secondDta: 'rp.test:8443',
    });
  });

  it('clientSettings that are not M-Pin: a clear problem, no service stored', async () => {
    const f = fakeFetch(() => ({ status: 200, body: '{"hello":"world"}' }));
    const app = createApp({ openStore: () => openStore(dbName), platform, rps: { fetch: f } });
    expect(await app.dispatch({ kind: 'addService', url: ORIGIN })).toMatchObject({
      screen: 'add-service',
      problem: { code: 'malformed', retry: true },
    });
    const db = await openDB(dbName, DB_VERSION);
    expect(await db.getAll('services')).toEqual([]);
    db.close();
  });

  it('a malformed registration answer: a clear problem on the form, no identity stored, retry replays it', async () => {
    let registerBody = '{"mpinId":42}';
    const f = fakeFetch((u) =>
      u.pathname === '/rps/clientSettings' ? { status: 200, body: SETTINGS_TEXT } : { status: 200, body: registerBody },
    );
    const app = createApp({ openStore: () => openStore(dbName), platform, rps: { fetch: f } });
    await app.dispatch({ kind: 'addService', url: ORIGIN });
    const s = await app.dispatch({ kind: 'register', email: 'a@b.c', deviceName: '' });
    expect(s).toMatchObject({ screen: 'register', email: 'a@b.c', problem: { code: 'malformed', retry: true } });
    const db = await openDB(dbName, DB_VERSION);
    expect(await db.getAll('identities')).toEqual([]);
    registerBody = REGISTER_TEXT;
    expect(await app.dispatch({ kind: 'retry' })).toMatchObject({
      screen: 'email-sent',
      identity: { userId: 'a@b.c' },
    });
    expect(await db.getAll('identities')).toHaveLength(1);
    db.close();
  });

  it('an mpinId issued for another e-mail is refused as malformed', async () => {
    const f = fakeFetch((u) =>
      u.pathname === '/rps/clientSettings'
        ? { status: 200, body: SETTINGS_TEXT }
        : { status: 200, body: REGISTER_TEXT },
    );
    const app = createApp({ openStore: () => openStore(dbName), platform, rps: { fetch: f } });
    await app.dispatch({ kind: 'addService', url: ORIGIN });
    expect(await app.dispatch({ kind: 'register', email: 'mallory@b.c', deviceName: '' })).toMatchObject({
      problem: { code: 'malformed' },
    });
  });

  it("a refusal is told in the extension's own words, never with the service's message text", async () => {
    const planted = 'Your account is locked: call +1 555 0100 or visit evil.example to unlock it';
    const f = fakeFetch((u) =>
      u.pathname === '/rps/clientSettings'
        ? { status: 200, body: SETTINGS_TEXT }
        : { status: 409, body: JSON.stringify({ version: '0.3', message: planted }) },
    );
    const app = createApp({ openStore: () => openStore(dbName), platform, rps: { fetch: f } });
    await app.dispatch({ kind: 'addService', url: ORIGIN });
    const s = await app.dispatch({ kind: 'register', email: 'a@b.c', deviceName: '' });
    expect(s).toMatchObject({
      screen: 'register',
      problem: { code: 'service-error', status: 409, retry: true },
    });
    expect(JSON.stringify(s)).not.toMatch(/locked|555|evil\.example/);
  });

  it('refuses a URL that is not https (nor http on this computer), and a service without host access', async () => {
    const app = createApp({
      openStore: () => openStore(dbName),
      platform: { ...platform, hasHostPermission: async () => false },
    });
    for (const url of ['ftp://rp.test', 'http://rp.test:8080']) {
      expect(await app.dispatch({ kind: 'addService', url })).toMatchObject({
        screen: 'add-service',
        problem: { code: 'invalid-url', retry: false },
      });
    }
    expect(await app.dispatch({ kind: 'addService', url: ORIGIN })).toMatchObject({
      screen: 'add-service',
      problem: { code: 'permission-denied' },
    });
  });
});

describe('issue 11: the check at "Next", the proven "user", "This wasn\'t me", the long-poll, the device key', () => {
  const WID = '4241703';
  const WEB_OTT = '5d0f7a3c9b2e4f6a8c1d3e5f7a9b0c2d';
  const KEY = 'ab'.repeat(32);
  // Recorded from the reference server (POST /rps/codeStatus {status: "wid"}).
  const CHECK_TEXT =
    '{"PrerollId":"","AppName":"M-Pin demo","AppLogoUrl":"","pc":{"browser":"Chrome","os":"Windows","ip":"203.0.113.7","requestedAt":1795880569623},"expiresAt":1795880668623,"serverTime":1795880581623}';
  const bodyOf = (f: ReturnType<typeof fakeFetch>, i: number) =>
    JSON.parse(String(f.mock.calls[i]![1].body)) as unknown;
  /** The service's answer for a number that is unknown, used, refused or expired. */
  const deadNumber = () =>
    fakeFetch(() => ({ status: 400, body: '{"version":"0.3","message":"Invalid or expired access number"}' }));

  it("checks a number at mpinAuthServerURL/codeStatus: the PC, how long ago it asked and the time left, by the server's clock", async () => {
    const f = fakeFetch(() => ({ status: 200, body: CHECK_TEXT }));
    expect(await new RpsClient(ORIGIN, settings, { fetch: f }).checkAccessNumber(WID)).toEqual({
      appName: 'M-Pin demo',
      pc: { browser: 'Chrome', os: 'Windows', ip: '203.0.113.7', requestedAt: 1795880569623, askedMsAgo: 12_000 },
      msLeft: 87_000,
    });
    expect(String(f.mock.calls[0]![0])).toBe(`${ORIGIN}/rps/codeStatus`);
    expect(f.mock.calls[0]![1]).toMatchObject({ method: 'POST', credentials: 'omit' });
    expect(bodyOf(f, 0)).toEqual({ status: 'wid', wid: WID });
  });

  it("reads Milagro's answer, without the PC or the times, and a dead number as http 400", async () => {
    const milagro = fakeFetch(() => ({ status: 200, body: '{"PrerollId":"","AppName":"Milagro","AppLogoUrl":""}' }));
    expect(await new RpsClient(ORIGIN, settings, { fetch: milagro }).checkAccessNumber(WID)).toEqual({
      appName: 'Milagro',
    });
    const dead = deadNumber();
    await expect(new RpsClient(ORIGIN, settings, { fetch: dead }).checkAccessNumber(WID)).rejects.toMatchObject({
      kind: 'http',
      status: 400,
      step: 'checkAccessNumber',
    });
  });

  it.each([
    ['a browser name with a control character', CHECK_TEXT.replace('"Chrome"', '"Chr\\u0007ome"')],
    ['an operating system with a bidi override', CHECK_TEXT.replace('"Windows"', '"Win\\u202Edows"')],
    ['an over-long address', CHECK_TEXT.replace('203.0.113.7', '1'.repeat(65))],
    ['a time that is not a number', CHECK_TEXT.replace('"expiresAt":1795880668623', '"expiresAt":"soon"')],
  ])('calls a check with %s malformed', async (_what, body) => {
    const f = fakeFetch(() => ({ status: 200, body }));
    await expect(new RpsClient(ORIGIN, settings, { fetch: f }).checkAccessNumber(WID)).rejects.toMatchObject({
      kind: 'malformed',
      step: 'checkAccessNumber',
    });
  });

  it('claims a number with the identity and its device key, and refuses one, both at codeStatus', async () => {
    const f = fakeFetch(() => ({ status: 200, body: '{"Status":"OK"}' }));
    const c = new RpsClient(ORIGIN, settings, { fetch: f });
    await c.claimAccessNumber(WID, 'a@b.c', MPIN_ID, KEY);
    await c.refuseAccessNumber(WID);
    expect(bodyOf(f, 0)).toEqual({ status: 'user', wid: WID, userId: 'a@b.c', mpinId: MPIN_ID, deviceKey: KEY });
    expect(bodyOf(f, 1)).toEqual({ status: 'refused', wid: WID });
    expect(f.mock.calls.map(([u]) => String(u))).toEqual([`${ORIGIN}/rps/codeStatus`, `${ORIGIN}/rps/codeStatus`]);
    const dead = deadNumber();
    await expect(new RpsClient(ORIGIN, settings, { fetch: dead }).refuseAccessNumber(WID)).rejects.toMatchObject({
      kind: 'http',
      status: 400,
      step: 'refuseAccessNumber',
    });
  });

  it('sends the device key at registration and resend only when there is one', async () => {
    const f = fakeFetch(() => ({ status: 200, body: REGISTER_TEXT }));
    const c = new RpsClient(ORIGIN, settings, { fetch: f });
    await c.register('a@b.c', 'linChrome', KEY);
    await c.resend(MPIN_ID, 'a@b.c', 'ott', undefined, KEY);
    await c.register('a@b.c');
    expect([0, 1, 2].map((i) => bodyOf(f, i))).toEqual([
      { userId: 'a@b.c', mobile: 1, deviceName: 'linChrome', deviceKey: KEY },
      { userId: 'a@b.c', mobile: 1, regOTT: 'ott', deviceKey: KEY },
      { userId: 'a@b.c', mobile: 1 },
    ]);
  });

  it('makes device keys of 32 random bytes in lower-case hex, a new one each time', () => {
    const a = newDeviceKey();
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(newDeviceKey()).not.toBe(a);
  });

  it('long-polls with the wait and the state it has, and reads "refused" as a state', async () => {
    const f = fakeFetch(() => ({
      status: 200,
      body: '{"status":"refused","statusCode":0,"userId":"","redirectURL":"","authOTT":""}',
    }));
    const c = new RpsClient(ORIGIN, settings, { fetch: f });
    expect(await c.accessStatus(WEB_OTT, { seconds: 25, status: 'user' })).toEqual({
      status: 'refused',
      userId: '',
      authOTT: '',
    });
    expect(bodyOf(f, 0)).toEqual({ webOTT: WEB_OTT, wait: 25, status: 'user' });
    await c.accessStatus(WEB_OTT);
    expect(bodyOf(f, 1)).toEqual({ webOTT: WEB_OTT });
  });

  it('gives a held request the wait on top of its timeout', async () => {
    // answers after 200 ms: past a 50 ms timeout, well within 50 ms plus a one-second wait
    const slow = fakeFetch(
      (_u, init) =>
        new Promise((resolve, reject) => {
          const timer = setTimeout(() => resolve({ status: 200, body: '{"status":"user","userId":"a@b.c"}' }), 200);
          init.signal?.addEventListener('abort', () => {
            clearTimeout(timer);
            reject(new Error('aborted'));
          });
        }),
    );
    const c = new RpsClient(ORIGIN, settings, { fetch: slow, timeoutMs: 50 });
    await expect(c.accessStatus(WEB_OTT)).rejects.toMatchObject({ kind: 'timeout' });
    expect((await c.accessStatus(WEB_OTT, { seconds: 1, status: 'new' })).status).toBe('user');
  });
});
