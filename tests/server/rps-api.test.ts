// @vitest-environment node
// API tests of the RPS (docs/protocol.md §4.1, §4.2, §6, §8) against the real server over HTTP, no mocks:
// malformed and hostile requests get Milagro's status codes with `{version:"0.3", message}` and never a 500;
// replays, reused and unknown tokens, access numbers, rate limits, CORS, and state that survives a restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMpinId, isValidAccessNumber, mpin, toHex } from '../../lib/mpin/index.ts';
import { runAdmin } from '../../server/admin.ts';
import { MilagroClient, type MilagroIdentity } from '../support/milagro-http-client.ts';
import { expectError, http } from '../support/http.ts';
import { startServerWithPhone } from '../support/server-fixture.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A well-formed mpin_id that the server never issued. */
const foreignId = (userID = 'nobody@example.com') => buildMpinId({ userID, mobile: 1 });
/** A valid G1 point (some master secret times H(id)). */
const g1Point = () => toHex(mpin.clientSecretShare(mpin.randomMasterSecret(), mpin.hashId(foreignId().bytes)));
const INFINITY = '04' + '00'.repeat(64);
/** x = 1, y = 1: y² = 1 but x³ + 2 = 3, so not on BN254CX. */
const OFF_CURVE = '04' + '00'.repeat(31) + '01' + '00'.repeat(31) + '01';
/** Coordinates above the field prime. */
const OVER_PRIME = '04' + 'ff'.repeat(64);

/** The activation key e-mailed for `mpinId` (the `s=` parameter of the newest link in the mailbox). */
async function activateKeyFromMail(server: TestServer, mpinId: string): Promise<string> {
  const mails = await http('GET', `${server.publicUrl}/mailbox.json`);
  expect(mails.status).toBe(200);
  for (const m of mails.json as { text: string }[]) {
    const link = m.text.match(/https?:\/\/\S+\/mpinActivate\?\S+/)?.[0];
    if (link && new URL(link).searchParams.get('i') === mpinId) return new URL(link).searchParams.get('s')!;
  }
  throw new Error(`no activation mail for ${mpinId}`);
}

/** Registers `userId` (PUT /rps/user) and activates it through the private API, as the relying party does. */
async function registerAndActivate(server: TestServer, userId: string): Promise<{ mpinId: string; regOTT: string }> {
  const reg = await http('PUT', `${server.publicUrl}/rps/user`, { userId, mobile: 1, deviceName: 'apiTest' });
  expect(reg.status, reg.text).toBe(200);
  expect(reg.json.active).toBe(false);
  const activateKey = await activateKeyFromMail(server, reg.json.mpinId);
  const act = await http('POST', `${server.privateUrl}/user/${reg.json.mpinId}`, { activateKey });
  expect(act.status, act.text).toBe(200);
  return { mpinId: reg.json.mpinId, regOTT: reg.json.regOTT };
}

