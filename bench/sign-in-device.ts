/**
 * The load generator's simulated device for bench/server.bench.ts: enrols one identity over HTTP, then signs in
 * with it as the browser PIN pad does (time permit from the RPS and the second D-TA, pass 1, pass 2, the relying
 * party's /mpinAuthenticate).
 *
 * Its crypto is cut to what depends on the server's challenge y: everything else is prepared before a level's
 * timed window, so that the load generator takes as little as possible of the cores it shares with the server.
 * - Per identity, once: H(ID), and fixed-base tables for H(ID) and, per day, for H(ID) + H_T(date, ID).
 * - Per day and time permit: SEC = token + PIN·H(ID) + TP and its fixed-base table. The permit is still fetched
 *   and recombined at every sign-in, and a permit that differs from the prepared one is prepared again.
 * - A pool of pass-1 values, each with its own fresh random x: U = x·H(ID) and UT = x·(H(ID) + H_T). Each x is
 *   used for one sign-in only and dropped; an empty pool computes the next one on the spot (counted in the
 *   load generator's CPU like the rest).
 * What remains per sign-in is V = −(x + y)·SEC, one fixed-base multiplication. The server receives the same
 * requests with the same values as from lib/mpin's client1/client2, which `Device.selfCheck` asserts.
 */
import http from 'node:http';
import https from 'node:https';
import { fromHex, mpin, toHex } from '../lib/mpin/index.ts';
import { pinMul } from '../lib/mpin/pin.ts';
import { randomBelow } from '../lib/mpin/random.ts';

type G1Point = ReturnType<typeof mpin.g1FromBytes>;

/** Window of the fixed-base tables: about 0.3 ms per multiplication after a table of ~20 ms. */
const TABLE_WINDOW = 6;

/**
 * Connections kept open between requests, as a browser does (and fetch did): node:http rather than fetch, whose
 * web streams cost the load generator about three times the CPU per request.
 */
const agents = {
  'http:': { request: http.request, agent: new http.Agent({ keepAlive: true, maxSockets: Infinity }) },
  'https:': { request: https.request, agent: new https.Agent({ keepAlive: true, maxSockets: Infinity }) },
};

/** What Node's fetch adds to every request: sent too, so that the server parses the same requests as before. */
const FETCH_HEADERS = {
  accept: '*/*',
  'accept-language': '*',
  'sec-fetch-mode': 'cors',
  'user-agent': 'node',
  'accept-encoding': 'gzip, deflate',
};

/** A client's HTTP exchange with one site: JSON in and out, one cookie kept, any non-2xx status thrown. */
export class Session {
  cookie = '';
  constructor(readonly base: string) {}
  json(method: string, path: string, body?: unknown): Promise<any> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string | number> = { ...FETCH_HEADERS };
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(payload);
    }
    if (this.cookie) headers.cookie = this.cookie;
    const url = new URL(path, this.base + '/');
    const { request, agent } = agents[url.protocol as keyof typeof agents] ?? agents['http:'];
    return new Promise((resolve, reject) => {
      const req = request(url, { method, headers, agent }, (res) => {
        const set = res.headers['set-cookie']?.[0];
        if (set) this.cookie = set.split(';')[0]!;
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('error', reject);
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status < 200 || status > 299) reject(new Error(`${method} ${path}: ${status} ${text.slice(0, 120)}`));
          else resolve(text ? JSON.parse(text) : null);
        });
      });
      req.on('error', reject);
      req.end(payload);
    });
  }
}

/** What clientSettings tells the device (the fields it uses). */
export interface Settings {
  appID: string;
  certivoxURL: string;
  authenticateURL: string;
}

interface Pass1Values {
  date: number;
  x: bigint;
  u: string;
  ut: string;
}

/** A point with its fixed-base table built, so that multiplying it costs a fraction of a plain multiplication. */
function withTable(point: G1Point): G1Point {
  point.precompute(TABLE_WINDOW, false);
  return point;
}

const hex = (point: G1Point) => toHex(mpin.g1ToBytes(point));

export class Device {
  private readonly hid: G1Point;
  private readonly pool: Pass1Values[] = [];
  /** Per day: the table of H(ID) + H_T(date, ID). */
  private htid?: { date: number; point: G1Point };
  /** Per day and time permit: SEC's table. */
  private sec?: { date: number; permit: string; point: G1Point };
  /** The last time permit and its day, for prepare() and selfCheck(). */
  private last?: { date: number; permit: Uint8Array };
  /** Sign-ins that found the pool empty. */
  poolMisses = 0;

  private constructor(
    readonly mpinIdHex: string,
    private readonly mpinId: Uint8Array,
    private readonly token: Uint8Array,
    private readonly pin: number,
  ) {
    this.hid = withTable(mpin.hashIdToG1(mpin.hashId(mpinId)));
  }

