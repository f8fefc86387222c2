// Signing this browser in on a service's page: the content script reports a PIN pad (an offer when an identity is
// set up for that exact origin), the user's "Sign in with M-Pin Authenticator" queues a PIN screen for that tab (a
// page never replaces what the user is in the middle of), and after pass 2 with WID "0" the authOTT goes to the
// document that asked, only while its tab still shows that origin, and only to the service's own authenticateURL.
import { randomBytes, toHex } from '../mpin/index';
import { RpsError } from '../rps/client';
import { refusalOf } from '../messages';
import type { FlowRecord, IdentityRecord } from '../store/records';
import type { UiState } from '../ui-state';
import { authenticate, showRefusal, type PinFlow } from './authenticate';
import type { Context } from './context';
import { currentFlow, serialWithExpiry } from './expiry';
import { leave, pickIdentity } from './flows';
import { fresh, problem, problemOf, withProblem } from './problems';
import { show } from './render';
import * as session from './session';

/** The identity that signs in on exactly this origin: the selected one if it is set up there, else the last used. */
async function identityForOrigin(ctx: Context, origin: string): Promise<IdentityRecord | undefined> {
  const s = await ctx.store();
  const candidates = (await s.listIdentities()).filter(
    (i) => i.origin === origin && i.state === 'registered' && i.token,
  );
  return pickIdentity(candidates, await s.getSelected());
}

/** A content script saw a PIN pad on `origin` (top frame): offer a sign-in when an identity is set up there. */
export async function pinpadFound(ctx: Context, origin: string): Promise<{ offer: boolean; userId?: string }> {
  const identity = await identityForOrigin(ctx, origin);
  return identity ? { offer: true, userId: identity.userId } : { offer: false };
}

/**
 * Whether a page's sign-in request must wait: a page never replaces what the user is in the middle of (a
 * registration or a reset, a remote sign-in being typed or holding its access number, a success screen whose "Sign
 * out" still works, or another page's PIN screen); the user finishes or cancels, then the page may ask again.
 */
async function busyForPage(ctx: Context, flow: FlowRecord, origin: string, tabId: number): Promise<boolean> {
  switch (flow.screen) {
    case 'register':
    case 'email-sent':
    case 'setup-pin':
    case 'confirm-reset':
    case 'access-number':
    case 'wrong-access-number':
      return true;
    case 'pin':
    case 'wrong-pin':
      // the same page may ask again (a new click); anything else would change what the PIN is typed for
      return flow.purpose === 'remote' || flow.tabId !== tabId || flow.targetOrigin !== origin;
    case 'success':
      return flow.canSignOut && !flow.signedOut && (await session.getSignOut(ctx.now())) !== undefined;
    default:
      return false;
  }
}

/**
 * A content script's "Sign in with M-Pin Authenticator": queue a local PIN screen for that tab, unless the user is
 * in the middle of something a page must not replace (`reason: 'busy'`).
 */
export function requestLocalSignIn(
  ctx: Context,
  origin: string,
  tabId: number,
  documentId?: string,
): Promise<{ queued: boolean; nonce?: string; reason?: 'busy' }> {
  return serialWithExpiry(ctx, async () => {
    const flow = await currentFlow(ctx);
    if (await busyForPage(ctx, flow, origin, tabId)) return { queued: false, reason: 'busy' as const };
    const identity = await identityForOrigin(ctx, origin);
    if (!identity) return { queued: false };
    await leave(flow);
    // The answer goes to this tab's document that asked, only while it shows this origin, and only with this
    // nonce, which that content script alone learns (from this reply).
    const nonce = toHex(randomBytes(16));
    await ctx.commit({
      flow: {
        screen: 'pin',
        identityId: identity.id,
        purpose: 'local',
        targetOrigin: origin,
        tabId,
        ...(documentId ? { documentId } : {}),
        nonce,
        enteredAt: ctx.now(),
      },
      selected: identity.id,
    });
    await ctx.platform.openPopup();
    return { queued: true, nonce };
  });
}

/** Whether the tab of a page's sign-in request still shows the service it asked for (and has its nonce). */
async function tabStillShows(ctx: Context, flow: PinFlow): Promise<boolean> {
  if (flow.tabId === undefined || flow.nonce === undefined) return false;
  return (await ctx.platform.tabOrigin(flow.tabId)) === flow.targetOrigin;
}

/**
 * The page that asked for a sign-in on this browser is gone (its tab shows another site, or another document, or
 * was closed): nothing is sent to it, and the popup says so. `used`: the identity after a pass 2 that was not used.
 */
function pageChanged(ctx: Context, identity: IdentityRecord, used?: IdentityRecord): Promise<UiState> {
  // The home screen names the service: the page's origin is the identity's (identityForOrigin).
  return show(
    ctx,
    withProblem({ screen: 'home', identityId: identity.id }, problem('page-changed')),
    used ? { putIdentities: [used] } : {},
  );
}

/**
 * "Login" for this browser: only while the page's tab still shows that service (checked before the PIN is used at
 * all, and again before the authOTT is handed over); pass 2 with WID "0"; the authOTT to the document that asked.
 */
export async function localLogin(
  ctx: Context,
  identity: IdentityRecord & { token: string },
  flow: PinFlow,
  pin: string,
): Promise<UiState> {
  if (!(await tabStillShows(ctx, flow))) return pageChanged(ctx, identity);
  const done = await authenticate(ctx, identity, flow, pin, '0');
  if ('shown' in done) return done.shown;
  const { authOTT, used } = done;
  const keep = { putIdentities: [used] };
  let status: number | 'page-changed' | undefined;
  try {
    // The service's own authenticateURL (its clientSettings, on its origin), never one a page names.
    const authenticateURL = ctx.client(identity).authenticateUrl();
    if (flow.tabId === undefined || flow.nonce === undefined || flow.targetOrigin !== identity.origin)
      throw new RpsError('origin', 'authenticateURL');
    if (!(await tabStillShows(ctx, flow))) return pageChanged(ctx, identity, used);
    status = await ctx.platform.completeSignIn(
      flow.tabId,
      { type: 'completeSignIn', authOTT, authenticateURL, origin: flow.targetOrigin, nonce: flow.nonce },
      flow.documentId,
    );
  } catch (e) {
    return show(ctx, withProblem(fresh(flow), problemOf(e)), keep);
  }
  if (status === 'page-changed') return pageChanged(ctx, identity, used);
  if (status === 200)
    return show(
      ctx,
      {
        screen: 'success',
        identityId: identity.id,
        purpose: 'local',
        targetOrigin: identity.origin,
        canSignOut: false,
        signedOut: false,
      },
      keep,
    );
  return (
    showRefusal(ctx, refusalOf(status), flow, used) ??
    show(ctx, withProblem(fresh(flow), problem('internal', false, 'page-refused')), keep)
  );
}
