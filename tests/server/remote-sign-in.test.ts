// @vitest-environment node
// Issue 11 on the wire: the PC's context recorded when it asks for a number and told at the check at "Next"
// (/rps/codeStatus wid); "Authenticating user …" only for a claim that the identity's device key proves; "This
// wasn't me" killing a number; /rps/access held until the PC's state changes; and Milagro's old sequence (plain
// polls, no check, no claim) still signing in. The real server over HTTP; the phone is the Milagro-style client
// (milagro-crypto-js) for the crypto and the extension's lib/rps client for the new steps.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMpinId } from '../../lib/mpin/index.ts';
import { fetchClientSettings, newDeviceKey, RpsClient } from '../../lib/rps/client.ts';
import { runAdmin } from '../../server/admin.ts';
import { activationLinkFor, pollAccess } from '../support/enrol.ts';
import { expectError, http } from '../support/http.ts';
import { HttpClient, MilagroClient, type MilagroIdentity } from '../support/milagro-http-client.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { WINDOWS_CHROME } from '../support/user-agents.ts';

let server: TestServer;
let phone: MilagroClient;
/** The extension's client of the same server. */
let extension: RpsClient;
let rps: string;
/** Added to the server's clock: moves it past a number's end without waiting. */
let skew = 0;

beforeAll(async () => {
  server = await startTestServer({}, undefined, () => Date.now() + skew);
  rps = `${server.publicUrl}/rps`;
  phone = new MilagroClient(server.publicUrl);
  await phone.init();
  extension = new RpsClient(server.publicUrl, await fetchClientSettings(server.publicUrl));
});
afterAll(() => server?.stop());

/** A PC: its own HTTP client, and a number it asked for. */
async function pcWithNumber(headers: Record<string, string> = {}) {
  const pc = new HttpClient(server.publicUrl);
  const an = await pc.request('POST', '/rps/getAccessNumber', undefined, headers);
  expect(an.status, an.text).toBe(200);
  return { pc, ...(an.body as { accessNumber: string; webOTT: string; localTimeStart: number; localTimeEnd: number }) };
}

const poll = (pc: HttpClient, webOTT: string) => pc.request('POST', '/rps/access', { webOTT });
/** The PC's whole v2 answer for `status` (no authOTT: not signed in). */
const pcSees = (status: string, userId = '') => ({ status, statusCode: 0, userId, redirectURL: '', authOTT: '' });
const codeStatus = (body: Record<string, unknown>) => http('POST', `${rps}/codeStatus`, body);
/** The phone's claim on `wid` for the identity `who`, proven with `deviceKey` (or not). */
const claimAs = (who: { userId: string; mpinIdHex: string }, deviceKey: string, wid: string) =>
  codeStatus({ status: 'user', wid, userId: who.userId, mpinId: who.mpinIdHex, deviceKey });
const mobileAuthenticate = (authOTT: string) =>
  http('POST', `${rps}/authenticate`, { mpinResponse: { version: '0.3', authOTT, pass: 2 } });

/** Registers `userId` with `deviceKey` (none: as Milagro's clients) and confirms the link; no share fetched yet. */
async function registerWithKey(userId: string, deviceKey?: string) {
  const reg = await phone.request('PUT', '/rps/user', { userId, mobile: 1, deviceName: 'keyed', deviceKey });
  expect(reg.status, reg.text).toBe(200);
  const link = await activationLinkFor(server.publicUrl, userId);
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  expect((await new HttpClient(server.publicUrl).request('POST', link, '', form)).status).toBe(200);
  return { userId, mpinIdHex: reg.body.mpinId as string, regOTT: reg.body.regOTT as string };
}

/** registerWithKey, then the shares and the PIN: the identity exists only then. */
async function enrolWithKey(userId: string, deviceKey?: string): Promise<MilagroIdentity> {
  const { mpinIdHex, regOTT } = await registerWithKey(userId, deviceKey);
  return phone.setup(userId, mpinIdHex, regOTT, 1234);
}

