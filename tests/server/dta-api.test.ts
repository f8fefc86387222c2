// @vitest-environment node
// API tests of the two D-TAs (docs/protocol.md §4.3) against the real server over HTTP, no mocks: the first on
// the private listener (/dta1/), the second, "cloud" one on the public listener (/dta2/). Signed and expiring
// requests, Milagro's status codes and error bodies, distinct master secrets kept in 0600 files across restarts.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMpinId, epochDay, fromHex, mpin, toHex } from '../../lib/mpin/index.ts';
import { signMessage } from '../../server/util/hmac.ts';
import { expectError, http } from '../support/http.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const get = (url: string, headers: Record<string, string> = {}, method = 'GET') =>
  http(method, url, undefined, headers);

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const hashOf = (userID: string) => toHex(mpin.hashId(buildMpinId({ userID, mobile: 1 }).bytes));
const isG1 = (hex: string) => {
  expect(hex).toMatch(/^04[0-9a-f]{128}$/);
  expect(() => mpin.g1FromBytes(fromHex(hex))).not.toThrow();
};

let server: TestServer;
let dta1: string;
let dta2: string;
let appId: string;
let appKey: string;

function startedOn(s: TestServer) {
  server = s;
  dta1 = `${s.privateUrl}/dta1/`;
  dta2 = `${s.publicUrl}/dta2/`;
  appId = s.ctx.credentials.app_id;
  appKey = s.ctx.credentials.app_key;
}

/** A /clientSecret query signed as the RPS signs it; `change` alters it after signing. */
function clientSecretQuery(
  hash: string,
  opts: { expires?: number; hashUserId?: string; change?: Record<string, string | undefined> } = {},
): string {
  const expires = iso(opts.expires ?? Date.now() + 60_000);
  const hash_user_id = opts.hashUserId ?? '';
  const signature = signMessage('clientSecret' + appId + hash + hash_user_id + expires, appKey);
  const q: Record<string, string | undefined> = {
    app_id: appId,
    expires,
    hash_mpin_id: hash,
    hash_user_id,
    mobile: '1',
    signature,
    ...opts.change,
  };
  return new URLSearchParams(Object.entries(q).filter((e): e is [string, string] => e[1] !== undefined)).toString();
}

function serverSecretQuery(opts: { expires?: number; change?: Record<string, string | undefined> } = {}): string {
  const expires = iso(opts.expires ?? Date.now() + 60_000);
  const signature = signMessage('serverSecret' + appId + expires, appKey);
  const q: Record<string, string | undefined> = { app_id: appId, expires, signature, ...opts.change };
  return new URLSearchParams(Object.entries(q).filter((e): e is [string, string] => e[1] !== undefined)).toString();
}

const permitQuery = (hash: string, extra: Record<string, string> = {}) =>
  new URLSearchParams({ hash_mpin_id: hash, signature: signMessage(hash, appKey), ...extra }).toString();

beforeAll(async () => startedOn(await startTestServer()));
afterAll(() => server.stop());