describe('RPS public API: malformed and hostile requests', () => {
  let server: TestServer;
  let rps: string;
  beforeAll(async () => ({ server, rps } = await startServerWithPhone({ RATE_LIMIT_PER_MINUTE: '100000' })));
  afterAll(() => server.stop());

  it('malformed JSON bodies get 400, and 403 on the two passes (Milagro)', async () => {
    for (const [method, path, status] of [
      ['PUT', '/user', 400],
      ['POST', '/pass1', 403],
      ['POST', '/pass2', 403],
      ['POST', '/authenticate', 400],
      ['POST', '/access', 400],
      ['POST', '/accessnumber', 400],
    ] as const) {
      expectError(await http(method, rps + path, '{"userId": "a@example.com",'), status);
      expectError(await http(method, rps + path, '{bad json}'), status);
    }
    // an empty JSON body, and a prototype-pollution attempt
    expectError(await http('POST', `${rps}/access`, ''), 400);
    expectError(await http('PUT', `${rps}/user`, '{"userId":"a@example.com","__proto__":{"admin":true}}'), 400);
  });

  it('JSON that is not an object, or lacks fields: 400 on registration, 403 on the passes', async () => {
    expectError(await http('PUT', `${rps}/user`, '[1,2]'), 400);
    expectError(await http('PUT', `${rps}/user`, 'null'), 400, /userId/);
    expectError(await http('PUT', `${rps}/user`, {}), 400, /userId/);
    expectError(await http('PUT', `${rps}/user`, { userId: '' }), 400, /userId/);
    expectError(await http('PUT', `${rps}/user`, { userId: 'a\u0000b@example.com' }), 400, /userId/);
    expectError(await http('PUT', `${rps}/user`, { userId: 'x'.repeat(300) + '@example.com' }), 400, /userId/);
    expectError(await http('POST', `${rps}/pass1`, '"a string"'), 403);
    expectError(await http('POST', `${rps}/pass1`, {}), 403, /mpin_id/);
    expectError(await http('POST', `${rps}/pass1`, { mpin_id: foreignId().hex }), 403, /U/);
    expectError(await http('POST', `${rps}/pass2`, {}), 403, /mpin_id/);
    expectError(await http('POST', `${rps}/authenticate`, {}), 400, /mpinResponse/);
    expectError(await http('POST', `${rps}/authenticate`, { mpinResponse: { authOTT: 'nothex' } }), 400, /authOTT/);
    expectError(await http('POST', `${rps}/access`, {}), 400, /webOTT/);
    expectError(await http('POST', `${rps}/access`, { webOTT: 'zz'.repeat(16) }), 400, /webOTT/);
    expectError(await http('POST', `${rps}/codeStatus`, { status: 'wid', wid: '1234567' }), 400, /access number/);
  });

  it('wrong content types: 415 for an unknown one; text and forms are parsed and then refused', async () => {
    expectError(
      await http('PUT', `${rps}/user`, '<userId>a@example.com</userId>', { 'content-type': 'application/xml' }),
      415,
    );
    expectError(await http('POST', `${rps}/pass1`, '<x/>', { 'content-type': 'application/xml' }), 415);
    expectError(await http('PUT', `${rps}/user`, 'userId=a@example.com', { 'content-type': 'text/plain' }), 400);
    expectError(await http('POST', `${rps}/pass1`, 'mpin_id=00', { 'content-type': 'text/plain' }), 403);
    expectError(
      await http('POST', `${rps}/pass1`, 'mpin_id=00&U=04', { 'content-type': 'application/x-www-form-urlencoded' }),
      403,
    );
  });

  it("router errors (bad %-encoding, an over-long mpin_id in the path) also get Milagro's body", async () => {
    expectError(await http('GET', `${rps}/signature/%zz?regOTT=${'0'.repeat(32)}`), 400);
    expectError(await http('GET', `${rps}/timePermit/${'ab'.repeat(2500)}`), 414);
  });

  it('an oversized body gets 413', async () => {
    const huge = JSON.stringify({ userId: 'a@example.com', userData: 'x'.repeat(200_000) });
    expectError(await http('PUT', `${rps}/user`, huge), 413);
    expectError(await http('POST', `${rps}/pass1`, JSON.stringify({ mpin_id: 'ab'.repeat(50_000) })), 413);
  });

  it('pass 1: bad hex, wrong length, off-curve points and the point at infinity get 403', async () => {
    const mpin_id = foreignId().hex;
    const U = g1Point();
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ mpin_id, U: '04' + 'zz'.repeat(64), UT: U }, /U/],
      [{ mpin_id, U: U.slice(0, -2), UT: U }, /U/],
      [{ mpin_id, U: U + '00', UT: U }, /U/],
      [{ mpin_id, U: '02' + U.slice(2), UT: U }, /U/],
      [{ mpin_id, U: 42, UT: U }, /U/],
      [{ mpin_id, U: INFINITY, UT: U }, /infinity/],
      [{ mpin_id, U, UT: INFINITY }, /UT.*infinity/],
      [{ mpin_id, U: OFF_CURVE, UT: U }, /U: not a point/],
      [{ mpin_id, U, UT: OFF_CURVE }, /UT: not a point/],
      [{ mpin_id, U: OVER_PRIME, UT: U }, /U/],
    ];
    for (const [body, message] of cases)
      expectError(await http('POST', `${rps}/pass1`, { ...body, pass: 1 }), 403, message);
    expect(await server.ctx.storage.get('pass1', mpin_id)).toBeUndefined();
  });

  it('an mpin_id that is not hex, not JSON, not an object, or too long gets 403', async () => {
    const U = g1Point();
    const notJson = toHex(new TextEncoder().encode('not json at all'));
    const array = toHex(new TextEncoder().encode('[1,2,3]'));
    const noUser = toHex(
      new TextEncoder().encode('{"mobile": 1, "issued": "x", "salt": "00112233445566778899aabbccddeeff"}'),
    );
    for (const mpin_id of ['xyz', 'abc', '', notJson, array, noUser, 'ab'.repeat(1100), 42]) {
      expectError(await http('POST', `${rps}/pass1`, { mpin_id, U, UT: U, pass: 1 }), 403, /mpin/i);
      expectError(await http('POST', `${rps}/pass2`, { mpin_id, V: U, WID: '0', OTP: false, pass: 2 }), 403, /mpin/i);
    }
    expectError(await http('GET', `${rps}/timePermit/${notJson}`), 403, /mpin_id/);
    expectError(await http('GET', `${rps}/timePermit/nothex`), 403, /mpin/);
  });

  it('pass 2: WID and OTP are mandatory, V is checked like U, and a pass 2 without pass 1 gets 403', async () => {
    const mpin_id = foreignId().hex;
    const V = g1Point();
    expectError(await http('POST', `${rps}/pass2`, { mpin_id, V, OTP: false, pass: 2 }), 403, /WID/);
    expectError(await http('POST', `${rps}/pass2`, { mpin_id, V, WID: '0', pass: 2 }), 403, /OTP/);
    expectError(await http('POST', `${rps}/pass2`, { mpin_id, V, WID: 'abc', OTP: false, pass: 2 }), 403, /WID/);
    expectError(await http('POST', `${rps}/pass2`, { mpin_id, V, WID: '0', OTP: 'yes', pass: 2 }), 403, /OTP/);
    expectError(
      await http('POST', `${rps}/pass2`, { mpin_id, V: V.slice(0, 64), WID: '0', OTP: false, pass: 2 }),
      403,
      /V/,
    );
    expectError(await http('POST', `${rps}/pass2`, { mpin_id, V, WID: '0', OTP: false, pass: 2 }), 403, /pass one/);
    // with a live pass-1 record, a V at infinity or off the curve is still refused
    for (const [bad, message] of [
      [INFINITY, /V.*infinity/],
      [OFF_CURVE, /V: not a point/],
    ] as const) {
      const p1 = await http('POST', `${rps}/pass1`, { mpin_id, U: g1Point(), UT: g1Point(), pass: 1 });
      expect(p1.status, p1.text).toBe(200);
      expectError(await http('POST', `${rps}/pass2`, { mpin_id, V: bad, WID: '0', OTP: false, pass: 2 }), 403, message);
    }
  });

  it('pass 1 answers y and keeps its record for 15 s', async () => {
    const mpin_id = foreignId().hex;
    const before = Date.now();
    const p1 = await http('POST', `${rps}/pass1`, { mpin_id, U: g1Point(), UT: g1Point(), pass: 1 });
    expect(p1.status, p1.text).toBe(200);
    expect(p1.json).toMatchObject({ pass: 1, message: 'OK', version: '0.3' });
    expect(p1.json.y).toMatch(/^[0-9a-f]{64}$/);
    const expires = await server.ctx.storage.expiresAt('pass1', mpin_id);
    expect(expires).toBeGreaterThanOrEqual(before + 15_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 15_000);
  });

  it('a replayed pass 2 gets 403; a reused authOTT gets 408 at the private /authenticate; an unknown one 412 at /rps/authenticate', async () => {
    const mpin_id = foreignId('replay@example.com').hex;
    expect((await http('POST', `${rps}/pass1`, { mpin_id, U: g1Point(), UT: g1Point(), pass: 1 })).status).toBe(200);
    const body = { mpin_id, V: g1Point(), WID: '0', OTP: false, pass: 2 };
    const p2 = await http('POST', `${rps}/pass2`, body);
    expect(p2.status, p2.text).toBe(200); // always 200: the verdict comes at /authenticate
    expect(p2.json).toMatchObject({ pass: 2, version: '0.3' });
    expect(p2.json.authOTT).toMatch(/^[0-9a-f]{32}$/);
    expectError(await http('POST', `${rps}/pass2`, body), 403, /pass one/);

    const first = await http('POST', `${server.privateUrl}/authenticate`, { authOTT: p2.json.authOTT });
    expect(first.status).toBe(401);
    expect(first.json).toMatchObject({
      status: 401,
      message: 'Wrong PIN.',
      userId: 'replay@example.com',
      mpinId: mpin_id,
    });
    expectError(
      await http('POST', `${server.privateUrl}/authenticate`, { authOTT: p2.json.authOTT }),
      408,
      /[Ee]xpired/,
    );
    expectError(
      await http('POST', `${server.privateUrl}/authenticate`, { authOTT: 'ab'.repeat(16) }),
      408,
      /[Ee]xpired/,
    );
    expectError(await http('POST', `${server.privateUrl}/authenticate`, { authOTT: 'nothex' }), 400, /authOTT/);

    expectError(
      await http('POST', `${rps}/authenticate`, {
        mpinResponse: { authOTT: 'cd'.repeat(16), version: '0.3', pass: 2 },
      }),
      412,
      /access number/,
    );
    // a browser (WID "0") authOTT is no access-number sign-in either
    expectError(
      await http('POST', `${rps}/authenticate`, { mpinResponse: { authOTT: p2.json.authOTT } }),
      412,
      /access number/,
    );
  });

  it('registration: signature before activation 401, unknown mpin_id 400, a wrong regOTT 400 that leaves the registration alone', async () => {
    const reg = await http('PUT', `${rps}/user`, { userId: 'reg@example.com', mobile: 0 });
    expect(reg.status, reg.text).toBe(200);
    const { mpinId, regOTT } = reg.json;
    const sig = await http('GET', `${rps}/signature/${mpinId}?regOTT=${regOTT}`);
    expectError(sig, 401, /not active/);
    expect(sig.headers.get('www-authenticate')).toBe('Authenticate');

    expectError(await http('GET', `${rps}/signature/${foreignId().hex}?regOTT=${'0'.repeat(32)}`), 400, /not found/);
    expectError(await http('GET', `${rps}/signature/${mpinId}`), 400, /regOTT/);
    expectError(await http('GET', `${rps}/signature/${mpinId}?regOTT=xyz`), 400, /regOTT/);
    expectError(await http('GET', `${rps}/signature/nothex?regOTT=${regOTT}`), 400, /mpin/);
    expectError(await http('PUT', `${rps}/user/${mpinId}`, { userId: 'reg@example.com', regOTT: 'f'.repeat(32) }), 400);
    expectError(
      await http('PUT', `${rps}/user/${mpinId}`, { userId: 'reg@example.com', regOTT: 'xyz' }),
      400,
      /regOTT/,
    );

    // private activation: a wrong key 401, the right one 200; a wrong regOTT is refused, the right one still works
    expectError(
      await http('POST', `${server.privateUrl}/user/${mpinId}`, { activateKey: 'ab'.repeat(32) }),
      401,
      /not found/,
    );
    expectError(
      await http('POST', `${server.privateUrl}/user/${mpinId}`, { activateKey: 'short' }),
      400,
      /activateKey/,
    );
    const activateKey = await activateKeyFromMail(server, mpinId);
    expect((await http('POST', `${server.privateUrl}/user/${mpinId}`, { activateKey })).status).toBe(200);
    expectError(await http('GET', `${rps}/signature/${mpinId}?regOTT=${'0'.repeat(32)}`), 400, /not found/);
    expect(await server.ctx.storage.get('registration', mpinId)).toBeDefined();
    const share = await http('GET', `${rps}/signature/${mpinId}?regOTT=${regOTT}`);
    expect(share.status, share.text).toBe(200);
    expect(share.json.clientSecretShare).toMatch(/^04[0-9a-f]{128}$/);
    // issued once: then the registration is gone
    expect(await server.ctx.storage.get('registration', mpinId)).toBeUndefined();
    expectError(await http('GET', `${rps}/signature/${mpinId}?regOTT=${regOTT}`), 400, /not found/);
  });

  it("pass 2's answer is the same for a live and an unknown access number: it is no way to test one", async () => {
    const live = (await http('POST', `${rps}/getAccessNumber`)).json.accessNumber as string;
    const answers = [];
    for (const WID of [live, live === '1000004' ? '1000012' : '1000004']) {
      const mpin_id = foreignId().hex;
      expect((await http('POST', `${rps}/pass1`, { mpin_id, U: g1Point(), UT: g1Point(), pass: 1 })).status).toBe(200);
      const p2 = await http('POST', `${rps}/pass2`, { mpin_id, V: g1Point(), WID, OTP: false, pass: 2 });
      expect(p2.status, p2.text).toBe(200);
      answers.push(Object.keys(p2.json).sort());
    }
    expect(answers[0]).toEqual(answers[1]);
  });

  it('access numbers: 7 digits with a valid check digit, unique among 200 live ones, 99 s by default', async () => {
    const numbers = new Set<string>();
    const webOTTs = new Set<string>();
    const before = Date.now();
    for (let i = 0; i < 200; i++) {
      const r = await http('POST', `${rps}/getAccessNumber`);
      expect(r.status, r.text).toBe(200);
      expect(r.json.accessNumber).toMatch(/^[0-9]{7}$/);
      expect(isValidAccessNumber(r.json.accessNumber)).toBe(true);
      expect(r.json.webOTT).toMatch(/^[0-9a-f]{32}$/);
      expect(r.json.ttlSeconds).toBe(99);
      expect(r.json.localTimeEnd - r.json.localTimeStart).toBe(99_000);
      expect(r.json.localTimeStart).toBeGreaterThanOrEqual(before);
      numbers.add(r.json.accessNumber);
      webOTTs.add(r.json.webOTT);
    }
    expect(numbers.size).toBe(200);
    expect(webOTTs.size).toBe(200);
    const [an] = numbers;
    // the server keeps it for ttl + the default 5 s of grace
    expect(await server.ctx.storage.expiresAt('access', an!)).toBeGreaterThanOrEqual(before + 104_000);
    expect((await http('GET', `${rps}/clientSettings`)).json.ttlSeconds).toBe(99);
  });

  it('an unknown webOTT: v2 "expired", v1 404', async () => {
    const unknown = 'ef'.repeat(16);
    const v2 = await http('POST', `${rps}/access`, { webOTT: unknown });
    expect(v2.status).toBe(200);
    expect(v2.json).toEqual({ status: 'expired', statusCode: 0, userId: '', redirectURL: '', authOTT: '' });
    expectError(await http('POST', `${rps}/accessnumber`, { webOTT: unknown }), 404);
  });

  it('CORS: preflight answers with Access-Control-Allow-*, and every /rps response allows any origin without credentials', async () => {
    const origin = 'https://rp.example.org';
    const pre = await http('OPTIONS', `${rps}/user`, undefined, {
      origin,
      'access-control-request-method': 'PUT',
      'access-control-request-headers': 'content-type',
    });
    expect(pre.status).toBe(200);
    expect(pre.json).toEqual({ version: '0.3', message: 'options request' });
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    expect(pre.headers.get('access-control-allow-credentials')).toBeNull();
    expect(pre.headers.get('access-control-allow-methods')).toBe('GET,PUT,POST,DELETE,OPTIONS');
    expect(pre.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('content-type');

    const settings = await http('GET', `${rps}/clientSettings`, undefined, { origin });
    expect(settings.headers.get('access-control-allow-origin')).toBe('*');
    const error = await http('POST', `${rps}/pass1`, {}, { origin });
    expect(error.status).toBe(403);
    expect(error.headers.get('access-control-allow-origin')).toBe('*');
    const noOrigin = await http('GET', `${rps}/clientSettings`);
    expect(noOrigin.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('clientSettings is never cached; setupDone is 200 and empty; unknown paths 404 in Milagro shape', async () => {
    const s = await http('GET', `${rps}/clientSettings`);
    expect(s.status).toBe(200);
    expect(s.headers.get('cache-control')).toMatch(/no-cache/);
    expect(s.headers.get('cache-control')).toMatch(/no-store/);
    expect(s.headers.get('pragma')).toBe('no-cache');
    expect(s.headers.get('expires')).toBeTruthy();
    const a = (await http('GET', `${rps}/clientSettings`)).json;
    expect(a.seedValue).not.toBe(s.json.seedValue);

    const done = await http('POST', `${rps}/setupDone/${foreignId().hex}`, {});
    expect(done.status).toBe(200);
    expect(done.text).toBe('');
    expectError(await http('POST', `${rps}/setupDone/nothex`, {}), 400);
    expectError(await http('GET', `${rps}/nosuchendpoint`), 404);
    expectError(await http('DELETE', `${rps}/user`), 404);
  });
});

describe('access-number expiry (ACCESS_NUMBER_TTL_SECONDS=5, no grace)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ ACCESS_NUMBER_TTL_SECONDS: '5', ACCESS_NUMBER_GRACE_SECONDS: '0' });
  });
  afterAll(() => server.stop());

  it('tells clients 5 s, and after 5 s the number is expired (v2) and unknown (v1)', async () => {
    const rps = `${server.publicUrl}/rps`;
    expect((await http('GET', `${rps}/clientSettings`)).json.ttlSeconds).toBe(5);
    const an = await http('POST', `${rps}/getAccessNumber`);
    expect(an.status).toBe(200);
    expect(an.json.ttlSeconds).toBe(5);
    expect(an.json.localTimeEnd - an.json.localTimeStart).toBe(5_000);
    const { webOTT } = an.json;
    expect((await http('POST', `${rps}/access`, { webOTT })).json.status).toBe('new');
    expectError(await http('POST', `${rps}/accessnumber`, { webOTT }), 401);
    expect(await server.ctx.storage.expiresAt('access', an.json.accessNumber)).toBe(an.json.localTimeEnd);

    await sleep(Math.max(0, an.json.localTimeEnd - Date.now()) + 300);
    const v2 = await http('POST', `${rps}/access`, { webOTT });
    expect(v2.status).toBe(200);
    expect(v2.json.status).toBe('expired');
    expectError(await http('POST', `${rps}/accessnumber`, { webOTT }), 404);
    // the phone can no longer use it either
    expectError(
      await http('POST', `${rps}/codeStatus`, { status: 'user', wid: an.json.accessNumber, userId: 'x@example.com' }),
      400,
    );
  }, 15_000);
});

