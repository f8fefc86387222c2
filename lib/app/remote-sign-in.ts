// Signing another browser in (M-Pin-In-Mobile: this extension is the phone): the access number that browser shows,
// checked with the service at "Next" (access-number-check.ts), the PIN, pass 2 with the number as WID and
// /rps/authenticate; or "This wasn't me", which has the service refuse that browser. Then "Sign out" of that browser,
// with the sign-out data the RPS gave (kept in memory only, for a while: R8, R23).
import { isValidAccessNumber } from '../mpin/index';
import { RpsError } from '../rps/client';
import { refusalOf } from '../messages';
import type { FlowRecord, IdentityRecord } from '../store/records';
import type { Intent, Notice, UiState } from '../ui-state';
import { checkNumberAtNext, startWhileTyping, type NumberFacts } from './access-number-check';
import { authenticate, showRefusal, type PinFlow } from './authenticate';
import type { Context } from './context';
import { identityOf } from './flows';
import { fresh, isHttp, problem, problemOf, withProblem } from './problems';
import { show } from './render';
import * as session from './session';

/**
 * "Next": a number that fails its length or check digit never leaves the extension; a well-formed one is checked
 * with the service, and one it does not know (or no longer) gets the wrong-access-number warning before any PIN.
 */
export async function submitAccessNumber(
  ctx: Context,
  identity: IdentityRecord,
  accessNumber: string,
  intent: Intent,
): Promise<UiState> {
  const cfg = identity.clientSettings;
  const an = accessNumber.trim();
  let ok: boolean;
  try {
    ok = isValidAccessNumber(an, {
      digits: cfg.accessNumberDigits,
      useCheckSum: cfg.accessNumberUseCheckSum,
      cSum: cfg.cSum,
    });
  } catch {
    ok = false;
  }
  if (!ok)
    return show(
      ctx,
      withProblem({ screen: 'access-number', identityId: identity.id }, problem('invalid-access-number')),
    );
  const rps = ctx.client(identity);
  let facts: NumberFacts;
  try {
    facts = await checkNumberAtNext(ctx, rps, an);
  } catch (e) {
    if (isHttp(e, 400))
      return show(ctx, {
        screen: 'wrong-access-number',
        identityId: identity.id,
        problem: problem('unknown-access-number'),
      });
    return show(ctx, withProblem({ screen: 'access-number', identityId: identity.id }, problemOf(e), intent));
  }
  const state = await show(ctx, {
    screen: 'pin',
    identityId: identity.id,
    purpose: 'remote',
    accessNumber: an,
    targetOrigin: identity.origin,
    enteredAt: ctx.now(),
    ...(facts.pc ? { pc: facts.pc } : {}),
    ...(facts.expiresAt !== undefined ? { expiresAt: facts.expiresAt } : {}),
  });
  startWhileTyping(ctx, rps, identity, an, facts);
  return state;
}

/**
 * "This wasn't me": the service refuses the number, so the other computer is not signed in and its page says so;
 * home then says what became of it. Only a network failure keeps the PIN screen (with a retry): a number that was
 * already dead, or a service that cannot refuse, ends the sign-in here all the same.
 */
export async function refuseSignIn(
  ctx: Context,
  identity: IdentityRecord,
  flow: PinFlow,
  intent: Intent,
): Promise<UiState | undefined> {
  if (flow.purpose !== 'remote' || !flow.accessNumber) return undefined;
  ctx.permits.drop(identity.id);
  let notice: Notice = 'sign-in-refused';
  try {
    await ctx.client(identity).refuseAccessNumber(flow.accessNumber);
  } catch (e) {
    if (e instanceof RpsError && (e.kind === 'network' || e.kind === 'timeout'))
      return show(ctx, withProblem(fresh(flow), problemOf(e), intent));
    notice = isHttp(e, 400) ? 'access-number-gone' : 'refusal-not-sent';
  }
  return show(ctx, { screen: 'home', identityId: identity.id, notice });
}

/** "Login" for another browser: pass 2 with the access number, then /rps/authenticate signs that browser in. */
export async function remoteLogin(
  ctx: Context,
  identity: IdentityRecord & { token: string },
  flow: PinFlow,
  pin: string,
): Promise<UiState> {
  if (!flow.accessNumber) return show(ctx, { screen: 'access-number', identityId: identity.id });
  const done = await authenticate(ctx, identity, flow, pin, flow.accessNumber);
  if ('shown' in done) return done.shown;
  const { authOTT, used } = done;
  try {
    const answer = await ctx.client(identity).mobileAuthenticate(authOTT);
    const canSignOut = answer.logoutURL !== '' && answer.logoutData !== undefined;
    await session.clearSignOut();
    if (canSignOut)
      await session.setSignOut(
        {
          identityId: identity.id,
          origin: identity.origin,
          logoutURL: answer.logoutURL,
          logoutData: answer.logoutData,
        },
        ctx.now(),
      );
    return show(
      ctx,
      {
        screen: 'success',
        identityId: identity.id,
        purpose: 'remote',
        targetOrigin: identity.origin,
        canSignOut,
        signedOut: false,
      },
      { putIdentities: [used] },
    );
  } catch (e) {
    const refused =
      e instanceof RpsError && e.kind === 'http' ? showRefusal(ctx, refusalOf(e.status), flow, used) : undefined;
    return refused ?? show(ctx, withProblem(fresh(flow), problemOf(e)), { putIdentities: [used] });
  }
}

/** "Sign out" on the success screen: the other browser's session ends (the service's logoutURL, its origin only). */
export async function signOut(
  ctx: Context,
  flow: Extract<FlowRecord, { screen: 'success' }>,
  intent: Intent,
): Promise<UiState> {
  const base = fresh(flow);
  const identity = await identityOf(ctx, flow);
  const data = await session.getSignOut(ctx.now());
  if (!identity || !data || data.identityId !== identity.id || data.origin !== identity.origin) {
    return show(
      ctx,
      withProblem({ ...base, canSignOut: false }, problem('sign-out-failed', false, 'sign-out-expired')),
    );
  }
  try {
    await ctx.client(identity).logout(data.logoutURL, data.logoutData);
  } catch (e) {
    if (e instanceof RpsError && (e.kind === 'network' || e.kind === 'timeout'))
      return show(ctx, withProblem(base, problemOf(e), intent));
    if (e instanceof RpsError && e.kind === 'origin') {
      await session.clearSignOut();
      return show(
        ctx,
        withProblem({ ...base, canSignOut: false }, problem('sign-out-failed', false, 'sign-out-elsewhere')),
      );
    }
    return show(ctx, withProblem(base, problem('sign-out-failed')));
  }
  await session.clearSignOut();
  return show(ctx, { ...base, signedOut: true, canSignOut: false });
}
