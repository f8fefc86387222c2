// @vitest-environment node
// Wire compatibility: a client built on milagro-crypto-js (not on lib/mpin) runs Milagro's flows against the real
// server over HTTP: registration with activation through the mailbox, PIN setup, time permits, pass 1/2, the
// browser sign-in, the access-number sign-in with a second HTTP client as the PC, wrong PINs, revocation and the
// phone-initiated sign-out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activationLinkFor, pollAccess } from '../support/enrol.ts';
import { HttpClient, MilagroClient, type MilagroIdentity } from '../support/milagro-http-client.ts';
import { startServerWithPhone } from '../support/server-fixture.ts';
import type { TestServer } from '../support/test-server.ts';

let server: TestServer;
let phone: MilagroClient;

beforeAll(async () => ({ server, phone } = await startServerWithPhone()));
afterAll(() => server.stop());

const decodeId = (hex: string) => JSON.parse(Buffer.from(hex, 'hex').toString('utf8'));

const activationLink = (userId: string) => activationLinkFor(server.publicUrl, userId);

/** Registers, activates through the mailbox page ("Confirm and activate") and sets the PIN. */
async function enrol(userId: string, pin: number): Promise<MilagroIdentity> {
  const reg = await phone.register(userId);
  expect(reg.status).toBe(200);
  const link = await activationLink(userId);
  const page = new HttpClient(server.publicUrl);
  const form = await page.request('GET', link);
  expect(form.text).toContain('Confirm and activate');
  const confirm = await page.request('POST', link, '', { 'content-type': 'application/x-www-form-urlencoded' });
  expect(confirm.status).toBe(200);
  return phone.setup(userId, reg.body.mpinId, reg.body.regOTT, pin);
}