describe('rate limits (RATE_LIMIT_PER_MINUTE=5)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ RATE_LIMIT_PER_MINUTE: '5' });
  });
  afterAll(() => server.stop());

  it('the 6th registration within a minute gets 429 in Milagro shape', async () => {
    for (let i = 0; i < 5; i++)
      expect((await http('PUT', `${server.publicUrl}/rps/user`, { userId: `rl${i}@example.com` })).status).toBe(200);
    const sixth = await http(
      'PUT',
      `${server.publicUrl}/rps/user`,
      { userId: 'rl5@example.com' },
      { origin: 'https://rp.example.org' },
    );
    expectError(sixth, 429, /[Tt]oo many/);
    expect(sixth.headers.get('access-control-allow-origin')).toBe('*');
    // unlimited endpoints still answer
    expect((await http('GET', `${server.publicUrl}/rps/clientSettings`)).status).toBe(200);
  });

  it('pass 1 is limited too, whether the requests were good or bad', async () => {
    for (let i = 0; i < 5; i++) expect((await http('POST', `${server.publicUrl}/rps/pass1`, {})).status).toBe(403);
    expectError(
      await http('POST', `${server.publicUrl}/rps/pass1`, { mpin_id: foreignId().hex, U: g1Point(), UT: g1Point() }),
      429,
    );
  });

  it('one budget for every route that tests an access number: /rps/authenticate and /rps/codeStatus share it', async () => {
    const rps = `${server.publicUrl}/rps`;
    const unknownNumber = { status: 'wid', wid: '1000004' };
    const unknownAuth = { mpinResponse: { authOTT: 'cd'.repeat(16) } };
    for (let i = 0; i < 3; i++) expectError(await http('POST', `${rps}/codeStatus`, unknownNumber), 400);
    for (let i = 0; i < 2; i++) expectError(await http('POST', `${rps}/authenticate`, unknownAuth), 412);
    // the sixth test of a number, whichever route, is refused
    const sixth = await http('POST', `${rps}/authenticate`, unknownAuth, { origin: 'https://rp.example.org' });
    expectError(sixth, 429, /[Tt]oo many/);
    expect(sixth.headers.get('access-control-allow-origin')).toBe('*');
    expect(Number(sixth.headers.get('retry-after'))).toBeGreaterThan(0);
    expectError(await http('POST', `${rps}/codeStatus`, unknownNumber), 429);
    // routes that test no number keep their own budgets
    expect((await http('POST', `${rps}/getAccessNumber`)).status).toBe(200);
  });

  it('access-number polling allows twice the rate, then 429', async () => {
    const webOTT = 'ab'.repeat(16);
    for (let i = 0; i < 10; i++)
      expect((await http('POST', `${server.publicUrl}/rps/access`, { webOTT })).status).toBe(200);
    expectError(await http('POST', `${server.publicUrl}/rps/access`, { webOTT }), 429);
  });
});

