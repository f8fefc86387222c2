// The RPS client: Milagro's wire protocol as the M-Pin-In-Mobile app speaks it (docs/protocol.md §6.2–§6.6).
// Every response is parsed with a zod schema (lib/rps/schemas.ts); every failure is an RpsError of one kind:
// network/timeout (nothing reached the service or no answer came), http (a status, with Milagro's message),
// malformed (an answer that is not M-Pin), or origin (a URL that leaves the service's origin where it must not).
// Errors never carry URLs, bodies or tokens (R10): only a label of the step, the status and the server's message.
// Where requests go (lib/rps/url-policy.ts): only to an https service (http only on this computer), and there only
// to the service's own origin; the one exception is the second D-TA (certivoxURL), which must be https (or on this
// computer, under a service on this computer). clientSettings are checked when a service is added, and every request
// is checked again, so settings stored by an older version cannot send anything elsewhere either.
// The demo site's own pages (server/web) use this client too, as a PIN pad in a browser (`mobile: 0`) and as the PC
// of an access-number sign-in, with `ownPage` (see RpsOptions).
import type { z } from 'zod';
import { randomBytes, toHex } from '../mpin/index';
import {
  AccessNumberCheckResponse,
  AccessNumberResponse,
  AccessStatusResponse,
  ClientSettings,
  CloudClientSecret,
  CloudTimePermit,
  CodeStatusResponse,
  ErrorBody,
  MobileAuthResponse,
  Pass1Response,
  type PcContext,
  Pass2Response,
  RegisterResponse,
  SignatureResponse,
  SignInResponse,
  TimePermitResponse,
} from './schemas';
import { isAllowedSecondDta, isAllowedServiceOrigin } from './url-policy';

export type RpsErrorKind = 'network' | 'timeout' | 'http' | 'malformed' | 'origin';

export class RpsError extends Error {
  constructor(
    readonly kind: RpsErrorKind,
    /** What was being done, e.g. "register" (never a URL). */
    readonly step: string,
    /** The HTTP status, for kind "http". */
    readonly status?: number,
    /** The service's own message (Milagro's `{"message": …}`), for kind "http". */
    readonly serverMessage?: string,
  ) {
    super(`${step}: ${kind}${status ? ` ${status}` : ''}${serverMessage ? ` (${serverMessage})` : ''}`);
    this.name = 'RpsError';
  }
}

export interface RpsOptions {
  fetch?: typeof fetch;
  /** Per request; the phone's /rps/authenticate waits up to 10 s for the PC, so the default is 20 s. */
  timeoutMs?: number;
  /** What the client registers as: 1 (the default), M-Pin-In-Mobile, as the extension does; 0, a PIN pad in a browser. */
  mobile?: 0 | 1;
  /**
   * The client runs in a page that the service itself served (the demo site's browser code), never in the
   * extension: the page's own origin counts as the service's whatever its scheme (the page came from there, so no one
   * new learns anything), and requests to it carry the page's cookies, so that the relying party's sign-in
   * (`signInHere`) can set its session.
   */
  ownPage?: boolean;
}

interface Reply {
  status: number;
  text: string;
}

/** How requests are sent: fetch, the timeout, and whether the page's cookies go with them. */
interface Transport {
  f: typeof fetch;
  timeoutMs: number;
  ownPage: boolean;
}

function transportOf(opts: RpsOptions): Transport {
  return {
    f: opts.fetch ?? globalThis.fetch.bind(globalThis),
    timeoutMs: opts.timeoutMs ?? 20_000,
    ownPage: opts.ownPage ?? false,
  };
}

/** Resolves a clientSettings URL against the service origin; http(s) only. */
export function resolveUrl(origin: string, relative: string, step: string): URL {
  let u: URL;
  try {
    u = new URL(relative, origin + '/');
  } catch {
    throw new RpsError('malformed', step);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new RpsError('malformed', step);
  return u;
}

async function send(t: Transport, step: string, url: URL, method: string, body?: unknown): Promise<Reply> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), t.timeoutMs);
  try {
    const res = await t.f(url.toString(), {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: t.ownPage ? 'same-origin' : 'omit',
      redirect: 'error',
      cache: 'no-store',
      signal: controller.signal,
    });
    return { status: res.status, text: await res.text() };
  } catch {
    throw new RpsError(controller.signal.aborted ? 'timeout' : 'network', step);
  } finally {
    clearTimeout(timer);
  }
}