describe('Milagro wire protocol, spoken by milagro-crypto-js', () => {
  it('clientSettings has the Milagro keys and this project defaults', () => {
    expect(phone.settings).toMatchObject({
      accessNumberDigits: 7,
      accessNumberUseCheckSum: true,
      cSum: 1,
      setDeviceName: true,
      registerURL: '/rps/user',
      signatureURL: '/rps/signature',
      timePermitsURL: '/rps/timePermit',
      mpinAuthServerURL: '/rps',
      mobileAuthenticateURL: '/rps/authenticate',
      getAccessNumberURL: '/rps/getAccessNumber',
      accessNumberURL: '/rps/access',
      authenticateURL: '/mpinAuthenticate',
      requestOTP: false,
    });
    expect(phone.settings.seedValue).toMatch(/^[0-9a-f]{200}$/);
    expect(phone.settings.appID).toMatch(/^[0-9a-f]{32}$/);
  });

  it('registers, refuses the share before activation, resends, activates once, issues the share once', async () => {
    const userId = 'alice@example.com';
    const reg = await phone.register(userId, 'linChrome');
    expect(reg.status).toBe(200);
    expect(reg.body.active).toBe(false);
    expect(reg.body.regOTT).toMatch(/^[0-9a-f]{32}$/);
    expect(decodeId(reg.body.mpinId)).toMatchObject({ mobile: 1, userID: userId });
    expect(decodeId(reg.body.mpinId).salt).toMatch(/^[0-9a-f]{32}$/);

    expect((await phone.signature(reg.body.mpinId, reg.body.regOTT)).status).toBe(401);
    const resend = await phone.resend(userId, reg.body.mpinId, reg.body.regOTT);
    expect(resend.status).toBe(200);
    expect(resend.body.mpinId).toBe(reg.body.mpinId);
    expect((await phone.resend(userId, reg.body.mpinId, '0'.repeat(32))).status).toBe(400);

    const link = await activationLink(userId);
    const page = new HttpClient(server.publicUrl);
    expect((await page.request('POST', link, '', { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(
      200,
    );
    const again = await page.request('POST', link, '', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(again.text).toContain('already been used or has expired');

    const id = await phone.setup(userId, reg.body.mpinId, reg.body.regOTT, 1234);
    expect(id.token).toHaveLength(65);
    expect((await phone.signature(reg.body.mpinId, reg.body.regOTT)).status).toBe(400); // single use
  });

  it('signs the browser in with the right PIN (WID "0"), and a replayed pass 2 is refused', async () => {
    const id = await enrol('bob@example.com', 4321);
    const browser = new MilagroClient(server.publicUrl);
    await browser.init();
    const authOTT = await browser.passes(id, 4321);
    const auth = await browser.browserAuthenticate(authOTT);
    expect(auth.status).toBe(200);
    const protectedPage = await browser.request('GET', '/protected');
    expect(protectedPage.text).toContain('bob@example.com');
    // the same authOTT again: already used
    expect((await browser.browserAuthenticate(authOTT)).status).not.toBe(200);
    // pass 2 without a fresh pass 1
    const replay = await browser.request('POST', '/rps/pass2', {
      mpin_id: id.mpinIdHex,
      V: '04' + '11'.repeat(64),
      WID: '0',
      OTP: false,
      pass: 2,
    });
    expect(replay.status).toBe(403);
  });

  it('three wrong PINs: 401, 401, 410, and 410 even with the right PIN afterwards', async () => {
    const id = await enrol('carol@example.com', 1111);
    const statuses = [];
    for (const pin of [1112, 2222, 3333, 1111])
      statuses.push((await phone.browserAuthenticate(await phone.passes(id, pin))).status);
    expect(statuses).toEqual([401, 401, 410, 410]);
  });

  it('a success resets the wrong-PIN count', async () => {
    const id = await enrol('dave@example.com', 5555);
    const statuses = [];
    for (const pin of [5556, 5557, 5555, 5558, 5555])
      statuses.push((await phone.browserAuthenticate(await phone.passes(id, pin))).status);
    expect(statuses).toEqual([401, 401, 200, 401, 200]);
  });

  it('access number: the phone signs the PC in, then signs it out again', async () => {
    const id = await enrol('erin@example.com', 2468);
    const pc = new HttpClient(server.publicUrl);
    const an = await pc.request('POST', '/rps/getAccessNumber');
    expect(an.status).toBe(200);
    expect(an.body.accessNumber).toMatch(/^[0-9]{7}$/);
    expect(an.body.ttlSeconds).toBe(99);
    expect((await pc.request('POST', '/rps/access', { webOTT: an.body.webOTT })).body.status).toBe('new');
    expect((await pc.request('POST', '/rps/accessnumber', { webOTT: an.body.webOTT })).status).toBe(401);

    const authOTT = await phone.passes(id, 2468, an.body.accessNumber);
    const phoneDone = phone.mobileAuthenticate(authOTT); // waits for the PC
    const poll = await pollAccess(pc, an.body.webOTT, 'authenticate');
    expect(poll.body).toMatchObject({ status: 'authenticate', userId: 'erin@example.com' });
    expect((await pc.request('POST', '/rps/accessnumber', { webOTT: an.body.webOTT })).body.authOTT).toBe(
      poll.body.authOTT,
    );
    const pcAuth = await pc.request('POST', '/mpinAuthenticate', { mpinResponse: { authOTT: poll.body.authOTT } });
    expect(pcAuth.status).toBe(200);
    const done = await phoneDone;
    expect(done.status).toBe(200);
    expect(done.body.logoutURL).toBe('/logout');
    expect(done.body.logoutData).toMatchObject({ userId: 'erin@example.com' });
    expect((await pc.request('GET', '/protected')).text).toContain('erin@example.com');

    // the number is spent
    const again = await phone.mobileAuthenticate(await phone.passes(id, 2468, an.body.accessNumber));
    expect(again.status).toBe(412);

    // phone-initiated sign-out: the PC's long poll returns and its session is gone
    const waiting = pc.request('GET', '/logoutWait');
    await new Promise((r) => setTimeout(r, 200));
    const out = await phone.request('POST', done.body.logoutURL, done.body.logoutData);
    expect(out.status).toBe(200);
    expect(out.text).toBe('');
    expect((await waiting).text).toBe('OK');
    expect((await pc.request('GET', '/protected')).text).not.toContain('erin@example.com');
  });

  it('a valid-looking but unknown access number gets 412; a wrong PIN on a good number gets 401 and a retry works', async () => {
    const id = await enrol('frank@example.com', 1357);
    let unknown: string;
    for (let n = 100000; ; n++) {
      const lead = String(n);
      const s = [...lead].reduce((a, d, i) => a + Number(d) * (7 - i), 0);
      const c = (11 - (s % 11)) % 11;
      if (c !== 10) {
        unknown = lead + c;
        break;
      }
    }
    expect((await phone.mobileAuthenticate(await phone.passes(id, 1357, unknown))).status).toBe(412);

    const pc = new HttpClient(server.publicUrl);
    const an = (await pc.request('POST', '/rps/getAccessNumber')).body;
    expect((await phone.mobileAuthenticate(await phone.passes(id, 1000, an.accessNumber))).status).toBe(401);
    const phoneDone = phone.mobileAuthenticate(await phone.passes(id, 1357, an.accessNumber));
    const poll = await pollAccess(pc, an.webOTT, 'authenticate');
    expect(
      (await pc.request('POST', '/mpinAuthenticate', { mpinResponse: { authOTT: poll.body.authOTT } })).status,
    ).toBe(200);
    expect((await phoneDone).status).toBe(200);
  });

  it('revocation: after the admin revokes the user, time permits are refused', async () => {
    const id = await enrol('grace@example.com', 8642);
    expect('date' in (await phone.timePermit(id))).toBe(true);
    await server.ctx.storage.put('revoked', 'grace@example.com', { reason: 'test' });
    const refused = await phone.timePermit(id);
    expect('status' in refused && refused.status).toBe(403);
    await server.ctx.storage.delete('revoked', 'grace@example.com');
    expect('date' in (await phone.timePermit(id))).toBe(true);
  });

  it('QR variant: getQrUrl gives a 32-hex id in the URL, usable as WID; mobileConfig is off', async () => {
    const id = await enrol('henry@example.com', 9753);
    const pc = new HttpClient(server.publicUrl);
    const qr = await pc.request('POST', '/rps/getQrUrl', { prerollid: '' });
    expect(qr.status).toBe(200);
    const wid = String(qr.body.qrUrl).match(/#([0-9a-f]{32})$/)?.[1];
    expect(wid).toBeDefined();
    expect(qr.body.ttlSeconds).toBe(99);
    const phoneDone = phone.mobileAuthenticate(await phone.passes(id, 9753, wid!));
    const poll = await pollAccess(pc, qr.body.webOTT, 'authenticate');
    expect(
      (await pc.request('POST', '/mpinAuthenticate', { mpinResponse: { authOTT: poll.body.authOTT } })).status,
    ).toBe(200);
    expect((await phoneDone).status).toBe(200);
    expect((await pc.request('GET', '/rps/mobileConfig')).status).toBe(404);
  });
});
