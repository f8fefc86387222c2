/**
 * The RPS (Relying Party Service) of Milagro MFA: registration, time permits, the two authentication
 * passes, access numbers and the attempt counter (rps.py, docs/protocol.md §4 and §6). Transport-free:
 * public-routes.ts and private-routes.ts put it on HTTP. All state lives in Storage, so a restart
 * loses nothing but in-flight waits.
 *
 * Two rules beyond Milagro's: an access number is spent only by a sign-in that succeeded with it (a pass 2 naming
 * it leaves it alone, so nobody can take over someone else's number; the PC-side steps that may otherwise change
 * it, a proven "user" and a refusal, are in access-numbers.ts); and revocation is asked at every step that leads to
 * a sign-in (time permit, pass 2, the phone's /rps/authenticate), not only when a permit is issued.
 */
import { z } from 'zod';
import { buildMpinId, epochDay, fromHex, mpin, parseMpinId, toHex, type MpinId } from '../../lib/mpin/index.ts';
import type { ServerContext } from '../context.ts';
import type { DtaClient } from '../dta/dta-client.ts';
import type { Kind } from '../storage/types.ts';
import { waitUntil } from '../storage/wait.ts';
import { HttpError } from '../util/errors.ts';
import { FetchJsonError, fetchJson } from '../util/fetch-json.ts';
import { safeEqual, signMessage } from '../util/hmac.ts';
import { randomHex } from '../util/random.ts';
import { isoSeconds, pythonIso } from '../util/time.ts';
import { randomInt } from '../../lib/mpin/random.ts';
import { createPass2Verifier, type Pass2Verifier } from '../verify/pass2-verifier.ts';
import { createAccessNumbers } from './access-numbers.ts';
import { createDeviceKeys } from './device-keys.ts';

export interface RpsDeps {
  dta1: () => DtaClient;
  dta2: () => DtaClient;
  /** clientSettings.certivoxURL: where clients find the second D-TA. */
  certivoxURL: string;
  /** The relying party's hooks (Milagro RPAVerifyUserURL, RPAPermitUserURL). */
  verifyUserURL: () => string;
  permitUserURL: () => string;
}

/** Milagro's lifetimes: a pass-1 record 15 s, an authentication token 60 s, the phone's wait for the PC 10 s. */
export const PASS1_LIFETIME_MS = 15_000;
export const AUTH_LIFETIME_MS = 60_000;
export const MOBILE_WAIT_MS = 10_000;
/** Expired records are also purged when registrations arrive, at most this often (app.ts purges every minute too). */
export const PURGE_EVERY_MS = 60_000;
const LOGOUT_URL = '/logout';

const VerifyReply = z.object({ forceActivate: z.boolean().optional().default(false) }).optional();
const hashOf = (id: MpinId) => toHex(mpin.hashId(id.bytes));