function parseJson<S extends z.ZodType>(schema: S, reply: Reply, step: string): z.infer<S> {
  let data: unknown;
  try {
    data = JSON.parse(reply.text);
  } catch {
    throw new RpsError('malformed', step);
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw new RpsError('malformed', step);
  return parsed.data;
}

function httpError(reply: Reply, step: string): RpsError {
  let message: string | undefined;
  try {
    const parsed = ErrorBody.safeParse(JSON.parse(reply.text));
    if (parsed.success) message = parsed.data.message;
  } catch {
    /* an empty or non-JSON error body */
  }
  return new RpsError('http', step, reply.status, message);
}

/** Whether `origin` may be talked to: a service origin, or (ownPage) the http(s) origin the page came from. */
function isServiceOrigin(origin: string, ownPage: boolean): boolean {
  if (!ownPage) return isAllowedServiceOrigin(origin);
  try {
    const url = new URL(origin);
    return url.origin === origin && (url.protocol === 'https:' || url.protocol === 'http:');
  } catch {
    return false;
  }
}

/** `relative` resolved against the service origin, if that is a service origin and the URL stays on it. */
function ownUrl(origin: string, relative: string, step: string, ownPage = false): URL {
  if (!isServiceOrigin(origin, ownPage)) throw new RpsError('origin', step);
  const u = resolveUrl(origin, relative, step);
  if (u.origin !== origin) throw new RpsError('origin', step);
  return u;
}

/**
 * The second D-TA's URL for `suffix` ("clientSecret?…", "timePermit?…"): certivoxURL must be allowed as a second D-TA,
 * and the suffix must not change its origin ("https://dta.example" + "clientSecret?" would name another host).
 */
function secondDtaUrl(origin: string, certivoxURL: string, suffix: string, step: string, ownPage = false): URL {
  if (!isServiceOrigin(origin, ownPage)) throw new RpsError('origin', step);
  const base = resolveUrl(origin, certivoxURL, step);
  const u = resolveUrl(origin, certivoxURL + suffix, step);
  const allowed = isAllowedSecondDta(origin, base) || (ownPage && base.origin === origin);
  if (!allowed || u.origin !== base.origin) throw new RpsError('origin', step);
  return u;
}

/** The clientSettings keys that name URLs on the service's own origin: every URL key but certivoxURL. */
const OWN_URL_KEYS = [
  'registerURL',
  'signatureURL',
  'timePermitsURL',
  'timePermitsStorageURL',
  'setupDoneURL',
  'mpinAuthServerURL',
  'mobileAuthenticateURL',
  'authenticateURL',
] as const;

/**
 * Throws RpsError "origin" unless every URL in the settings stays on the service origin, and the second D-TA is
 * allowed (see the header). An empty or missing optional URL means "none".
 */
export function checkClientSettings(origin: string, settings: ClientSettings, ownPage = false): void {
  const step = 'clientSettings';
  try {
    for (const key of OWN_URL_KEYS) {
      const value = settings[key];
      if (value) ownUrl(origin, value, step, ownPage);
    }
    secondDtaUrl(origin, settings.certivoxURL, '', step, ownPage);
  } catch {
    throw new RpsError('origin', step);
  }
}

/** The host of the service's second D-TA (what the popup shows), or undefined when it is not allowed. */
export function secondDtaHost(origin: string, settings: ClientSettings): string | undefined {
  try {
    return secondDtaUrl(origin, settings.certivoxURL, '', 'clientSettings').host;
  } catch {
    return undefined;
  }
}

/** GET <origin>/rps/clientSettings (docs/protocol.md §6.1); settings that send data elsewhere are refused. */
export async function fetchClientSettings(origin: string, opts: RpsOptions = {}): Promise<ClientSettings> {
  const t = transportOf(opts);
  const step = 'clientSettings';
  const reply = await send(t, step, ownUrl(origin, '/rps/clientSettings', step, t.ownPage), 'GET');
  if (reply.status !== 200) throw httpError(reply, step);
  const settings = parseJson(ClientSettings, reply, step);
  checkClientSettings(origin, settings, t.ownPage);
  return settings;
}

/** The state of the PC's access number (accessStatus). */
export interface AccessState {
  status: string;
  userId: string;
  authOTT: string;
}

/** A long-poll of accessStatus: answer once the state is no longer `status`, or after `seconds` (1–25). */
export interface AccessWait {
  seconds: number;
  status: string;
}

/** What the check at "Next" learns (checkAccessNumber); the optional parts only from this project's server. */
export interface AccessNumberCheck {
  appName: string;
  /** The computer that asked for the number; `askedMsAgo`: how long before the answer it asked. */
  pc?: PcContext & { askedMsAgo?: number };
  /** How long the number had left at the answer (without the server's grace seconds). */
  msLeft?: number;
}

/**
 * A fresh device key for a registration (64 hex digits, 32 random bytes): kept with the identity and sent at
 * registration, it is what lets the identity put its name on a PC (claimAccessNumber). It proves the device, not
 * the PIN, so it is not a secret that could check a PIN.
 */
export function newDeviceKey(): string {
  return toHex(randomBytes(32));
}

export class RpsClient {
  private readonly t: Transport;
  private readonly mobile: 0 | 1;

  constructor(
    readonly origin: string,
    readonly settings: ClientSettings,
    opts: RpsOptions = {},
  ) {
    this.t = transportOf(opts);
    this.mobile = opts.mobile ?? 1;
  }

  /** `relative` on the service's own origin (see ownUrl). */
  private own(relative: string, step: string): URL {
    return ownUrl(this.origin, relative, step, this.t.ownPage);
  }

  /** A request to `relative` on the service's own origin, its 200 answer parsed with `schema`. */
  private async call<S extends z.ZodType>(
    step: string,
    method: string,
    relative: string,
    schema: S,
    body?: unknown,
  ): Promise<z.infer<S>> {
    return await this.request(step, method, this.own(relative, step), schema, body);
  }

  /** A GET to the second D-TA, its 200 answer parsed with `schema`. */
  private async callSecondDta<S extends z.ZodType>(step: string, suffix: string, schema: S): Promise<z.infer<S>> {
    const url = secondDtaUrl(this.origin, this.settings.certivoxURL, suffix, step, this.t.ownPage);
    return await this.request(step, 'GET', url, schema);
  }

  private async request<S extends z.ZodType>(
    step: string,
    method: string,
    url: URL,
    schema: S,
    body?: unknown,
    t: Transport = this.t,
  ): Promise<z.infer<S>> {
    const reply = await send(t, step, url, method, body);
    if (reply.status !== 200) throw httpError(reply, step);
    return parseJson(schema, reply, step);
  }

  /**
   * PUT registerURL `{userId, mobile, deviceName?, deviceKey?}`. `deviceKey` (newDeviceKey(), kept with the identity)
   * lets this identity later put its name on the PC it signs in (claimAccessNumber); Milagro's RPS ignores it.
   */
  register(userId: string, deviceName?: string, deviceKey?: string) {
    const body = {
      userId,
      mobile: this.mobile,
      ...(deviceName ? { deviceName } : {}),
      ...(deviceKey ? { deviceKey } : {}),
    };
    return this.call('register', 'PUT', this.settings.registerURL, RegisterResponse, body);
  }

  /**
   * PUT registerURL/<mpinId> `{userId, mobile, regOTT, deviceName?, deviceKey?}`: resend the e-mail (may issue a new
   * mpinId, when the registration had expired: then it is registered afresh, under `deviceName` and `deviceKey`).
   */
  resend(mpinIdHex: string, userId: string, regOTT: string, deviceName?: string, deviceKey?: string) {
    return this.call('resend', 'PUT', `${this.settings.registerURL}/${mpinIdHex}`, RegisterResponse, {
      userId,
      mobile: this.mobile,
      regOTT,
      ...(deviceName ? { deviceName } : {}),
      ...(deviceKey ? { deviceKey } : {}),
    });
  }

  /** GET signatureURL/<mpinId>?regOTT=: 401 not active yet, 400 unknown/expired. */
  signature(mpinIdHex: string, regOTT: string) {
    return this.call(
      'signature',
      'GET',
      `${this.settings.signatureURL}/${mpinIdHex}?regOTT=${encodeURIComponent(regOTT)}`,
      SignatureResponse,
    );
  }

  /** GET certivoxURL + "clientSecret?" + params: the cloud D-TA's share. */
  async cloudClientSecret(params: string): Promise<string> {
    return (await this.callSecondDta('cloudClientSecret', 'clientSecret?' + params, CloudClientSecret)).clientSecret;
  }

  /** POST setupDoneURL/<mpinId> `{}` (the mobile app's last step of PIN setup). */
  async setupDone(mpinIdHex: string): Promise<void> {
    if (!this.settings.setupDoneURL) return;
    const step = 'setupDone';
    const url = this.own(`${this.settings.setupDoneURL}/${mpinIdHex}`, step);
    const reply = await send(this.t, step, url, 'POST', {});
    if (reply.status !== 200) throw httpError(reply, step);
  }

  /** GET timePermitsURL/<mpinId>: the local share; 401/403/410 mean revoked. */
  timePermit(mpinIdHex: string) {
    return this.call('timePermit', 'GET', `${this.settings.timePermitsURL}/${mpinIdHex}`, TimePermitResponse);
  }

  /** The cloud share of today's time permit: the permit store first when there is one, then the cloud D-TA. */
  async cloudTimePermit(local: TimePermitResponse): Promise<string> {
    const storage = this.settings.timePermitsStorageURL;
    if (storage) {
      try {
        const step = 'timePermitStorage';
        const u = this.own(
          `${storage.replace(/\/$/, '')}/${this.settings.appID}/${local.date}/${local.storageId}`,
          step,
        );
        const reply = await send(this.t, step, u, 'GET');
        const text = reply.text.trim();
        if (reply.status === 200 && /^[0-9a-fA-F]{2,4096}$/.test(text)) return text;
      } catch {
        /* fall back to the cloud D-TA */
      }
    }
    const q = new URLSearchParams({
      app_id: this.settings.appID,
      mobile: String(this.mobile),
      hash_mpin_id: local.storageId,
      signature: local.signature,
    });
    return (await this.callSecondDta('cloudTimePermit', 'timePermit?' + q.toString(), CloudTimePermit)).timePermit;
  }

  pass1(mpinIdHex: string, u: string, ut: string) {
    return this.call('pass1', 'POST', `${this.settings.mpinAuthServerURL}/pass1`, Pass1Response, {
      mpin_id: mpinIdHex,
      U: u,
      UT: ut,
      pass: 1,
    });
  }

  /** Pass 2: `WID` is the access number (remote) or "0" (this browser). Always 200, even for a wrong PIN. */
  pass2(mpinIdHex: string, v: string, wid: string) {
    return this.call('pass2', 'POST', `${this.settings.mpinAuthServerURL}/pass2`, Pass2Response, {
      mpin_id: mpinIdHex,
      V: v,
      WID: wid,
      OTP: false,
      pass: 2,
    });
  }

  /** POST mobileAuthenticateURL: 200 with sign-out data; 401 wrong PIN, 410 blocked, 412 access number, 408 timeout. */
  mobileAuthenticate(authOTT: string) {
    return this.call('authenticate', 'POST', this.settings.mobileAuthenticateURL, MobileAuthResponse, {
      mpinResponse: { version: '0.3', authOTT, pass: 2 },
    });
  }

  /** The absolute authenticateURL for a sign-in on this browser; it must be on the service origin. */
  authenticateUrl(): string {
    return this.own(this.settings.authenticateURL || '/mpinAuthenticate', 'authenticateURL').toString();
  }

  /**
   * From a page of the service (ownPage): POST authenticateURL `{mpinResponse: {authOTT}}`, and the relying party
   * signs this browser in (its session cookie comes with the answer). 200 with the user; 401 wrong PIN, 403 refused,
   * 408 expired, 410 blocked.
   */
  async signInHere(authOTT: string): Promise<string> {
    const body = { mpinResponse: { version: '0.3', authOTT, pass: 2 } };
    return (await this.call('signIn', 'POST', this.authenticateUrl(), SignInResponse, body)).userId;
  }

  /** POST getAccessNumberURL: a fresh access number for this PC to show, and the webOTT to poll it with. */
  getAccessNumber(): Promise<AccessNumberResponse> {
    const url = this.settings.getAccessNumberURL || '/rps/getAccessNumber';
    return this.call('getAccessNumber', 'POST', url, AccessNumberResponse);
  }

  /**
   * POST accessNumberURL `{webOTT}`: the state of this PC's access number. "user" comes with the identity signing in
   * (proven, see claimAccessNumber), "authenticate" with the authOTT that signs the PC in; "refused" when the phone
   * said "This wasn't me"; "expired" when the number is unknown or gone. v1 answers (/rps/accessnumber: 401 while
   * pending, 404 unknown or refused, `{authOTT}` when done) are read as the same states.
   *
   * With `wait`, a long-poll: `{webOTT, wait, status}`, and this project's server holds the request until the state
   * differs from `wait.status` or `wait.seconds` (1–25) pass. Other servers (Milagro's) ignore the fields and
   * answer at once: a caller that gets the same state back quickly must pace its next request itself.
   */
  async accessStatus(webOTT: string, wait?: AccessWait): Promise<AccessState> {
    const step = 'accessStatus';
    const url = this.own(this.settings.accessNumberURL || '/rps/access', step);
    const body = wait ? { webOTT, wait: wait.seconds, status: wait.status } : { webOTT };
    // a held request outlives the usual timeout: give it the wait and the usual margin on top
    const t = wait ? { ...this.t, timeoutMs: this.t.timeoutMs + wait.seconds * 1000 } : this.t;
    try {
      const a = await this.request(step, 'POST', url, AccessStatusResponse, body, t);
      return { ...a, status: a.status ?? (a.authOTT ? 'authenticate' : 'new') };
    } catch (e) {
      if (!(e instanceof RpsError) || e.kind !== 'http') throw e;
      if (e.status === 401) return { status: 'new', userId: '', authOTT: '' };
      if (e.status === 404 || e.status === 410) return { status: 'expired', userId: '', authOTT: '' };
      throw e;
    }
  }

  /** POST <mpinAuthServerURL>/codeStatus with `body`, its 200 answer parsed with `schema`. */
  private codeStatus<S extends z.ZodType>(step: string, schema: S, body: Record<string, string>) {
    return this.call(step, 'POST', `${this.settings.mpinAuthServerURL}/codeStatus`, schema, body);
  }

  /**
   * The check at "Next" (POST /rps/codeStatus `{status: "wid", wid}`): resolves when the access number is live, with
   * what the service says about the computer that asked for it; http 400 when the number is unknown, used, refused
   * or expired. Durations are by the server's clock, measured at its answer.
   */
  async checkAccessNumber(wid: string): Promise<AccessNumberCheck> {
    const r = await this.codeStatus('checkAccessNumber', AccessNumberCheckResponse, { status: 'wid', wid });
    const check: AccessNumberCheck = { appName: r.AppName };
    if (r.pc) check.pc = { ...r.pc };
    if (r.serverTime !== undefined) {
      if (check.pc) check.pc.askedMsAgo = Math.max(0, r.serverTime - check.pc.requestedAt);
      if (r.expiresAt !== undefined) check.msLeft = Math.max(0, r.expiresAt - r.serverTime);
    }
    return check;
  }

  /**
   * "Authenticating user …" on the PC (POST /rps/codeStatus `{status: "user", wid, userId, mpinId, deviceKey}`):
   * after a successful check, the identity shows itself on the PC. The server believes it only when `deviceKey` is
   * the one registered with `mpinIdHex` and the identity is registered, not revoked, and `userId`'s; it answers the
   * same either way (http 400 only for a dead number), so nothing tells whether the name was shown.
   */
  async claimAccessNumber(wid: string, userId: string, mpinIdHex: string, deviceKey: string): Promise<void> {
    const body = { status: 'user', wid, userId, mpinId: mpinIdHex, deviceKey };
    await this.codeStatus('claimAccessNumber', CodeStatusResponse, body);
  }

  /**
   * "This wasn't me" (POST /rps/codeStatus `{status: "refused", wid}`): the number dies at once, and the PC is told
   * the sign-in was refused on the phone. http 400 when the number was already dead.
   */
  async refuseAccessNumber(wid: string): Promise<void> {
    await this.codeStatus('refuseAccessNumber', CodeStatusResponse, { status: 'refused', wid });
  }

  /**
   * Signs the other browser out: POST logoutData as JSON to logoutURL resolved against the service origin
   * (R8: another origin is refused). Only an empty 200 is success (docs/protocol.md §6.6).
   */
  async logout(logoutURL: string, logoutData: unknown): Promise<void> {
    const step = 'logout';
    const u = this.own(logoutURL, step);
    const reply = await send(this.t, step, u, 'POST', logoutData ?? {});
    if (reply.status !== 200) throw httpError(reply, step);
    if (reply.text.trim() !== '') throw new RpsError('malformed', step);
  }
}
