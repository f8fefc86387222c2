/**
 * Access numbers, everything but the sign-in itself (docs/protocol.md §6.5, §7): issuing a number with the context of
 * the computer that asked for it, the PC's polls (v2 /rps/access, also held as a long-poll, and v1
 * /rps/accessnumber), and what the phone may say about a number before it signs in with it at /rps/codeStatus: the
 * check at "Next" (`wid`), "Authenticating user …" (`user`, believed only with the identity's device key) and "This
 * wasn't me" (`refused`). The sign-in with a number, the one step that spends it, is rps.ts mobileAuthenticate.
 *
 * What may change a number here: a proven "user" (once, while it is new), and a refusal, which kills it. Both need
 * the number, so both spend from the shared guessing budget (guess-budget.ts), and neither answer says more than
 * whether the number is live.
 */
import { generateAccessNumber, parseMpinId } from '../../lib/mpin/index.ts';
import type { ServerContext } from '../context.ts';
import type { RecordKinds } from '../storage/types.ts';
import { waitUntil } from '../storage/wait.ts';
import { HttpError } from '../util/errors.ts';
import { randomHex } from '../util/random.ts';
import type { DeviceKeys } from './device-keys.ts';
import { pcContext, type PcContext } from './pc-context.ts';

type AccessRecord = RecordKinds['access'];

/** What the PC's poll answers, Milagro's v2 body. */
export interface AccessStatus {
  status: 'new' | 'user' | 'refused' | 'authenticate' | 'expired';
  statusCode: 0;
  userId: string;
  redirectURL: '';
  authOTT: string;
}

/** POST /rps/codeStatus, as checked by schemas.ts. */
export type CodeStatusRequest =
  | { status: 'wid' | 'refused'; wid: string }
  | { status: 'user'; wid: string; userId?: string; mpinId?: string; deviceKey?: string };

/** Who asked for a number: the request's User-Agent and address. */
export interface Requester {
  userAgent?: string;
  ip: string;
}

export interface AccessNumberDeps {
  deviceKeys: DeviceKeys;
  /** Whether the relying party lets the identity sign in now (not revoked); false when it cannot tell. */
  permitted(mpinIdHex: string): Promise<boolean>;
}

const DEAD = 'Invalid or expired access number';
const APP_NAME = 'M-Pin demo';