describe('the check at "Next": the PC\'s context, the time left', () => {
  it('answers the browser, OS and address of the computer that asked, when it asked and when the number ends', async () => {
    const before = Date.now();
    const { accessNumber, localTimeEnd } = await pcWithNumber({ 'user-agent': WINDOWS_CHROME });
    const after = Date.now();
    const res = await codeStatus({ status: 'wid', wid: accessNumber });
    expect(res.status, res.text).toBe(200);
    // Milagro's fields first: its clients read those and ignore the rest
    expect(res.json).toMatchObject({ PrerollId: '', AppName: 'M-Pin demo', AppLogoUrl: '' });
    expect(res.json.pc).toMatchObject({ browser: 'Chrome', os: 'Windows', ip: '127.0.0.1' });
    expect(res.json.pc.requestedAt).toBeGreaterThanOrEqual(before);
    expect(res.json.pc.requestedAt).toBeLessThanOrEqual(after);
    expect(res.json.expiresAt).toBe(localTimeEnd);
    expect(res.json.serverTime).toBeGreaterThanOrEqual(res.json.pc.requestedAt);
    expect(res.json.serverTime).toBeLessThan(localTimeEnd);

    // the same, read by the extension's client: seconds left and "asked … ago" by the server's clock
    const check = await extension.checkAccessNumber(accessNumber);
    expect(check.pc).toMatchObject({ browser: 'Chrome', os: 'Windows', ip: '127.0.0.1' });
    expect(check.msLeft).toBeGreaterThan(0);
    expect(check.msLeft).toBeLessThanOrEqual(99_000);
  });

  it('records the context of a QR-code number too, and nothing that the User-Agent does not say', async () => {
    const pc = new HttpClient(server.publicUrl);
    const qr = await pc.request('POST', '/rps/getQrUrl', undefined, { 'user-agent': WINDOWS_CHROME });
    const wid = (qr.body.qrUrl as string).split('#')[1]!;
    expect((await codeStatus({ status: 'wid', wid })).json.pc).toMatchObject({ browser: 'Chrome', os: 'Windows' });
    const { accessNumber } = await pcWithNumber({ 'user-agent': '' });
    expect((await codeStatus({ status: 'wid', wid: accessNumber })).json.pc).toMatchObject({ browser: '', os: '' });
  });

  it('answers 400 for an unknown, expired, used or refused number, and the check changes nothing', async () => {
    expectError(await codeStatus({ status: 'wid', wid: '1234567' }), 400, /Invalid or expired access number/);

    const live = await pcWithNumber();
    expect((await codeStatus({ status: 'wid', wid: live.accessNumber })).status).toBe(200);
    expect(await server.ctx.storage.get('access', live.accessNumber)).toMatchObject({ status: 'new', used: false });

    const refused = await pcWithNumber();
    expect((await codeStatus({ status: 'refused', wid: refused.accessNumber })).status).toBe(200);
    expectError(await codeStatus({ status: 'wid', wid: refused.accessNumber }), 400, /Invalid or expired/);

    const used = await pcWithNumber();
    const id = await enrolWithKey('used@example.com');
    const signedIn = phone.mobileAuthenticate(await phone.passes(id, 1234, used.accessNumber));
    const ready = await pollAccess(used.pc, used.webOTT, 'authenticate');
    expect(
      (await used.pc.request('POST', '/mpinAuthenticate', { mpinResponse: { authOTT: ready.body.authOTT } })).status,
    ).toBe(200);
    expect((await signedIn).status).toBe(200);
    expectError(await codeStatus({ status: 'wid', wid: used.accessNumber }), 400, /Invalid or expired/);

    const lapsing = await pcWithNumber();
    skew += 200_000; // past its end and its grace seconds
    try {
      expectError(await codeStatus({ status: 'wid', wid: lapsing.accessNumber }), 400, /Invalid or expired/);
    } finally {
      skew = 0;
    }
  });

  it('refuses a malformed request with 400 and names no identity', async () => {
    expectError(await codeStatus({ status: 'wid', wid: '12ab' }), 400);
    expectError(await codeStatus({ status: 'maybe', wid: '1234567' }), 400);
    const { accessNumber } = await pcWithNumber();
    const badKey = {
      status: 'user',
      wid: accessNumber,
      userId: 'a@example.com',
      mpinId: 'ab',
      deviceKey: 'AB'.repeat(32),
    };
    expectError(await codeStatus(badKey), 400, /deviceKey/);
  });
});