describe('D-TA API', () => {
  it('/status on both D-TAs', async () => {
    for (const base of [dta1, dta2]) {
      const r = await get(base + 'status');
      expect(r.status).toBe(200);
      expect(r.json).toMatchObject({ service_name: 'D-TA server', message: 'OK' });
      expect(r.json.startTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    }
  });

  it('/clientSecret: a valid signed request gets a G1 point', async () => {
    const hash = hashOf('cs@example.com');
    for (const base of [dta1, dta2]) {
      const r = await get(`${base}clientSecret?${clientSecretQuery(hash)}`);
      expect(r.status, r.text).toBe(200);
      expect(r.json.message).toBe('OK');
      isG1(r.json.clientSecret);
    }
    // a non-empty hash_user_id is part of the signed message too
    expect((await get(`${dta1}clientSecret?${clientSecretQuery(hash, { hashUserId: 'abc' })}`)).status).toBe(200);
    // the share is s1·H(id), with s1 the first D-TA's master secret from its file
    const s1 = fromHex(readFileSync(join(server.dataDir, 'dta1.master-secret'), 'utf8').trim());
    const r = await get(`${dta1}clientSecret?${clientSecretQuery(hash)}`);
    expect(r.json.clientSecret).toBe(toHex(mpin.clientSecretShare(s1, fromHex(hash))));
  });

  it('/clientSecret: a bad signature or app_id 401, an expired request 408, missing or malformed arguments 403', async () => {
    const hash = hashOf('cs-bad@example.com');
    for (const base of [dta1, dta2]) {
      const url = (q: string) => `${base}clientSecret?${q}`;
      const r401 = await get(url(clientSecretQuery(hash, { change: { signature: 'ab'.repeat(32) } })));
      expectError(r401, 401, /Invalid signature/);
      expect(r401.headers.get('www-authenticate')).toBe('Authenticate');
      expectError(
        await get(url(clientSecretQuery(hash, { change: { signature: 'nothex' } }))),
        401,
        /Invalid signature/,
      );
      // signed for another hash, user hash or expiry
      expectError(
        await get(url(clientSecretQuery(hash, { change: { hash_mpin_id: hashOf('other@example.com') } }))),
        401,
      );
      expectError(await get(url(clientSecretQuery(hash, { change: { hash_user_id: 'x' } }))), 401);
      expectError(await get(url(clientSecretQuery(hash, { change: { expires: iso(Date.now() + 3_600_000) } }))), 401);
      expectError(await get(url(clientSecretQuery(hash, { change: { app_id: 'f'.repeat(32) } }))), 401);
      // correctly signed but expired
      expectError(await get(url(clientSecretQuery(hash, { expires: Date.now() - 5_000 }))), 408, /expired/);
      // missing arguments, and hash_mpin_id that is not 64 hex digits
      for (const missing of ['app_id', 'expires', 'hash_mpin_id', 'signature'])
        expectError(
          await get(url(clientSecretQuery(hash, { change: { [missing]: undefined } }))),
          403,
          new RegExp(missing),
        );
      expectError(await get(url('')), 403);
      for (const bad of [hash.slice(0, 63), hash + '0', 'zz' + hash.slice(2), '']) {
        const q = new URLSearchParams({
          app_id: appId,
          expires: iso(Date.now() + 60_000),
          hash_mpin_id: bad,
          hash_user_id: '',
          signature: signMessage('clientSecret' + appId + bad + '' + iso(Date.now() + 60_000), appKey),
        });
        expectError(await get(url(q.toString())), 403, /hash_mpin_id/);
      }
      // a signed `expires` that is not a time
      const q = new URLSearchParams({
        app_id: appId,
        expires: 'tomorrow',
        hash_mpin_id: hash,
        hash_user_id: '',
        signature: signMessage('clientSecret' + appId + hash + 'tomorrow', appKey),
      });
      expectError(await get(url(q.toString())), 403, /expires/);
    }
  });

  it('/serverSecret: a G2 point for a valid signed request; 401, 408, 403 otherwise', async () => {
    const shares: string[] = [];
    for (const base of [dta1, dta2]) {
      const url = (q: string) => `${base}serverSecret?${q}`;
      const r = await get(url(serverSecretQuery()));
      expect(r.status, r.text).toBe(200);
      expect(r.json.serverSecret).toMatch(/^[0-9a-f]{256}$/);
      expect(() => mpin.g2FromBytes(fromHex(r.json.serverSecret))).not.toThrow();
      expect(r.json.startTime).toMatch(/Z$/);
      shares.push(r.json.serverSecret);
      expectError(
        await get(url(serverSecretQuery({ change: { signature: 'cd'.repeat(32) } }))),
        401,
        /Invalid signature/,
      );
      expectError(await get(url(serverSecretQuery({ change: { app_id: '0'.repeat(32) } }))), 401);
      expectError(await get(url(serverSecretQuery({ expires: Date.now() - 5_000 }))), 408, /expired/);
      for (const missing of ['app_id', 'expires', 'signature'])
        expectError(await get(url(serverSecretQuery({ change: { [missing]: undefined } }))), 403, new RegExp(missing));
    }
    expect(shares[0]).not.toBe(shares[1]);
  });

  it('/timePermits (first D-TA): count=3 gives today and the next two days', async () => {
    const hash = hashOf('permits@example.com');
    const today = epochDay(new Date());
    const r = await get(`${dta1}timePermits?${permitQuery(hash, { count: '3' })}`);
    expect(r.status, r.text).toBe(200);
    expect(r.json.message).toBe('OK');
    const days = Object.keys(r.json.timePermits)
      .map(Number)
      .sort((a, b) => a - b);
    expect(days).toEqual([today, today + 1, today + 2]);
    for (const p of Object.values<string>(r.json.timePermits)) isG1(p);
    expect(new Set(Object.values(r.json.timePermits)).size).toBe(3);
    // the default is one day; /timePermit agrees with it
    const one = await get(`${dta1}timePermits?${permitQuery(hash)}`);
    expect(Object.keys(one.json.timePermits)).toEqual([String(today)]);
    const single = await get(`${dta1}timePermit?${permitQuery(hash)}`);
    expect(single.json.timePermit).toBe(r.json.timePermits[String(today)]);

    expectError(await get(`${dta1}timePermits?${permitQuery(hash, { count: '0' })}`), 403, /count/);
    expectError(await get(`${dta1}timePermits?${permitQuery(hash, { count: '32' })}`), 403, /count/);
    expectError(await get(`${dta1}timePermits?${permitQuery(hash, { count: 'many' })}`), 403, /count/);
    expectError(
      await get(`${dta1}timePermits?hash_mpin_id=${hash}&signature=${'ab'.repeat(32)}&count=3`),
      401,
      /Invalid signature/,
    );
    expectError(await get(`${dta1}timePermits?hash_mpin_id=${hash}&count=3`), 403, /signature/);
    expectError(
      await get(`${dta1}timePermits?hash_mpin_id=${hash.slice(2)}&signature=${signMessage(hash.slice(2), appKey)}`),
      403,
      /hash_mpin_id/,
    );
    // the cloud D-TA has no /timePermits (Milagro: local only)
    expectError(await get(`${dta2}timePermits?${permitQuery(hash, { count: '3' })}`), 404);
  });

  it("/timePermit (second D-TA): today's permit, as clients fetch it", async () => {
    const hash = hashOf('permit@example.com');
    const r = await get(`${dta2}timePermit?${permitQuery(hash, { app_id: appId, mobile: '1' })}`);
    expect(r.status, r.text).toBe(200);
    expect(r.json.message).toBe('OK');
    expect(r.json.date).toBe(epochDay(new Date()));
    isG1(r.json.timePermit);
    const s2 = fromHex(readFileSync(join(server.dataDir, 'dta2.master-secret'), 'utf8').trim());
    expect(r.json.timePermit).toBe(toHex(mpin.timePermitShare(s2, r.json.date, fromHex(hash))));
    expectError(
      await get(`${dta2}timePermit?hash_mpin_id=${hash}&signature=${signMessage(hashOf('x@example.com'), appKey)}`),
      401,
      /Invalid signature/,
    );
    expectError(await get(`${dta2}timePermit?hash_mpin_id=${hash}`), 403, /signature/);
    expectError(await get(`${dta2}timePermit?signature=${signMessage(hash, appKey)}`), 403, /hash_mpin_id/);
  });

  it('the two D-TAs hold different master secrets: different shares for the same hash', async () => {
    const hash = hashOf('twoshares@example.com');
    const a = await get(`${dta1}clientSecret?${clientSecretQuery(hash)}`);
    const b = await get(`${dta2}clientSecret?${clientSecretQuery(hash)}`);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(a.json.clientSecret).not.toBe(b.json.clientSecret);
    const p1 = await get(`${dta1}timePermit?${permitQuery(hash)}`);
    const p2 = await get(`${dta2}timePermit?${permitQuery(hash)}`);
    expect(p1.json.timePermit).not.toBe(p2.json.timePermit);
    expect(readFileSync(join(server.dataDir, 'dta1.master-secret'), 'utf8')).not.toBe(
      readFileSync(join(server.dataDir, 'dta2.master-secret'), 'utf8'),
    );
  });

  it('the second D-TA answers CORS with *; the first is private: 404 on the public listener, no CORS', async () => {
    const origin = 'https://phone.example.org';
    const s = await get(dta2 + 'status', { origin });
    expect(s.headers.get('access-control-allow-origin')).toBe('*');
    const err = await get(
      `${dta2}clientSecret?${clientSecretQuery(hashOf('c@example.com'), { change: { signature: '00' } })}`,
      { origin },
    );
    expect(err.status).toBe(401);
    expect(err.headers.get('access-control-allow-origin')).toBe('*');
    const pre = await get(dta2 + 'clientSecret', { origin, 'access-control-request-method': 'GET' }, 'OPTIONS');
    expect(pre.status).toBeLessThan(300);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    expect(pre.headers.get('access-control-allow-methods')).toContain('GET');
    expect((await get(dta2 + 'time')).json.Time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect((await get(dta2 + 'apiSettings')).json).toEqual({ timePermitsStorageURL: '', managementConsoleURL: '' });

    expectError(await get(`${server.publicUrl}/dta1/status`), 404);
    expectError(await get(`${server.publicUrl}/dta1/clientSecret?${clientSecretQuery(hashOf('c@example.com'))}`), 404);
    expect((await get(dta1 + 'status', { origin })).headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('D-TA secrets on disk', () => {
  it('master-secret shares and credentials.json are mode 0600 and reused after a restart', async () => {
    const files = ['dta1.master-secret', 'dta2.master-secret', 'credentials.json'].map((f) => join(server.dataDir, f));
    const contents = files.map((f) => readFileSync(f, 'utf8'));
    for (const f of files) expect((statSync(f).mode & 0o777).toString(8)).toBe('600');
    expect(JSON.parse(contents[2]!)).toEqual(server.ctx.credentials);

    const hash = hashOf('restart@example.com');
    const before = await Promise.all([dta1, dta2].map((b) => get(`${b}clientSecret?${clientSecretQuery(hash)}`)));
    const serverBefore = await get(`${dta1}serverSecret?${serverSecretQuery()}`);

    const dataDir = server.dataDir;
    const credentials = server.ctx.credentials;
    await server.stop(true);
    startedOn(await startTestServer({}, dataDir));

    expect(server.ctx.credentials).toEqual(credentials);
    expect(files.map((f) => readFileSync(f, 'utf8'))).toEqual(contents);
    for (const f of files) expect((statSync(f).mode & 0o777).toString(8)).toBe('600');
    const after = await Promise.all([dta1, dta2].map((b) => get(`${b}clientSecret?${clientSecretQuery(hash)}`)));
    expect(after.map((r) => r.status)).toEqual([200, 200]);
    expect(after.map((r) => r.json.clientSecret)).toEqual(before.map((r) => r.json.clientSecret));
    expect((await get(`${dta1}serverSecret?${serverSecretQuery()}`)).json.serverSecret).toBe(
      serverBefore.json.serverSecret,
    );
  }, 20_000);
});