export function createRps(ctx: ServerContext, deps: RpsDeps) {
  const { storage, config, credentials, now } = ctx;
  const key = credentials.app_key;
  let verifier: Promise<Pass2Verifier> | undefined;
  /** The checkers once running: pass 1 tells them a pass 2 is coming, so that they can batch it with others. */
  let running: Pass2Verifier | undefined;
  const waits = new Set<AbortController>();
  let lastPurge = now();

  /** Drops expired records (pending registrations, their device records…) so a flood of registrations cannot pile up. */
  async function purgeIfDue() {
    if (now() - lastPurge < PURGE_EVERY_MS) return;
    lastPurge = now();
    await storage.purgeExpired();
  }

  /**
   * A relying party's refusal, passed on with its status and message (its 503, storage full or mail down, stays a
   * 503, anything else 5xx is a 500); a relying party that cannot be reached or answers malformed data is a 500.
   */
  const hookError = (e: unknown, refused: string) => {
    if (!(e instanceof FetchJsonError && e.failure === 'status')) return new HttpError(500, (e as Error).message);
    const status = e.status!;
    return new HttpError(status === 503 ? 503 : status >= 500 ? 500 : status, e.serverMessage ?? refused);
  };

  /**
   * The pass-2 checkers for the server secret s·Q from both D-TAs' shares, fetched once and kept in memory only
   * (here and in the checker threads).
   */
  function getVerifier() {
    verifier ??= (async () => {
      const [a, b] = await Promise.all([deps.dta1().serverSecretShare(), deps.dta2().serverSecretShare()]);
      const checkers = createPass2Verifier({
        serverSecret: mpin.recombineG2(fromHex(a), fromHex(b)),
        workers: config.VERIFY_WORKERS,
        batch: config.BATCH_VERIFY,
      });
      return (running = checkers);
    })().catch((e) => {
      verifier = undefined;
      throw e;
    });
    return verifier;
  }

  function identity(mpinIdHex: string): MpinId {
    try {
      return parseMpinId(mpinIdHex);
    } catch (e) {
      throw new HttpError(403, `mpin_id: ${(e as Error).message}`);
    }
  }

  function clientSettings() {
    const digits = config.ACCESS_NUMBER_USE_CHECKSUM ? 7 : 6;
    return {
      requestOTP: false,
      mpinAuthServerURL: '/rps',
      timePermitsURL: '/rps/timePermit',
      useWebSocket: false,
      useNFC: false,
      setDeviceName: config.SET_DEVICE_NAME,
      seedValue: randomHex(100),
      accessNumberDigits: digits,
      accessNumberURL: '/rps/access',
      setupDoneURL: '/rps/setupDone',
      timePermitsStorageURL: '',
      authenticateURL: '/mpinAuthenticate',
      certivoxURL: deps.certivoxURL,
      accessNumberUseCheckSum: config.ACCESS_NUMBER_USE_CHECKSUM,
      registerURL: '/rps/user',
      appID: credentials.app_id,
      cSum: 1,
      signatureURL: '/rps/signature',
      getAccessNumberURL: '/rps/getAccessNumber',
      mobileAuthenticateURL: '/rps/authenticate',
      ttlSeconds: config.ACCESS_NUMBER_TTL_SECONDS,
    };
  }

  async function callVerifyHook(body: Record<string, unknown>): Promise<boolean> {
    try {
      const reply = await fetchJson(deps.verifyUserURL(), {
        what: 'relying party',
        schema: VerifyReply,
        method: 'POST',
        body,
        headers: { 'RPS-BASE-URL': ctx.publicUrl },
        timeoutMs: 15_000,
      });
      return reply?.forceActivate ?? false;
    } catch (e) {
      throw hookError(e, 'Registration refused by the relying party');
    }
  }

  /** PUT /rps/user and PUT /rps/user/<mpinId>: a new registration, or a resend of a live one. */
  async function register(
    body: { userId: string; mobile: 0 | 1; deviceName: string; userData: string; regOTT?: string },
    existing?: string,
  ) {
    await purgeIfDue();
    const deviceName = config.SET_DEVICE_NAME ? body.deviceName : '';
    if (existing !== undefined) {
      const record = await storage.get('registration', existing.toLowerCase());
      if (record) {
        if (!body.regOTT || !safeEqual(record.regOTT, body.regOTT.toLowerCase()))
          throw new HttpError(400, 'Invalid registration data');
        const force = await callVerifyHook({
          userId: record.userId,
          mpinId: record.mpinId,
          mobile: record.mobile,
          activateKey: signMessage(record.mpinId + record.regOTT, key),
          expireTime: record.expireTime,
          resend: true,
          deviceName: record.deviceName,
          userData: body.userData,
        });
        const expires = (await storage.expiresAt('registration', record.mpinId)) ?? now();
        // an activated registration stays activated (Milagro resets it, so that the same link must be used again)
        const activated = force || record.activateKey !== null;
        await storage.put(
          'registration',
          record.mpinId,
          { ...record, activateKey: activated ? signMessage(record.mpinId + record.regOTT, key) : null },
          expires,
        );
        return {
          mpinId: record.mpinId,
          regOTT: record.regOTT,
          expireTime: pythonIso(new Date(expires)),
          nowTime: pythonIso(new Date(now())),
          active: activated,
        };
      }
      // Milagro: an expired or unknown registration silently becomes a new one, with a new mpin_id
    }
    const id = buildMpinId({ userID: body.userId, mobile: body.mobile, issued: new Date(now()) });
    const regOTT = randomHex(16);
    const activateKey = signMessage(id.hex + regOTT, key);
    const expires = now() + config.ACTIVATION_EXPIRE_SECONDS * 1000;
    const expireTime = isoSeconds(new Date(expires));
    const force = await callVerifyHook({
      userId: body.userId,
      mpinId: id.hex,
      mobile: body.mobile,
      activateKey,
      expireTime,
      resend: false,
      deviceName,
      userData: body.userData,
    });
    await storage.put(
      'registration',
      id.hex,
      {
        mpinId: id.hex,
        userId: body.userId,
        regOTT,
        activateKey: force ? activateKey : null,
        mobile: body.mobile,
        deviceName,
        expireTime,
      },
      expires,
    );
    return {
      mpinId: id.hex,
      regOTT,
      expireTime: pythonIso(new Date(expires)),
      nowTime: pythonIso(new Date(now())),
      active: force,
    };
  }

  /** Private POST /user/<mpinId>: the relying party confirms the e-mailed activation key. */
  async function activate(mpinIdHex: string, activateKey: string) {
    const mpinId = mpinIdHex.toLowerCase();
    const record = await storage.get('registration', mpinId);
    if (!record || !safeEqual(signMessage(record.mpinId + record.regOTT, key), activateKey.toLowerCase()))
      throw new HttpError(401, 'M-Pin ID not found.');
    // the link works once (Milagro lets it work again until the share is fetched), also when two server processes
    // receive it at once: it is marked used in one atomic step
    let usedBefore = true;
    await storage.update('registration', mpinId, (r) => {
      usedBefore = r.activateKey !== null;
      return usedBefore ? r : { ...r, activateKey: activateKey.toLowerCase() };
    });
    if (usedBefore) throw new HttpError(401, 'This activation link has already been used.');
  }

  /** GET /rps/signature/<mpinId>?regOTT=: the first client-secret share, once, after activation. */
  async function signature(mpinIdHex: string, regOTT: string) {
    const mpinId = mpinIdHex.toLowerCase();
    const record = await storage.get('registration', mpinId);
    // a wrong regOTT gets Milagro's answer but, unlike Milagro, leaves the registration alone: whoever merely
    // knows a pending mpin_id (it is in the activation link) must not be able to cancel it
    if (!record || !safeEqual(record.regOTT, regOTT.toLowerCase())) throw new HttpError(400, 'M-Pin ID not found.');
    if (!record.activateKey || !safeEqual(record.activateKey, signMessage(record.mpinId + record.regOTT, key)))
      throw new HttpError(401, 'M-PinID not active.');
    const hash = toHex(mpin.hashId(fromHex(mpinId)));
    const clientSecretShare = await deps.dta1().clientSecretShare(hash, record.mobile);
    if (!(await storage.take('registration', mpinId))) throw new HttpError(400, 'M-Pin ID not found.'); // a concurrent call won
    return { clientSecretShare, params: deps.dta2().clientSecretParams(hash, record.mobile) };
  }

  async function callPermitHook(mpinIdHex: string): Promise<void> {
    try {
      await fetchJson(`${deps.permitUserURL()}?mpin_id=${encodeURIComponent(mpinIdHex)}`, {
        what: 'relying party',
        schema: z.unknown(),
        timeoutMs: 10_000,
      });
    } catch (e) {
      throw hookError(e, 'This M-Pin identity has been revoked');
    }
  }

  /** Whether the relying party lets the identity sign in now; false when revoked or when it cannot be asked. */
  const permitted = (mpinIdHex: string) =>
    callPermitHook(mpinIdHex).then(
      () => true,
      () => false,
    );
  const deviceKeys = createDeviceKeys(storage);
  const numbers = createAccessNumbers(ctx, { deviceKeys, permitted });

  /** GET /rps/timePermit/<mpinId>: today's share from the first D-TA (cached), and what the client needs for the second. */
  async function timePermit(mpinIdHex: string) {
    const id = identity(mpinIdHex);
    await callPermitHook(id.hex);
    const hash = hashOf(id);
    const day = epochDay(new Date(now()));
    let permit = (await storage.get('permit', `${hash}/${day}`))?.timePermit;
    if (!permit) {
      // like Milagro, fetch a random run of days at once so that the D-TA cannot tell logins apart by day
      const permits = await deps.dta1().timePermits(hash, 7 + randomInt(7));
      for (const [d, p] of Object.entries(permits))
        await storage.put('permit', `${hash}/${d}`, { timePermit: p }, (Number(d) + 2) * 86_400_000);
      permit = permits[String(day)];
      if (!permit) throw new HttpError(500, 'D-TA gave no time permit for today');
    }
    return {
      date: day,
      signature: signMessage(hash, key),
      storageId: hash,
      timePermit: permit,
      message: 'M-Pin Time Permit Generated',
      version: '0.3',
    };
  }

  /** POST /rps/pass1: store U, UT and a fresh challenge y for 15 s. */
  async function pass1(body: { mpin_id: string; U: string; UT?: string }) {
    const id = identity(body.mpin_id);
    try {
      mpin.g1FromBytes(fromHex(body.U), 'U');
      if (body.UT) mpin.g1FromBytes(fromHex(body.UT), 'UT');
    } catch (e) {
      throw new HttpError(403, (e as Error).message);
    }
    const y = toHex(mpin.randomMasterSecret());
    await storage.put(
      'pass1',
      id.hex,
      { u: body.U.toLowerCase(), ut: body.UT?.toLowerCase() ?? null, y },
      now() + PASS1_LIFETIME_MS,
    );
    running?.expect();
    return { y, pass: 1, message: 'OK', version: '0.3' };
  }

  /**
   * POST /rps/pass2: check V once against the pass-1 record; the verdict waits in an auth record for /authenticate.
   * A revoked identity is refused here (403), whatever permit it holds. The access number it names is not touched:
   * the auth record remembers it, and only a successful /rps/authenticate acts on the number.
   */
  async function pass2(body: { mpin_id: string; V: string; WID: string }) {
    const id = identity(body.mpin_id);
    const p1 = await storage.take('pass1', id.hex); // single use: a replayed pass 2 finds nothing
    if (!p1) throw new HttpError(403, 'Invalid pass one data');
    let v: Uint8Array;
    try {
      v = fromHex(body.V);
      mpin.g1FromBytes(v, 'V');
    } catch (e) {
      throw new HttpError(403, (e as Error).message);
    }
    await callPermitHook(id.hex);
    const check = await getVerifier();
    const t = new Date(now());
    const today = epochDay(t);
    // midnight grace: during the first hour of a UTC day, a permit from yesterday is still accepted
    const days = t.getUTCHours() < 1 ? [today, today - 1] : [today];
    const inputs = { mpinId: id.bytes, y: fromHex(p1.y), u: fromHex(p1.u), ut: p1.ut ? fromHex(p1.ut) : undefined, v };
    let date: number | undefined;
    for (const d of days) {
      if (inputs.ut && (await check.verify({ ...inputs, date: d }))) {
        date = d;
        break;
      }
    }
    const authOTT = randomHex(16);
    await storage.put(
      'auth',
      authOTT,
      {
        mpinId: id.hex,
        userId: id.fields.userID,
        ok: date !== undefined,
        wid: body.WID,
        date: date ?? today,
        claimed: false,
      },
      now() + AUTH_LIFETIME_MS,
    );
    return { authOTT, pass: 2, version: '0.3' };
  }

  /** Milagro's attempt counting: 401 for a wrong PIN, 410 once the limit is reached (and ever after). */
  async function countAttempt(mpinId: string, ok: boolean): Promise<{ status: number; message: string }> {
    if (ok) {
      const attempts = await storage.get('attempts', mpinId);
      if ((attempts?.count ?? 0) < config.MAX_INVALID_LOGIN_ATTEMPTS) {
        // most sign-ins have no wrong PIN to forget: no write for them
        if (attempts) await storage.delete('attempts', mpinId);
        return { status: 200, message: 'Authentication successful' };
      }
    }
    // An atomic increment: two wrong PINs at once, even on two server processes, count twice.
    await storage.insert('attempts', mpinId, { count: 0 });
    const next =
      (await storage.update('attempts', mpinId, (a) => ({ count: a.count + 1 })))?.count ??
      // a success reset the count between the two calls: this wrong PIN is the first again
      (await storage.put('attempts', mpinId, { count: 1 }), 1);
    if (next >= config.MAX_INVALID_LOGIN_ATTEMPTS)
      return { status: 410, message: 'This M-Pin identity is blocked: too many wrong PINs.' };
    return { status: 401, message: 'Wrong PIN.' };
  }

  /**
   * POST /rps/authenticate (the phone): the verdict for an access-number sign-in; on success waits for the PC.
   * 412 unless the number its pass 2 named is live and unused; 403 when the identity has been revoked since; then
   * the attempt is counted. Only a success writes to the number: it becomes this sign-in's, used, once.
   */
  async function mobileAuthenticate(authOTT: string) {
    const pending = async () => {
      const auth = await storage.get('auth', authOTT);
      const access = auth && auth.wid !== '0' && !auth.claimed ? await storage.get('access', auth.wid) : undefined;
      return auth && access && !access.used ? auth : undefined;
    };
    const auth = await pending();
    if (!auth) throw new HttpError(412, 'Invalid or expired access number');
    try {
      await callPermitHook(auth.mpinId);
    } catch (e) {
      await storage.delete('auth', authOTT);
      throw e;
    }
    // the hook was a wait: a concurrent request with this authOTT, or another sign-in on this number, may have won
    if (!(await pending())) throw new HttpError(412, 'Invalid or expired access number');
    const result = await countAttempt(auth.mpinId, auth.ok);
    if (result.status !== 200) {
      await storage.delete('auth', authOTT);
      throw new HttpError(result.status, result.message);
    }
    // The number is taken in one atomic step: of two sign-ins racing for it, on any two processes, one wins.
    let takenBefore = true;
    await storage.update('access', auth.wid, (a) => {
      takenBefore = a.used;
      if (a.used) return a;
      return {
        ...a,
        authOTT,
        status: 'authenticate',
        authStatus: 200,
        message: result.message,
        used: true,
        userId: auth.userId,
      };
    });
    if (takenBefore) throw new HttpError(412, 'Invalid or expired access number');
    const ready = await waitFor(
      'access',
      auth.wid,
      async () => (await storage.get('access', auth.wid))?.browserReady === true,
      MOBILE_WAIT_MS,
    );
    const done = await storage.get('access', auth.wid);
    if (!ready || !done) throw new HttpError(408, 'Authentication timed out');
    if (done.authStatus !== 200) throw new HttpError(done.authStatus, done.message);
    return { logoutURL: done.logoutURL, logoutData: done.logoutData ?? {} };
  }

  /** waitUntil, ended early when the server closes. */
  async function waitFor(kind: Kind, key: string, condition: () => Promise<boolean>, ms: number): Promise<boolean> {
    const ctrl = new AbortController();
    waits.add(ctrl);
    try {
      return await waitUntil(storage, kind, key, condition, ms, ctrl.signal);
    } finally {
      waits.delete(ctrl);
    }
  }

  /** Private POST /authenticate (the relying party, for the browser's session). */
  async function authenticate(body: {
    authOTT: string;
    logoutURL?: string;
    logoutData?: Record<string, string> | null;
  }) {
    // Claimed in one atomic step, so that one authOTT raced at two server processes gives one session.
    let claimedBefore = true;
    const auth = await storage.update('auth', body.authOTT, (a) => {
      claimedBefore = a.claimed;
      return { ...a, claimed: true };
    });
    if (!auth || claimedBefore) throw new HttpError(408, 'Expired authentication request');
    let result: { status: number; message: string };
    if (auth.wid !== '0') {
      const access = await storage.get('access', auth.wid);
      if (!access || access.authOTT !== body.authOTT || access.authStatus !== 200)
        throw new HttpError(408, 'Expired authentication request');
      await storage.update('access', auth.wid, (a) => ({
        ...a,
        logoutURL: body.logoutURL ?? LOGOUT_URL,
        logoutData: body.logoutData ?? null,
      }));
      result = { status: 200, message: access.message };
    } else {
      result = await countAttempt(auth.mpinId, auth.ok);
    }
    return { userId: auth.userId, mpinId: auth.mpinId, ...result };
  }

  /** Private POST /loginResult: the relying party has (or has not) signed the browser in; releases the phone. */
  async function loginResult(body: {
    authOTT: string;
    status: number;
    message?: string;
    logoutURL?: string;
    logoutData?: Record<string, string> | null;
  }) {
    const auth = await storage.take('auth', body.authOTT);
    if (!auth) throw new HttpError(404, 'Unknown authentication');
    if (auth.wid !== '0') {
      // only the sign-in the number was given to (at /rps/authenticate) may report on it
      await storage.update('access', auth.wid, (a) =>
        a.authOTT !== body.authOTT
          ? a
          : {
              ...a,
              browserReady: true,
              logoutURL: body.logoutURL ?? (a.logoutURL || LOGOUT_URL),
              logoutData: body.logoutData ?? a.logoutData,
              ...(body.status !== 200
                ? { authStatus: body.status, message: body.message ?? 'Refused by the relying party' }
                : {}),
            },
      );
    }
  }

  return {
    rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE,
    clientSettings,
    register,
    activate,
    signature,
    timePermit,
    pass1,
    pass2,
    mobileAuthenticate,
    authenticate,
    loginResult,
    ...numbers,
    deviceKeys,
    async close() {
      await numbers.closeAccessNumbers();
      for (const w of waits) w.abort();
      const checkers = verifier;
      verifier = undefined;
      running = undefined;
      await checkers?.then((v) => v.close()).catch(() => undefined);
    },
  };
}

export type Rps = ReturnType<typeof createRps>;