describe('"Authenticating user …": a claim believed only when the device key proves it', () => {
  let alice: { userId: string; mpinIdHex: string };
  const aliceKey = newDeviceKey();

  beforeAll(async () => {
    alice = await enrolWithKey('alice@example.com', aliceKey);
  });

  it('the right key: the PC sees "user" and who, and the answer is only "OK"', async () => {
    const { pc, accessNumber, webOTT } = await pcWithNumber();
    const res = await claimAs(alice, aliceKey, accessNumber);
    expect(res.status, res.text).toBe(200);
    expect(res.json).toEqual({ Status: 'OK' });
    expect((await poll(pc, webOTT)).body).toEqual(pcSees('user', 'alice@example.com'));
    // the number is still the phone's to sign in with: the check still passes, v1 still waits
    expect((await codeStatus({ status: 'wid', wid: accessNumber })).status).toBe(200);
    expect((await pc.request('POST', '/rps/accessnumber', { webOTT })).status).toBe(401);
  });

  it('a wrong key, another user id, an unknown mpin_id, no key: "OK" alike, and the PC still sees "new"', async () => {
    const stranger = buildMpinId({ userID: 'alice@example.com', mobile: 1 }).hex;
    const claims = [
      { userId: alice.userId, mpinId: alice.mpinIdHex, deviceKey: newDeviceKey() },
      { userId: 'mallory@example.com', mpinId: alice.mpinIdHex, deviceKey: aliceKey },
      { userId: alice.userId, mpinId: stranger, deviceKey: aliceKey },
      { userId: alice.userId, mpinId: alice.mpinIdHex },
      { userId: alice.userId }, // Milagro's own claim
    ];
    for (const claim of claims) {
      const { pc, accessNumber, webOTT } = await pcWithNumber();
      const res = await codeStatus({ status: 'user', wid: accessNumber, ...claim });
      expect(res.status, JSON.stringify(claim)).toBe(200);
      expect(res.json).toEqual({ Status: 'OK' });
      expect((await poll(pc, webOTT)).body, JSON.stringify(claim)).toMatchObject({ status: 'new', userId: '' });
    }
  });

  it('an identity whose share was never fetched, a revoked one, a blocked one: nothing changes', async () => {
    const pendingKey = newDeviceKey();
    const pending = await registerWithKey('pending@example.com', pendingKey);
    const revokedKey = newDeviceKey();
    const revoked = await enrolWithKey('revoked@example.com', revokedKey);
    await runAdmin(['revoke', revoked.userId], server.ctx.storage);
    const blockedKey = newDeviceKey();
    const blocked = await enrolWithKey('blocked@example.com', blockedKey);
    const { accessNumber: tried } = await pcWithNumber(); // wrong PINs do not spend it
    for (let i = 0; i < 3; i++) {
      expect((await phone.mobileAuthenticate(await phone.passes(blocked, 9999, tried))).status).toBe(i < 2 ? 401 : 410);
    }
    for (const [who, deviceKey] of [
      [pending, pendingKey],
      [revoked, revokedKey],
      [blocked, blockedKey],
    ] as const) {
      const { pc, accessNumber, webOTT } = await pcWithNumber();
      const res = await claimAs(who, deviceKey, accessNumber);
      expect(res.json).toEqual({ Status: 'OK' });
      expect((await poll(pc, webOTT)).body, who.userId).toMatchObject({ status: 'new', userId: '' });
    }
  });

  it('the first proven claim stays; a claim on a dead number is 400', async () => {
    const bobKey = newDeviceKey();
    const bob = await enrolWithKey('bob@example.com', bobKey);
    const { pc, accessNumber, webOTT } = await pcWithNumber();
    await extension.claimAccessNumber(accessNumber, alice.userId, alice.mpinIdHex, aliceKey);
    await extension.claimAccessNumber(accessNumber, bob.userId, bob.mpinIdHex, bobKey);
    expect((await poll(pc, webOTT)).body).toMatchObject({ status: 'user', userId: 'alice@example.com' });
    expectError(await codeStatus({ status: 'user', wid: '1234567', userId: bob.userId }), 400, /Invalid or expired/);
  });

  it('a re-registration ("Reset PIN") proves itself with its own new key, the old identity with its old one', async () => {
    const newKey = newDeviceKey();
    const again = await enrolWithKey('alice@example.com', newKey);
    expect(again.mpinIdHex).not.toBe(alice.mpinIdHex);
    const first = await pcWithNumber();
    await extension.claimAccessNumber(first.accessNumber, again.userId, again.mpinIdHex, aliceKey);
    expect((await poll(first.pc, first.webOTT)).body.status).toBe('new');
    await extension.claimAccessNumber(first.accessNumber, again.userId, again.mpinIdHex, newKey);
    expect((await poll(first.pc, first.webOTT)).body).toMatchObject({ status: 'user', userId: 'alice@example.com' });
  });

  it("the database keeps the key's SHA-256, never the key", async () => {
    const kept = await server.ctx.storage.get('devicekey', alice.mpinIdHex);
    expect(kept).toMatchObject({ registered: true, hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(kept!.hash).not.toBe(aliceKey);
  });
});

describe('"This wasn\'t me"', () => {
  it('kills the number at once: the PC sees "refused", v1 404, the phone 412 even after a good pass 2', async () => {
    const id = await enrolWithKey('refuser@example.com');
    const { pc, accessNumber, webOTT } = await pcWithNumber();
    const res = await codeStatus({ status: 'refused', wid: accessNumber });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toEqual({ Status: 'OK' });
    expect((await poll(pc, webOTT)).body).toEqual(pcSees('refused'));
    expectError(await http('POST', `${rps}/accessnumber`, { webOTT }), 404);
    // pass 2 does not look the number up, but nothing signs in with it
    const authOTT = await phone.passes(id, 1234, accessNumber);
    expectError(await mobileAuthenticate(authOTT), 412, /Invalid or expired access number/);
    // and a second refusal, or a check, finds it dead
    await expect(extension.refuseAccessNumber(accessNumber)).rejects.toMatchObject({ kind: 'http', status: 400 });
    await expect(extension.checkAccessNumber(accessNumber)).rejects.toMatchObject({ kind: 'http', status: 400 });
  });

  it('refuses a number a proven identity had claimed, and nothing after a successful sign-in', async () => {
    const key = newDeviceKey();
    const carol = await enrolWithKey('carol@example.com', key);
    const claimed = await pcWithNumber();
    await extension.claimAccessNumber(claimed.accessNumber, carol.userId, carol.mpinIdHex, key);
    await extension.refuseAccessNumber(claimed.accessNumber);
    expect((await poll(claimed.pc, claimed.webOTT)).body.status).toBe('refused');

    const done = await pcWithNumber();
    const signedIn = phone.mobileAuthenticate(await phone.passes(carol, 1234, done.accessNumber));
    const ready = await pollAccess(done.pc, done.webOTT, 'authenticate');
    await done.pc.request('POST', '/mpinAuthenticate', { mpinResponse: { authOTT: ready.body.authOTT } });
    expect((await signedIn).status).toBe(200);
    expectError(await codeStatus({ status: 'refused', wid: done.accessNumber }), 400, /Invalid or expired/);
    expect((await poll(done.pc, done.webOTT)).body.status).toBe('authenticate');
  });
});

describe("the long-poll: /rps/access held until the PC's state changes", () => {
  /** A held poll, and whether it has answered yet. */
  function hold(webOTT: string, status?: string) {
    const held = { answered: false, answer: undefined as unknown as Promise<Awaited<ReturnType<typeof http>>> };
    held.answer = http('POST', `${rps}/access`, { webOTT, wait: 25, ...(status ? { status } : {}) }).finally(() => {
      held.answered = true;
    });
    return held;
  }
  /** Lets the held request reach the server; asserts nothing about time. */
  const settle = () => new Promise((r) => setTimeout(r, 300));

  it('answers in the held request when a proven claim, then the sign-in, change the state', async () => {
    const key = newDeviceKey();
    const dave = await enrolWithKey('dave@example.com', key);
    const { pc, accessNumber, webOTT } = await pcWithNumber();

    const first = hold(webOTT);
    await settle();
    expect(first.answered).toBe(false); // held: nothing changed yet
    await extension.claimAccessNumber(accessNumber, dave.userId, dave.mpinIdHex, key);
    expect((await first.answer).json).toMatchObject({ status: 'user', userId: 'dave@example.com', authOTT: '' });

    const second = hold(webOTT, 'user');
    await settle();
    expect(second.answered).toBe(false);
    const signedIn = phone.mobileAuthenticate(await phone.passes(dave, 1234, accessNumber));
    const ready = (await second.answer).json;
    expect(ready).toMatchObject({ status: 'authenticate', userId: 'dave@example.com' });
    expect(ready.authOTT).toMatch(/^[0-9a-f]{32}$/);
    const pcAuth = await pc.request('POST', '/mpinAuthenticate', { mpinResponse: { authOTT: ready.authOTT } });
    expect(pcAuth.body).toEqual({ userId: 'dave@example.com' });
    expect((await signedIn).status).toBe(200);
  });

  it('answers "refused" in the held request, through the extension\'s client too', async () => {
    const { accessNumber, webOTT } = await pcWithNumber();
    let answered = false;
    const held = extension.accessStatus(webOTT, { seconds: 25, status: 'new' }).finally(() => (answered = true));
    await settle();
    expect(answered).toBe(false); // held: the answer below comes from the refusal's wake-up
    await extension.refuseAccessNumber(accessNumber);
    expect(await held).toEqual({ status: 'refused', userId: '', authOTT: '' });
  });

  it('answers at once when the state already differs, for an unknown webOTT, and without `wait`', async () => {
    const { accessNumber, webOTT } = await pcWithNumber();
    expect((await http('POST', `${rps}/access`, { webOTT })).json.status).toBe('new');
    await codeStatus({ status: 'refused', wid: accessNumber });
    expect((await http('POST', `${rps}/access`, { webOTT, wait: 25, status: 'new' })).json.status).toBe('refused');
    const unknown = 'ab'.repeat(16);
    expect((await http('POST', `${rps}/access`, { webOTT: unknown, wait: 25 })).json.status).toBe('expired');
  });

  it('refuses a wait outside 1–25 s and a state it does not know', async () => {
    const { webOTT } = await pcWithNumber();
    for (const body of [{ wait: 0 }, { wait: 26 }, { wait: '5' }, { wait: 5, status: 'maybe' }])
      expectError(await http('POST', `${rps}/access`, { webOTT, ...body }), 400);
  });
});

describe("Milagro's old sequence still signs in", () => {
  it('getAccessNumber, plain polls, time permit, pass 1, pass 2 with the number, /rps/authenticate, the PC signed in', async () => {
    const id = await enrolWithKey('milagro@example.com'); // no device key, as Milagro's clients
    const pc = new HttpClient(server.publicUrl);
    const an = await pc.request('POST', phone.settings.getAccessNumberURL);
    expect(Object.keys(an.body).sort()).toEqual([
      'accessNumber',
      'localTimeEnd',
      'localTimeStart',
      'ttlSeconds',
      'webOTT',
    ]);
    const pending = await pc.request('POST', phone.settings.accessNumberURL, { webOTT: an.body.webOTT });
    expect(pending.body).toEqual(pcSees('new'));

    const permit = await phone.timePermit(id); // fetched at "Login", as Milagro's app does
    expect('status' in permit).toBe(false);
    const authOTT = await phone.passes(
      id,
      1234,
      an.body.accessNumber,
      permit as { date: number; timePermit: Uint8Array },
    );
    const phoneDone = phone.mobileAuthenticate(authOTT);

    const ready = await pollAccess(pc, an.body.webOTT, 'authenticate');
    expect(ready.body).toMatchObject({ status: 'authenticate', userId: 'milagro@example.com', statusCode: 0 });
    const signIn = await pc.request('POST', phone.settings.authenticateURL, {
      mpinResponse: { version: '0.3', authOTT: ready.body.authOTT, pass: 2 },
    });
    expect(signIn.status, signIn.text).toBe(200);
    expect(signIn.body).toEqual({ userId: 'milagro@example.com' });
    const done = await phoneDone;
    expect(done.status, done.text).toBe(200);
    expect(done.body).toMatchObject({ logoutURL: '/logout', logoutData: { userId: 'milagro@example.com' } });
    expect((await pc.request('GET', '/protected')).status).toBe(200);
    // and the v1 poll answers the same sign-in
    expect((await pc.request('POST', '/rps/accessnumber', { webOTT: an.body.webOTT })).body).toEqual({
      authOTT: ready.body.authOTT,
    });
  });
});

describe('one guessing budget, and held requests on a server that closes', () => {
  let small: TestServer;
  let stopped: Promise<void> | undefined;
  beforeAll(async () => {
    small = await startTestServer({ RATE_LIMIT_PER_MINUTE: '8' });
  });
  afterAll(() => stopped ?? small?.stop());

  it('the check, the claim and the refusal spend from the budget of /rps/authenticate', async () => {
    const at = (path: string, body: unknown) => http('POST', `${small.publicUrl}/rps/${path}`, body);
    const { accessNumber: wid } = (await at('getAccessNumber', undefined)).json;
    const spent = [
      await at('codeStatus', { status: 'wid', wid }),
      await at('codeStatus', { status: 'user', wid, userId: 'x@example.com' }),
      await at('codeStatus', { status: 'wid', wid: '1234567' }),
      await at('codeStatus', { status: 'refused', wid }),
      await at('codeStatus', { status: 'refused', wid }),
      await at('codeStatus', { status: 'user', wid, userId: 'x@example.com' }),
      await at('authenticate', { mpinResponse: { authOTT: 'ab'.repeat(16) } }),
      await at('authenticate', { mpinResponse: { authOTT: 'cd'.repeat(16) } }),
    ].map((r) => r.status);
    expect(spent).toEqual([200, 200, 400, 200, 400, 400, 412, 412]);
    for (const status of ['wid', 'user', 'refused'])
      expectError(await at('codeStatus', { status, wid: '1234567', userId: 'x@example.com' }), 429);
    expectError(await at('authenticate', { mpinResponse: { authOTT: 'ef'.repeat(16) } }), 429);
  });

  it('a held request answers the state it has when the server closes, instead of holding it up', async () => {
    const { webOTT } = (await http('POST', `${small.publicUrl}/rps/getAccessNumber`)).json;
    const held = http('POST', `${small.publicUrl}/rps/access`, { webOTT, wait: 25 });
    await new Promise((r) => setTimeout(r, 300)); // lets the request reach the server; asserts nothing about time
    stopped = small.stop();
    const answer = await held;
    expect(answer.json).toMatchObject({ status: 'new' });
    await stopped;
  }, 20_000); // below the 25 s wait: a server that held on would fail here
});
