// The M-Pin sign-in both kinds share, from the PIN screen: the time permit (prefetched while the PIN was typed, else
// fetched now: time-permit.ts), pass 1 and pass 2, which give the authOTT; and what a refusal of that authOTT leads
// to. Where the authOTT then goes is the kind's own: the RPS for another browser (remote-sign-in.ts), the page that
// asked on this one (local-sign-in.ts). The PIN lives only in this call (R1).
import type { Refusal } from '../messages';
import { fromHex, mpin, pinFromDigits, toHex } from '../mpin/index';
import type { Change } from '../store/db';
import type { FlowRecord, IdentityRecord } from '../store/records';
import type { UiState } from '../ui-state';
import type { Context } from './context';
import { fresh, problem, problemOf, withProblem } from './problems';
import { show } from './render';
import { fetchTimePermit, RevokedError } from './time-permit';

export type PinFlow = Extract<FlowRecord, { screen: 'pin' }>;

/** The authOTT, with the identity as used (its time permit cache, lastUsed); or the screen of what went wrong. */
export type Authenticated = { authOTT: string; used: IdentityRecord } | { shown: UiState };

/** Time permit, pass 1 and pass 2 with the PIN; `wid` is the access number, or "0" for this browser. */
export async function authenticate(
  ctx: Context,
  identity: IdentityRecord & { token: string },
  flow: PinFlow,
  pinDigits: string,
  wid: string,
): Promise<Authenticated> {
  const rps = ctx.client(identity);
  try {
    const { local, cloud } = (await ctx.permits.take(identity, ctx.now())) ?? (await fetchTimePermit(rps, identity));
    const cache = { date: local.date, share: cloud };
    const permit = mpin.recombineG1(fromHex(local.timePermit), fromHex(cloud));
    const c1 = mpin.client1({
      mpinId: fromHex(identity.mpinIdHex),
      pin: pinFromDigits(pinDigits),
      token: fromHex(identity.token),
      date: local.date,
      timePermit: permit,
    });
    const p1 = await rps.pass1(identity.mpinIdHex, toHex(c1.u), toHex(c1.ut!));
    const v = mpin.client2(c1.x, fromHex(p1.y), c1.sec);
    const { authOTT } = await rps.pass2(identity.mpinIdHex, toHex(v), wid);
    return { authOTT, used: { ...identity, timePermitCache: cache, lastUsed: ctx.now() } };
  } catch (e) {
    const p = e instanceof RevokedError ? problem('revoked') : problemOf(e);
    return { shown: await show(ctx, withProblem(fresh(flow), p)) };
  }
}

/** Blocks an identity (410): token and cached permit deleted, no further request for it (R2). */
function blockChange(identity: IdentityRecord): Change {
  const { token: _t, timePermitCache: _c, ...rest } = identity;
  return { putIdentities: [{ ...rest, state: 'blocked' }], flow: { screen: 'blocked', identityId: identity.id } };
}

/**
 * The screen for a refused sign-in, the identity as used kept: a wrong PIN (its warning, then the same PIN screen),
 * a block, an access number that is unknown or has expired, not authorized. Undefined: not a refusal of this kind
 * of sign-in (the caller says what went wrong).
 */
export function showRefusal(
  ctx: Context,
  refusal: Refusal | undefined,
  flow: PinFlow,
  used: IdentityRecord,
): Promise<UiState> | undefined {
  const keep = { putIdentities: [used] };
  const remote = flow.purpose === 'remote';
  switch (refusal) {
    case 'wrong-pin': {
      const { problem: _p, retry: _r, screen: _s, ...pinFields } = flow;
      return show(ctx, { ...pinFields, screen: 'wrong-pin' }, keep);
    }
    case 'blocked':
      return show(ctx, { screen: 'blocked', identityId: used.id }, blockChange(used));
    case 'not-authorized':
      return show(ctx, withProblem(fresh(flow), problem('not-authorized')), keep);
    case 'access-number-expired':
      if (remote)
        return show(
          ctx,
          withProblem({ screen: 'access-number', identityId: used.id }, problem('access-number-expired')),
          keep,
        );
      return show(ctx, withProblem(fresh(flow), problem('access-number-expired', false, 'this-browser')), keep);
    case 'unknown-access-number':
      if (!remote) return undefined;
      return show(
        ctx,
        { screen: 'wrong-access-number', identityId: used.id, problem: problem('unknown-access-number') },
        keep,
      );
    case undefined:
      return undefined;
  }
}