  /** Registers `bench<n>@example.com` (activation off) and sets a PIN on the recombined client secret. */
  static async enrol(base: string, settings: Settings, n: number): Promise<Device> {
    const s = new Session(base);
    const reg = await s.json('PUT', '/rps/user', { userId: `bench${n}@example.com`, mobile: 1, deviceName: 'bench' });
    const sig = await s.json('GET', `/rps/signature/${reg.mpinId}?regOTT=${reg.regOTT}`);
    const cloud = await s.json('GET', settings.certivoxURL + 'clientSecret?' + sig.params);
    const cs = mpin.recombineG1(fromHex(sig.clientSecretShare), fromHex(cloud.clientSecret));
    const mpinId = fromHex(reg.mpinId);
    const pin = 1000 + n;
    return new Device(reg.mpinId, mpinId, mpin.extractPin(mpinId, pin, cs), pin);
  }

  private htidFor(date: number): G1Point {
    if (this.htid?.date !== date) {
      const t = mpin.timePermitPoint(date, mpin.hashId(this.mpinId));
      this.htid = { date, point: withTable(this.hid.add(t)) };
    }
    return this.htid.point;
  }

  private secFor(date: number, permit: Uint8Array): G1Point {
    const permitHex = toHex(permit);
    if (this.sec?.date !== date || this.sec.permit !== permitHex) {
      const sec = mpin.g1FromBytes(this.token).add(pinMul(this.hid, this.pin)).add(mpin.g1FromBytes(permit));
      this.sec = { date, permit: permitHex, point: withTable(sec) };
    }
    return this.sec.point;
  }

  private pass1Values(date: number): Pass1Values {
    const x = randomBelow(mpin.curve.r);
    return { date, x, u: hex(this.hid.multiply(x)), ut: hex(this.htidFor(date).multiply(x)) };
  }

  /** Fills the pool with `count` fresh pass-1 values for the day of the last sign-in (drops any older ones). */
  prepare(count: number): void {
    this.pool.length = 0;
    if (!this.last) throw new Error('prepare() needs a sign-in first: it learns the day from the time permit');
    for (let i = 0; i < count; i++) this.pool.push(this.pass1Values(this.last.date));
  }

  /** Throws unless the prepared path gives lib/mpin client1/client2's bytes for the same x, y and time permit. */
  selfCheck(): void {
    if (!this.last) throw new Error('selfCheck() needs a sign-in first');
    const { date, permit } = this.last;
    const mine = this.pass1Values(date);
    const x = mpin.scalarToBytes(mine.x);
    const y = mpin.randomMasterSecret();
    const c1 = mpin.client1({ mpinId: this.mpinId, pin: this.pin, token: this.token, date, timePermit: permit, x });
    const v = mpin.client2(x, y, c1.sec);
    if (toHex(c1.u) !== mine.u || toHex(c1.ut!) !== mine.ut || toHex(v) !== this.pass2(mine.x, y, date, permit))
      throw new Error('the prepared sign-in differs from lib/mpin client1/client2');
  }

  /** V = −((x + y) mod r)·SEC, as client2. */
  private pass2(x: bigint, y: Uint8Array, date: number, permit: Uint8Array): string {
    const k = (x + mpin.scalarFromBytes(y, 'y', { allowZero: true })) % mpin.curve.r;
    return hex(this.secFor(date, permit).multiply(k).negate());
  }

  /** One complete browser sign-in; throws unless the relying party signed the session in. */
  async signIn(base: string, settings: Settings): Promise<void> {
    const s = new Session(base);
    const local = await s.json('GET', `/rps/timePermit/${this.mpinIdHex}`);
    const q = new URLSearchParams({
      app_id: settings.appID,
      mobile: '1',
      hash_mpin_id: local.storageId,
      signature: local.signature,
    });
    const cloud = await s.json('GET', `${settings.certivoxURL}timePermit?${q.toString()}`);
    const permit = mpin.recombineG1(fromHex(local.timePermit), fromHex(cloud.timePermit));
    const date: number = local.date;
    this.last = { date, permit };
    let p1 = this.pool.pop();
    if (p1?.date !== date) {
      this.poolMisses++;
      p1 = this.pass1Values(date);
    }
    const r1 = await s.json('POST', '/rps/pass1', { mpin_id: this.mpinIdHex, U: p1.u, UT: p1.ut, pass: 1 });
    const v = this.pass2(p1.x, fromHex(r1.y), date, permit);
    const r2 = await s.json('POST', '/rps/pass2', { mpin_id: this.mpinIdHex, V: v, WID: '0', OTP: false, pass: 2 });
    await s.json('POST', settings.authenticateURL, { mpinResponse: { authOTT: r2.authOTT, version: '0.3', pass: 2 } });
  }
}
