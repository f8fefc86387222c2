// @vitest-environment node
// Only a successful sign-in may change an access number's record. A pass 2 naming someone else's number, with made-up
// points and someone else's identity, and a codeStatus "user" (which proves nothing) must neither show a name on
// the PC nor take the number away from the phone that is signing in with it. The real server over HTTP, the phone
// a Milagro-style client (milagro-crypto-js), the attacker plain HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMpinId, mpin, toHex } from '../../lib/mpin/index.ts';
import { enrol, pollAccess } from '../support/enrol.ts';
import { http } from '../support/http.ts';
import { HttpClient, MilagroClient } from '../support/milagro-http-client.ts';
import { startServerWithPhone } from '../support/server-fixture.ts';
import type { TestServer } from '../support/test-server.ts';

let server: TestServer;
let phone: MilagroClient;

beforeAll(async () => ({ server, phone } = await startServerWithPhone()));
afterAll(() => server.stop());

/** A valid G1 point that is nobody's secret. */
const anyPoint = () =>
  toHex(
    mpin.clientSecretShare(
      mpin.randomMasterSecret(),
      mpin.hashId(buildMpinId({ userID: 'x@example.com', mobile: 1 }).bytes),
    ),
  );

/** An attacker's pass 1 and pass 2 for a made-up identity of `userID`, naming `wid`: the authOTT it gets. */
async function bogusPass2(userID: string, wid: string): Promise<string> {
  const rps = `${server.publicUrl}/rps`;
  const mpin_id = buildMpinId({ userID, mobile: 1 }).hex;
  expect((await http('POST', `${rps}/pass1`, { mpin_id, U: anyPoint(), UT: anyPoint(), pass: 1 })).status).toBe(200);
  const p2 = await http('POST', `${rps}/pass2`, { mpin_id, V: anyPoint(), WID: wid, OTP: false, pass: 2 });
  expect(p2.status, p2.text).toBe(200); // pass 2 never tells
  return p2.json.authOTT as string;
}

describe("an access number's record changes only when a sign-in succeeds", () => {
  it("a bogus pass 2 with the number, between the phone's pass 2 and its /rps/authenticate, changes nothing", async () => {
    const victim = await enrol(phone, 'victim@example.com', 1234);
    const pc = new HttpClient(server.publicUrl);
    const an = (await pc.request('POST', '/rps/getAccessNumber')).body;

    const victimAuthOTT = await phone.passes(victim, 1234, an.accessNumber);
    const attackerAuthOTT = await bogusPass2('mallory@example.com', an.accessNumber);
    // the PC shows no name, and the number still waits for its phone
    expect((await pc.request('POST', '/rps/access', { webOTT: an.webOTT })).body).toEqual({
      status: 'new',
      statusCode: 0,
      userId: '',
      redirectURL: '',
      authOTT: '',
    });
    // the attacker's own authenticate is a wrong PIN for their made-up identity, and still changes nothing
    expect((await phone.mobileAuthenticate(attackerAuthOTT)).status).toBe(401);
    expect((await pc.request('POST', '/rps/access', { webOTT: an.webOTT })).body.status).toBe('new');

    // the real phone signs the PC in
    const phoneDone = phone.mobileAuthenticate(victimAuthOTT);
    const ready = await pollAccess(pc, an.webOTT, 'authenticate');
    expect(ready.body).toMatchObject({ status: 'authenticate', userId: 'victim@example.com' });
    const pcAuth = await pc.request('POST', '/mpinAuthenticate', { mpinResponse: { authOTT: ready.body.authOTT } });
    expect(pcAuth.status, pcAuth.text).toBe(200);
    expect(pcAuth.body).toEqual({ userId: 'victim@example.com' });
    expect((await phoneDone).status).toBe(200);

    // afterwards the number is spent for everyone
    const late = await bogusPass2('mallory@example.com', an.accessNumber);
    expect((await phone.mobileAuthenticate(late)).status).toBe(412);
  });

  it('codeStatus "user" puts no name on the PC (nothing proves who sent it)', async () => {
    const pc = new HttpClient(server.publicUrl);
    const an = (await pc.request('POST', '/rps/getAccessNumber')).body;
    const res = await http('POST', `${server.publicUrl}/rps/codeStatus`, {
      status: 'user',
      wid: an.accessNumber,
      userId: 'mallory@example.com',
    });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toEqual({ Status: 'OK' });
    expect((await pc.request('POST', '/rps/access', { webOTT: an.webOTT })).body).toMatchObject({
      status: 'new',
      userId: '',
    });
  });

  it('a private /loginResult for an authOTT the number was not given to changes nothing either', async () => {
    const pc = new HttpClient(server.publicUrl);
    const an = (await pc.request('POST', '/rps/getAccessNumber')).body;
    const authOTT = await bogusPass2('mallory@example.com', an.accessNumber);
    const res = await http('POST', `${server.privateUrl}/loginResult`, { authOTT, status: 200 });
    expect(res.status).toBe(200);
    expect(await server.ctx.storage.get('access', an.accessNumber)).toMatchObject({
      status: 'new',
      userId: '',
      authOTT: '',
      browserReady: false,
    });
  });
});
