// Signing another browser in (M-Pin-In-Mobile: this extension is the phone): the access number that browser shows,
// the PIN, pass 2 with the number as WID and /rps/authenticate; then "Sign out" of that browser, with the sign-out
// data the RPS gave (kept in memory only, for a while: R8, R23).
import { isValidAccessNumber } from '../mpin/index';
import { RpsError } from '../rps/client';
import { refusalOf } from '../messages';
import type { FlowRecord, IdentityRecord } from '../store/records';
import type { Intent, UiState } from '../ui-state';
import { authenticate, showRefusal, type PinFlow } from './authenticate';
import type { Context } from './context';
import { identityOf } from './flows';
import { fresh, problem, problemOf, withProblem } from './problems';
import { show } from './render';
import * as session from './session';

/** "Next": a number that fails its length or check digit never leaves the extension. */
export function submitAccessNumber(ctx: Context, identity: IdentityRecord, accessNumber: string): Promise<UiState> {
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
  return show(ctx, {
    screen: 'pin',
    identityId: identity.id,
    purpose: 'remote',
    accessNumber: an,
    targetOrigin: identity.origin,
    enteredAt: ctx.now(),
  });
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
