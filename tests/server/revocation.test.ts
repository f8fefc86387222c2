// @vitest-environment node
// Revocation takes effect at once (docs/security-rules.md, inherent limit 5): a client that fetched today's time
// permit before the administrator revoked it is refused at pass 2, at the phone's /rps/authenticate and at the
// relying party's /mpinAuthenticate, whichever it reaches after the revocation. The real server over HTTP, a
// Milagro-style client (milagro-crypto-js) holding its permit as clients cache it, and the admin command.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdmin } from '../../server/admin.ts';
import { enrol, pollAccess } from '../support/enrol.ts';
import { expectError, http } from '../support/http.ts';
import { HttpClient, MilagroClient, type MilagroIdentity } from '../support/milagro-http-client.ts';
import { startServerWithPhone } from '../support/server-fixture.ts';
import type { TestServer } from '../support/test-server.ts';

let server: TestServer;
let phone: MilagroClient;

beforeAll(async () => ({ server, phone } = await startServerWithPhone()));
afterAll(() => server.stop());

const admin = async (...args: string[]) => await runAdmin(args, server.ctx.storage);

/** Today's time permit, fetched now and kept, as a client caches it. */
async function heldPermit(id: MilagroIdentity) {
  const permit = await phone.timePermit(id);
  if ('status' in permit) throw new Error(`timePermit: ${permit.status}`);
  return permit;
}

/** The PC's side: an access number and a cookie jar. */
async function pcWithNumber() {
  const pc = new HttpClient(server.publicUrl);
  const an = await pc.request('POST', '/rps/getAccessNumber');
  expect(an.status).toBe(200);
  return { pc, accessNumber: an.body.accessNumber as string, webOTT: an.body.webOTT as string };
}

describe('revocation with a time permit already fetched', () => {
  it('browser sign-in (WID "0"): pass 2 after the revocation is refused with 403', async () => {
    const id = await enrol(phone, 'rev-pass2@example.com', 1111);
    const permit = await heldPermit(id);
    await admin('revoke', id.mpinIdHex, 'lost laptop');
    await expect(phone.passes(id, 1111, '0', permit)).rejects.toThrow(/pass2: 403 .*revoked/);
    // the refusal counted no wrong PIN: unrevoked, the right PIN signs in
    await admin('unrevoke', id.mpinIdHex);
    expect((await phone.browserAuthenticate(await phone.passes(id, 1111, '0', permit))).status).toBe(200);
  });

  it('browser sign-in: revoked between pass 2 and /mpinAuthenticate, the relying party refuses the session', async () => {
    const id = await enrol(phone, 'rev-rp@example.com', 2222);
    const authOTT = await phone.passes(id, 2222, '0', await heldPermit(id));
    await admin('revoke', 'rev-rp@example.com');
    const refused = await http('POST', `${server.publicUrl}/mpinAuthenticate`, { mpinResponse: { authOTT } });
    expectError(refused, 403, /revoked/);
    expect(refused.headers.get('set-cookie')).toBeNull(); // no session
    await admin('unrevoke', 'rev-rp@example.com');
  });

  it("access number: revoked between pass 2 and the phone's /rps/authenticate, the phone gets 403 and the PC nothing", async () => {
    const id = await enrol(phone, 'rev-phone@example.com', 3333);
    const { pc, accessNumber, webOTT } = await pcWithNumber();
    const authOTT = await phone.passes(id, 3333, accessNumber, await heldPermit(id));
    await admin('revoke', id.mpinIdHex);
    const refused = await phone.mobileAuthenticate(authOTT);
    expect(refused.status, refused.text).toBe(403);
    expect(refused.body.message).toMatch(/revoked/);
    const poll = await pc.request('POST', '/rps/access', { webOTT });
    expect(poll.body).toMatchObject({ status: 'new', userId: '', authOTT: '' });
    // the number is still the PC's: once unrevoked, the same phone signs it in
    await admin('unrevoke', id.mpinIdHex);
    const done = phone.mobileAuthenticate(await phone.passes(id, 3333, accessNumber));
    const ready = await pollAccess(pc, webOTT, 'authenticate');
    expect(ready.body.userId).toBe('rev-phone@example.com');
    expect(
      (await pc.request('POST', '/mpinAuthenticate', { mpinResponse: { authOTT: ready.body.authOTT } })).status,
    ).toBe(200);
    expect((await done).status).toBe(200);
  });

  it("access number: revoked after the phone's /rps/authenticate, the PC's /mpinAuthenticate is refused and so is the phone", async () => {
    const id = await enrol(phone, 'rev-pc@example.com', 4444);
    const { pc, accessNumber, webOTT } = await pcWithNumber();
    const phoneDone = phone.mobileAuthenticate(await phone.passes(id, 4444, accessNumber, await heldPermit(id)));
    const ready = await pollAccess(pc, webOTT, 'authenticate');
    expect(ready.body.status).toBe('authenticate');
    await admin('revoke', 'rev-pc@example.com');
    const pcAuth = await pc.request('POST', '/mpinAuthenticate', { mpinResponse: { authOTT: ready.body.authOTT } });
    expect(pcAuth.status, pcAuth.text).toBe(403);
    expect(pcAuth.body).toEqual({ version: '0.3', message: expect.stringMatching(/revoked/) });
    expect((await pc.request('GET', '/protected')).status).toBe(303);
    const phoneResult = await phoneDone;
    expect(phoneResult.status, phoneResult.text).toBe(403);
    await admin('unrevoke', 'rev-pc@example.com');
  });
});