describe('state survives a restart', () => {
  let server: TestServer;
  afterAll(() => server?.stop());

  it('registrations, wrong-PIN counters and revocations are kept across a restart', async () => {
    let phone: MilagroClient;
    ({ server, phone } = await startServerWithPhone());

    // A: activated, share not yet fetched
    const a = await registerAndActivate(server, 'restart-a@example.com');
    // B: set up, then two wrong PINs
    const b = await registerAndActivate(server, 'restart-b@example.com');
    const idB: MilagroIdentity = await phone.setup('restart-b@example.com', b.mpinId, b.regOTT, 2580);
    const authenticate = async (authOTT: string) =>
      (await http('POST', `${server.privateUrl}/authenticate`, { authOTT })).status;
    expect(await authenticate(await phone.passes(idB, 1111))).toBe(401);
    expect(await authenticate(await phone.passes(idB, 2222))).toBe(401);
    // C: revoked by the administrator; D: a control
    const c = await registerAndActivate(server, 'restart-c@example.com');
    const d = await registerAndActivate(server, 'restart-d@example.com');
    await runAdmin(['revoke', 'restart-c@example.com', 'lost phone'], server.ctx.storage);
    expectError(await http('GET', `${server.publicUrl}/rps/timePermit/${c.mpinId}`), 403, /revoked/);

    const dataDir = server.dataDir;
    await server.stop(true);
    ({ server, phone } = await startServerWithPhone({}, dataDir));

    const sig = await http('GET', `${server.publicUrl}/rps/signature/${a.mpinId}?regOTT=${a.regOTT}`);
    expect(sig.status, sig.text).toBe(200);
    expect(sig.json.clientSecretShare).toMatch(/^04[0-9a-f]{128}$/);
    expect(new URLSearchParams(sig.json.params).get('hash_mpin_id')).toMatch(/^[0-9a-f]{64}$/);

    // the third wrong PIN after the restart blocks B, and so does the right one then
    expect(await authenticate(await phone.passes(idB, 3333))).toBe(410);
    expect(await authenticate(await phone.passes(idB, 2580))).toBe(410);

    expectError(await http('GET', `${server.publicUrl}/rps/timePermit/${c.mpinId}`), 403, /revoked/);
    expect((await http('GET', `${server.publicUrl}/rps/timePermit/${d.mpinId}`)).status).toBe(200);
  }, 30_000);
});
