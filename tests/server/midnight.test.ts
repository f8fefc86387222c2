// @vitest-environment node
// Time permits are per UTC day; a permit from yesterday is still accepted during the first hour of a new day
// (Milagro's midnight grace, docs/protocol.md §6.4), and not after. The server runs on a clock the test moves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromHex, mpin, toHex } from '../../lib/mpin/index.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let clock = Date.UTC(2026, 10, 28, 23, 59, 50);
let server: TestServer;
let settings: any;
let id: { hex: string; bytes: Uint8Array; token: Uint8Array };

const call = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(new URL(path, server.publicUrl + '/'), {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: await res.json().catch(() => null) };
};

async function permit() {
  const local = (await call('GET', `/rps/timePermit/${id.hex}`)).body;
  const q = new URLSearchParams({
    app_id: settings.appID,
    mobile: '1',
    hash_mpin_id: local.storageId,
    signature: local.signature,
  });
  const cloud = (await call('GET', `${settings.certivoxURL}timePermit?${q.toString()}`)).body;
  return {
    date: local.date as number,
    timePermit: mpin.recombineG1(fromHex(local.timePermit), fromHex(cloud.timePermit)),
  };
}

async function signIn(p: { date: number; timePermit: Uint8Array }) {
  const c1 = mpin.client1({ mpinId: id.bytes, pin: 1234, token: id.token, ...p });
  const p1 = (await call('POST', '/rps/pass1', { mpin_id: id.hex, U: toHex(c1.u), UT: toHex(c1.ut!) })).body;
  const p2 = (
    await call('POST', '/rps/pass2', {
      mpin_id: id.hex,
      V: toHex(mpin.client2(c1.x, fromHex(p1.y), c1.sec)),
      WID: '0',
      OTP: false,
    })
  ).body;
  return (await call('POST', '/mpinAuthenticate', { mpinResponse: { authOTT: p2.authOTT } })).status;
}

beforeAll(async () => {
  server = await startTestServer({ REQUIRE_ACTIVATION: 'false' }, undefined, () => clock);
  settings = (await call('GET', '/rps/clientSettings')).body;
  const reg = (await call('PUT', '/rps/user', { userId: 'night@example.com', mobile: 1 })).body;
  const sig = (await call('GET', `/rps/signature/${reg.mpinId}?regOTT=${reg.regOTT}`)).body;
  const cloud = (await call('GET', settings.certivoxURL + 'clientSecret?' + sig.params)).body;
  const bytes = fromHex(reg.mpinId);
  const cs = mpin.recombineG1(fromHex(sig.clientSecretShare), fromHex(cloud.clientSecret));
  id = { hex: reg.mpinId, bytes, token: mpin.extractPin(bytes, 1234, cs) };
});
afterAll(() => server.stop());

describe('midnight grace', () => {
  it("accepts yesterday's permit in the first hour of the day, and refuses it after", async () => {
    const yesterdays = await permit(); // 23:59:50
    expect(yesterdays.date).toBe(Math.floor(clock / 86_400_000));
    clock = Date.UTC(2026, 10, 29, 0, 0, 20);
    expect(await signIn(yesterdays)).toBe(200);
    const todays = await permit();
    expect(todays.date).toBe(yesterdays.date + 1);
    expect(await signIn(todays)).toBe(200);
    clock = Date.UTC(2026, 10, 29, 1, 0, 20);
    expect(await signIn(yesterdays)).toBe(401);
    expect(await signIn(todays)).toBe(200); // and the failure above did not block it
  });
});
