/**
 * An M-Pin client that speaks Milagro's wire protocol over HTTP the way Milagro's own clients do (the HTML5
 * "M-Pin-In-Mobile" app and mpinjs), with milagro-crypto-js for the crypto (tests/support/milagro-oracle.ts)
 * and nothing from lib/mpin: a test of the server by an implementation that does not share its code.
 * Test support only.
 */
import { createMilagroOracle } from './milagro-oracle.ts';

const oracle = createMilagroOracle();
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytes = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));

export interface HttpResult<T = any> {
  status: number;
  body: T;
  text: string;
}

/** fetch with JSON in and out, and a cookie jar (the PC's session). */
export class HttpClient {
  private cookies = new Map<string, string>();
  constructor(readonly base: string) {}

  async request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<HttpResult<T>> {
    const url = /^https?:/.test(path) ? path : this.base + path;
    const h: Record<string, string> = { ...headers };
    if (body !== undefined) h['content-type'] ??= 'application/json';
    if (this.cookies.size) h.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(url, {
      method,
      headers: h,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      redirect: 'manual',
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, i), pair!.slice(i + 1));
    }
    const text = await res.text();
    let parsed: any = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON: keep the text */
    }
    return { status: res.status, body: parsed, text };
  }
}

export interface MilagroIdentity {
  userId: string;
  mpinIdHex: string;
  token: Uint8Array;
}

export class MilagroClient extends HttpClient {
  settings: any;

  async init(): Promise<void> {
    const r = await this.request('GET', '/rps/clientSettings');
    if (r.status !== 200) throw new Error(`clientSettings: ${r.status}`);
    this.settings = r.body;
  }

  private url(relative: string): string {
    return new URL(relative, this.base + '/').toString();
  }

  register(userId: string, deviceName = 'milagroTest', mobile = 1) {
    return this.request('PUT', this.settings.registerURL, { userId, mobile, deviceName });
  }

  resend(userId: string, mpinIdHex: string, regOTT: string, mobile = 1) {
    return this.request('PUT', `${this.settings.registerURL}/${mpinIdHex}`, { userId, mobile, regOTT });
  }

  signature(mpinIdHex: string, regOTT: string) {
    return this.request('GET', `${this.settings.signatureURL}/${mpinIdHex}?regOTT=${regOTT}`);
  }

  /** After activation: both client-secret shares, the PIN taken out, setupDone. */
  async setup(userId: string, mpinIdHex: string, regOTT: string, pin: number): Promise<MilagroIdentity> {
    const sig = await this.signature(mpinIdHex, regOTT);
    if (sig.status !== 200) throw new Error(`signature: ${sig.status} ${sig.text}`);
    const cloud = await this.request('GET', this.url(this.settings.certivoxURL + 'clientSecret?' + sig.body.params));
    if (cloud.status !== 200) throw new Error(`cloud clientSecret: ${cloud.status} ${cloud.text}`);
    const cs = oracle.recombineG1(bytes(sig.body.clientSecretShare), bytes(cloud.body.clientSecret));
    const token = oracle.extractPin(bytes(mpinIdHex), pin, cs);
    const done = await this.request('POST', `${this.settings.setupDoneURL}/${mpinIdHex}`, {});
    if (done.status !== 200) throw new Error(`setupDone: ${done.status}`);
    return { userId, mpinIdHex, token };
  }

  /** The two shares of today's time permit, combined; or the failed response. */
  async timePermit(id: MilagroIdentity): Promise<{ date: number; timePermit: Uint8Array } | HttpResult> {
    const local = await this.request('GET', `${this.settings.timePermitsURL}/${id.mpinIdHex}`);
    if (local.status !== 200) return local;
    const q = new URLSearchParams({
      app_id: this.settings.appID,
      mobile: '1',
      hash_mpin_id: local.body.storageId,
      signature: local.body.signature,
    });
    const cloud = await this.request('GET', this.url(`${this.settings.certivoxURL}timePermit?${q.toString()}`));
    if (cloud.status !== 200) return cloud;
    return {
      date: local.body.date,
      timePermit: oracle.recombineG1(bytes(local.body.timePermit), bytes(cloud.body.timePermit)),
    };
  }

  /**
   * Pass 1 and pass 2 with the given PIN; `wid` "0" in the browser, the access number on a phone. Returns the
   * authOTT. `held` is a time permit fetched earlier (as a client caches it); without it, today's is fetched.
   */
  async passes(
    id: MilagroIdentity,
    pin: number,
    wid = '0',
    held?: { date: number; timePermit: Uint8Array },
  ): Promise<string> {
    const permit = held ?? (await this.timePermit(id));
    if ('status' in permit) throw new Error(`timePermit: ${permit.status} ${permit.text}`);
    const c1 = oracle.client1({
      mpinId: bytes(id.mpinIdHex),
      pin,
      token: id.token,
      date: permit.date,
      timePermit: permit.timePermit,
    });
    const base = this.settings.mpinAuthServerURL;
    const p1 = await this.request('POST', `${base}/pass1`, {
      mpin_id: id.mpinIdHex,
      U: hex(c1.u),
      UT: hex(c1.ut!),
      pass: 1,
    });
    if (p1.status !== 200) throw new Error(`pass1: ${p1.status} ${p1.text}`);
    const v = oracle.client2(c1.x, bytes(p1.body.y), c1.sec);
    const p2 = await this.request('POST', `${base}/pass2`, {
      mpin_id: id.mpinIdHex,
      V: hex(v),
      WID: wid,
      OTP: false,
      pass: 2,
    });
    if (p2.status !== 200) throw new Error(`pass2: ${p2.status} ${p2.text}`);
    return p2.body.authOTT;
  }

  /** The phone's last step of an access-number sign-in. */
  mobileAuthenticate(authOTT: string) {
    return this.request('POST', this.settings.mobileAuthenticateURL, {
      mpinResponse: { version: '0.3', authOTT, pass: 2 },
    });
  }

  /** The browser's last step: the relying party's authenticateURL. */
  browserAuthenticate(authOTT: string) {
    return this.request('POST', this.settings.authenticateURL, { mpinResponse: { version: '0.3', authOTT, pass: 2 } });
  }
}
