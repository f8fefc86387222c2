// Flows and secrets that time ends (R3, R23): a PIN screen lives as long as its access number, a PIN setup as long
// as its client secret. `currentFlow` never shows an expired flow, and `expireNow` (the expiry alarm, and every
// intent) overwrites it in IndexedDB and arms the alarm for the next expiry, even if nobody opens the popup.
import type { Change, Store } from '../store/db';
import type { FlowRecord } from '../store/records';
import type { Context } from './context';
import { restingFlow } from './flows';
import { problem, withProblem } from './problems';
import * as session from './session';

/** Milagro's accessNumberExpireSeconds default, when the service does not say; and its validity extension. */
const DEFAULT_ACCESS_NUMBER_TTL = 300;
const ACCESS_NUMBER_GRACE = 5;

/** When a flow stops being valid by time alone, or undefined: a PIN screen ends with its access number (R3/R23). */
async function flowDeadline(s: Store, flow: FlowRecord): Promise<number | undefined> {
  if (flow.screen !== 'pin' && flow.screen !== 'wrong-pin') return undefined;
  // The service said when the number ends (the check at "Next"): it may be used until the grace seconds are over.
  if (flow.expiresAt !== undefined) return flow.expiresAt + ACCESS_NUMBER_GRACE * 1000;
  if (flow.enteredAt === undefined) return undefined;
  // The number cannot be older than its lifetime counted from when it was typed (a page's request: the same time).
  const identity = await s.getIdentity(flow.identityId);
  const ttl = ((identity?.clientSettings.ttlSeconds ?? DEFAULT_ACCESS_NUMBER_TTL) + ACCESS_NUMBER_GRACE) * 1000;
  return flow.enteredAt + ttl;
}

/**
 * What replaces a flow whose time is up (with the store change that goes with it), or undefined while it is
 * current: a PIN screen past its deadline, and a PIN setup whose client secret has expired (R1/R23).
 */
async function expiredReplacement(
  ctx: Context,
  s: Store,
  flow: FlowRecord,
): Promise<{ flow: FlowRecord; change?: Omit<Change, 'flow'> } | undefined> {
  const deadline = await flowDeadline(s, flow);
  if ((flow.screen === 'pin' || flow.screen === 'wrong-pin') && deadline !== undefined && ctx.now() >= deadline) {
    if (flow.purpose === 'local') return { flow: await restingFlow(ctx) };
    return {
      flow: {
        screen: 'access-number',
        identityId: flow.identityId,
        problem: problem('access-number-expired', false, 'new-number'),
      },
    };
  }
  if (flow.screen === 'setup-pin' && !(await session.getClientSecret(flow.identityId, ctx.now()))) {
    const identity = await s.getIdentity(flow.identityId);
    if (!identity) return { flow: await restingFlow(ctx) };
    return {
      flow: withProblem(
        { screen: 'register', origin: identity.origin, email: identity.userId },
        problem('registration-expired', false, 'pin-time-over'),
      ),
      change: { deleteIdentities: [identity.id], selected: null },
    };
  }
  return undefined;
}

/** A flow about an identity that is gone, or a sign-in screen of an identity that can no longer sign in. */
async function flowIsValid(s: Store, flow: FlowRecord): Promise<boolean> {
  if (!('identityId' in flow)) return true;
  const identity = await s.getIdentity(flow.identityId);
  if (!identity) return false;
  if (
    (flow.screen === 'home' || flow.screen === 'access-number' || flow.screen === 'pin') &&
    (identity.state !== 'registered' || !identity.token)
  )
    return false;
  return true;
}

/** The flow to show now: the stored one, unless it is gone or its time is up (then the store is updated too). */
export async function currentFlow(ctx: Context): Promise<FlowRecord> {
  const s = await ctx.store();
  const flow = await s.getFlow();
  if (!flow || !(await flowIsValid(s, flow))) return restingFlow(ctx);
  const replaced = await expiredReplacement(ctx, s, flow);
  if (!replaced) return flow;
  // Written in turn with the intents (getState is not queued), so that it never overwrites a newer flow.
  void ctx.serial(() => expireNow(ctx)).catch(() => console.warn('[mpin] expiry failed'));
  return replaced.flow;
}

/**
 * R23, R3: wipes what has expired even if nobody looks (the expiry alarm calls this): secrets in storage.session,
 * and a flow whose time is up is overwritten in IndexedDB (with its access number and tab id). Then arms the alarm
 * for the next expiry. Call it in turn with the intents (ctx.serial).
 */
export async function expireNow(ctx: Context): Promise<void> {
  const nextSecret = await session.sweep(ctx.now());
  const s = await ctx.store();
  const flow = await s.getFlow();
  let nextFlow: number | undefined;
  if (flow) {
    const replaced = await expiredReplacement(ctx, s, flow);
    if (replaced) await ctx.commit({ ...replaced.change, flow: replaced.flow });
    else nextFlow = await flowDeadline(s, flow);
  }
  const next = [nextSecret, nextFlow].filter((t): t is number => t !== undefined);
  await ctx.platform.scheduleExpiry(next.length ? Math.min(...next) : undefined);
}

/** An intent or a page's request, in turn, then the expiry alarm armed for whatever it left behind. */
export function serialWithExpiry<T>(ctx: Context, fn: () => Promise<T>): Promise<T> {
  return ctx.serial(async () => {
    try {
      return await fn();
    } finally {
      await expireNow(ctx).catch(() => console.warn('[mpin] expiry failed'));
    }
  });
}