export function createAccessNumbers(ctx: ServerContext, deps: AccessNumberDeps) {
  const { storage, config, now } = ctx;
  /** The held long-polls and their answers: ended, and answered, when the server closes. */
  const held = new Map<AbortController, Promise<unknown>>();

  /** A live access record under a fresh wid from `draw`, with who asked for it, and the PC's polling handle. */
  async function newAccess(draw: () => string, from: Requester) {
    const ttl = config.ACCESS_NUMBER_TTL_SECONDS;
    const start = now();
    const pc: PcContext = pcContext(from.userAgent, from.ip, start);
    const expires = start + (ttl + config.ACCESS_NUMBER_GRACE_SECONDS) * 1000;
    const webOTT = randomHex(16);
    const record: AccessRecord = {
      webOTT,
      status: 'new',
      userId: '',
      authOTT: '',
      authStatus: 0,
      message: '',
      logoutURL: '',
      logoutData: null,
      browserReady: false,
      used: false,
      pc,
    };
    for (let i = 0; i < 100; i++) {
      const wid = draw();
      if (await storage.insert('access', wid, record, expires)) {
        await storage.put('webott', webOTT, { wid }, expires);
        return { wid, webOTT, ttlSeconds: ttl, localTimeStart: start, localTimeEnd: start + ttl * 1000 };
      }
    }
    throw new HttpError(503, 'No access number available; try again');
  }

  /** POST /rps/getAccessNumber: a fresh number, unique among live ones, and the PC's polling handle. */
  async function getAccessNumber(from: Requester) {
    const rules = {
      digits: config.ACCESS_NUMBER_USE_CHECKSUM ? 7 : 6,
      useCheckSum: config.ACCESS_NUMBER_USE_CHECKSUM,
      cSum: 1,
    };
    const { wid, ...rest } = await newAccess(() => generateAccessNumber(rules), from);
    return { accessNumber: wid, ...rest };
  }

  /** POST /rps/getQrUrl (Milagro's native-app variant): the same record under a random 32-hex id, in a URL for a QR code. */
  async function getQrUrl(from: Requester) {
    const { wid, ...rest } = await newAccess(() => randomHex(16), from);
    return { qrUrl: `${ctx.publicUrl}/#${wid}`, ...rest };
  }

  async function widOf(webOTT: string) {
    return (await storage.get('webott', webOTT.toLowerCase()))?.wid;
  }

  async function accessByWebOtt(webOTT: string) {
    const wid = await widOf(webOTT);
    return wid ? await storage.get('access', wid) : undefined;
  }

  /** POST /rps/access (v2): always 200, with the state of the PC's access number. */
  async function accessStatus(webOTT: string): Promise<AccessStatus> {
    return statusOf(await accessByWebOtt(webOTT));
  }

  /** What the PC's poll answers for a record; a gone one has expired. */
  function statusOf(a: AccessRecord | undefined): AccessStatus {
    if (!a) return { status: 'expired', statusCode: 0, userId: '', redirectURL: '', authOTT: '' };
    const authenticated = a.status === 'authenticate' && a.authStatus === 200;
    return {
      status: authenticated ? 'authenticate' : a.status,
      statusCode: 0,
      userId: a.userId,
      redirectURL: '',
      authOTT: authenticated ? a.authOTT : '',
    };
  }

  /**
   * POST /rps/access with `wait`: holds the request until the PC's state is no longer `seen`, for at most `seconds`
   * and never past the number's end, then answers as accessStatus. Wakes on the record's change, in whichever
   * process it is made (storage/wait.ts); ends early when `signal` aborts (the PC went away) or the server closes.
   */
  async function waitForAccess(
    webOTT: string,
    seen: AccessStatus['status'],
    seconds: number,
    signal?: AbortSignal,
  ): Promise<AccessStatus> {
    const wid = await widOf(webOTT);
    const ends = wid === undefined ? undefined : await storage.expiresAt('access', wid);
    const ms = Math.min(seconds * 1000, (ends ?? now()) - now());
    if (wid === undefined || ms <= 0) return accessStatus(webOTT);
    const closing = new AbortController();
    const stop = signal ? AbortSignal.any([signal, closing.signal]) : closing.signal;
    // each wake reads the record itself: the webOTT's link to it does not change
    const current = async () => statusOf(await storage.get('access', wid));
    const moved = async () => (await current()).status !== seen;
    const answer = waitUntil(storage, 'access', wid, moved, ms, stop).then(current);
    held.set(closing, answer);
    try {
      return await answer;
    } finally {
      held.delete(closing);
    }
  }

  /** POST /rps/accessnumber (v1): 200 {authOTT} once the phone signed in, 401 while pending, 404 when unknown or refused. */
  async function accessV1(webOTT: string) {
    const a = await accessByWebOtt(webOTT);
    if (!a || a.status === 'refused') throw new HttpError(404, 'Unknown or expired access number');
    if (a.status !== 'authenticate' || a.authStatus !== 200) throw new HttpError(401, 'Not authenticated yet');
    return { authOTT: a.authOTT };
  }

  /** The record of a number that may still be signed in with: 400 for an unknown, expired, used or refused one. */
  async function liveNumber(wid: string): Promise<AccessRecord> {
    const live = await storage.get('access', wid);
    if (!live || live.used) throw new HttpError(400, DEAD);
    return live;
  }

  /**
   * The check at "Next": the number is live, with the computer that asked for it and its end (the PC's
   * localTimeEnd, without the grace seconds), both by this server's clock, which it also gives.
   */
  async function check(wid: string) {
    const live = await liveNumber(wid);
    const ends = await storage.expiresAt('access', wid);
    const serverTime = now();
    return {
      PrerollId: '',
      AppName: APP_NAME,
      AppLogoUrl: '',
      ...(live.pc ? { pc: live.pc } : {}),
      ...(ends ? { expiresAt: ends - config.ACCESS_NUMBER_GRACE_SECONDS * 1000 } : {}),
      serverTime,
    };
  }

  /**
   * Whether a "user" claim proves itself: the mpin_id names `userId`, the device key is the one registered with it,
   * the identity has not been blocked by wrong PINs and the relying party has not revoked it.
   */
  async function proven(claim: { userId?: string; mpinId?: string; deviceKey?: string }): Promise<boolean> {
    const { userId, mpinId, deviceKey } = claim;
    if (!userId || !mpinId || !deviceKey) return false; // Milagro's unproven claim
    let named: string;
    try {
      named = parseMpinId(mpinId).fields.userID;
    } catch {
      return false;
    }
    if (named !== userId || !(await deps.deviceKeys.proves(mpinId, deviceKey))) return false;
    const wrongPins = (await storage.get('attempts', mpinId.toLowerCase()))?.count ?? 0;
    return wrongPins < config.MAX_INVALID_LOGIN_ATTEMPTS && (await deps.permitted(mpinId.toLowerCase()));
  }

  /** "Authenticating user …": a proven claim puts its user on a new number, once; anything else changes nothing. */
  async function claim(body: Extract<CodeStatusRequest, { status: 'user' }>) {
    await liveNumber(body.wid);
    if (await proven(body)) {
      // the first proven claim wins, also across processes; a number spent or refused meanwhile stays as it is
      await storage.update('access', body.wid, (a) =>
        a.used || a.status !== 'new' ? a : { ...a, status: 'user', userId: body.userId! },
      );
    }
    return { Status: 'OK' };
  }

  /** "This wasn't me": the number dies at once (refused and used); 400 when it was dead already. */
  async function refuse(wid: string) {
    let refused = false;
    await storage.update('access', wid, (a) => {
      refused = !a.used;
      return a.used ? a : { ...a, status: 'refused', used: true };
    });
    if (!refused) throw new HttpError(400, DEAD);
    return { Status: 'OK' };
  }

  /**
   * POST /rps/codeStatus (Milagro's native apps, and the extension's steps before the PIN): 400 unless the number
   * is live; `wid` checks it, `user` claims it (changing it only when proven), `refused` kills it.
   */
  async function codeStatus(body: CodeStatusRequest) {
    switch (body.status) {
      case 'wid':
        return check(body.wid);
      case 'user':
        return claim(body);
      case 'refused':
        return refuse(body.wid);
    }
  }

  return {
    getAccessNumber,
    getQrUrl,
    accessStatus,
    waitForAccess,
    accessV1,
    codeStatus,
    /**
     * Ends the held long-polls, each answering the state it has, before the listener closes its connections (it
     * cuts them, server/util/http.ts): resolves once the answers are on their way.
     */
    async closeAccessNumbers() {
      for (const closing of held.keys()) closing.abort();
      await Promise.allSettled([...held.values()]);
      await new Promise((resolve) => setImmediate(resolve)); // the routes write what the handlers returned
    },
  };
}
