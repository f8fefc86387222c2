// Which intent each screen accepts, and the use case that runs it: one table from (screen, intent kind) to a
// handler, read top to bottom (the first row that names the screen wins). An intent no row allows on the current
// screen is refused: logged by kind and screen, and the popup gets the current screen again, unchanged.
import type { FlowRecord, IdentityRecord } from '../store/records';
import type { Intent, UiState } from '../ui-state';
import type { Context } from './context';
import { currentFlow } from './expiry';
import { identityOf } from './flows';
import { addIdentity, manage, openAddService, openMenu, removeIdentity, selectIdentity } from './identities';
import { localLogin } from './local-sign-in';
import { cancelForm, goHome, retry } from './navigation';
import {
  addService,
  cancelRegistration,
  confirmedEmail,
  confirmReset,
  register,
  resendEmail,
  scanQr,
  setPin,
} from './registration';
import { refuseSignIn, remoteLogin, signOut, submitAccessNumber } from './remote-sign-in';
import { render, show } from './render';

type Kind = Intent['kind'];
type Screen = FlowRecord['screen'];
type IntentOf<K extends Kind> = Extract<Intent, { kind: K }>;
type FlowOn<S extends Screen> = Extract<FlowRecord, { screen: S }>;

/** What a handler gets: the current flow (of one of its screens), the intent, and the flow's identity if any. */
interface Call<S extends Screen, K extends Kind> {
  ctx: Context;
  flow: FlowOn<S>;
  intent: IntentOf<K>;
  identity: IdentityRecord | undefined;
  /** Runs another intent (a retry's replay) as if the popup had sent it. */
  run: (intent: Intent) => Promise<UiState>;
}
/** The new state, or undefined to refuse (e.g. an identity id that does not exist). */
type Handler<S extends Screen, K extends Kind> = (call: Call<S, K>) => Promise<UiState | undefined>;

interface Route {
  kind: Kind;
  screens: readonly Screen[] | 'any';
  handle: Handler<Screen, Kind>;
}

/** One row: `kind` on these screens (or on any) runs `handle`. */
function on<K extends Kind, S extends Screen>(kind: K, screens: readonly S[] | 'any', handle: Handler<S, K>): Route {
  // The dispatcher calls `handle` only with an intent of this kind on one of these screens.
  return { kind, screens, handle: handle as unknown as Handler<Screen, Kind> };
}

/** A row whose use case needs the flow's identity: refused when the flow has none. */
function withIdentity<K extends Kind, S extends Screen>(
  kind: K,
  screens: readonly S[],
  handle: (call: Call<S, K> & { identity: IdentityRecord }) => Promise<UiState | undefined>,
): Route {
  return on<K, S>(kind, screens, (call) => {
    const { identity } = call;
    return identity ? handle({ ...call, identity }) : Promise.resolve(undefined);
  });
}

/** An identity that can sign in: registered, with its token. */
function canSignIn(identity: IdentityRecord): identity is IdentityRecord & { token: string } {
  return identity.state === 'registered' && identity.token !== undefined;
}

const ROUTES: readonly Route[] = [
  // Adding a service and registering (registration.ts).
  on('addService', 'any', ({ ctx, flow, intent }) => addService(ctx, flow, intent.url, intent)),
  on('scanQr', 'any', ({ ctx }) => scanQr(ctx)),
  on('register', ['register'], ({ ctx, flow, intent }) => {
    // the service picked on the form, else the form's own
    const origin = intent.origin ?? flow.origin;
    return register(ctx, origin, intent.email, intent.deviceName, intent, {
      screen: 'register',
      origin,
      email: intent.email,
    });
  }),
  withIdentity('confirmedEmail', ['email-sent'], ({ ctx, identity, intent }) => confirmedEmail(ctx, identity, intent)),
  withIdentity('resendEmail', ['email-sent'], ({ ctx, identity, intent }) => resendEmail(ctx, identity, intent)),
  withIdentity('cancel', ['email-sent'], ({ ctx, identity }) => cancelRegistration(ctx, identity)),
  withIdentity('setPin', ['setup-pin'], ({ ctx, identity, intent }) => setPin(ctx, identity, intent.pin)),
  // Signing in, on another browser (remote-sign-in.ts) or on this one (local-sign-in.ts).
  withIdentity('startSignIn', ['home'], ({ ctx, identity }) =>
    show(ctx, { screen: 'access-number', identityId: identity.id }),
  ),
  withIdentity('submitAccessNumber', ['access-number', 'wrong-access-number'], ({ ctx, identity, intent }) =>
    submitAccessNumber(ctx, identity, intent.accessNumber, intent),
  ),
  withIdentity('refuseSignIn', ['pin'], ({ ctx, flow, identity, intent }) => refuseSignIn(ctx, identity, flow, intent)),
  withIdentity('login', ['pin'], ({ ctx, flow, identity, intent }) => {
    if (!canSignIn(identity)) return show(ctx, { screen: 'blocked', identityId: identity.id });
    return (flow.purpose === 'local' ? localLogin : remoteLogin)(ctx, identity, flow, intent.pin);
  }),
  on('signOut', ['success'], async ({ ctx, flow, intent }) =>
    flow.canSignOut ? signOut(ctx, flow, intent) : undefined,
  ),
  // Moving around (navigation.ts).
  on('cancel', ['register'], ({ ctx, flow }) => cancelForm(ctx, flow)),
  on('cancel', 'any', ({ ctx, flow }) => goHome(ctx, flow)),
  on('home', 'any', ({ ctx, flow }) => goHome(ctx, flow)),
  on('retry', 'any', ({ ctx, flow, run }) => retry(ctx, flow, run)),
  // The identities (identities.ts).
  on('openMenu', 'any', ({ ctx, flow }) => openMenu(ctx, flow)),
  on('selectIdentity', 'any', ({ ctx, flow, intent }) => selectIdentity(ctx, flow, intent.id)),
  on('addIdentity', 'any', ({ ctx, flow, identity }) => addIdentity(ctx, flow, identity)),
  on('openAddService', ['menu'], ({ ctx }) => openAddService(ctx)),
  on('manage', 'any', ({ ctx, intent }) => manage(ctx, intent.id)),
  withIdentity('resetPin', ['manage'], ({ ctx, identity }) =>
    show(ctx, { screen: 'confirm-reset', identityId: identity.id }),
  ),
  withIdentity('confirmReset', ['confirm-reset'], ({ ctx, identity, intent }) => confirmReset(ctx, identity, intent)),
  withIdentity('removeIdentity', ['manage'], ({ ctx, identity }) =>
    show(ctx, { screen: 'confirm-remove', identityId: identity.id }),
  ),
  withIdentity('confirmRemove', ['confirm-remove'], ({ ctx, identity }) => removeIdentity(ctx, identity)),
  withIdentity('registerAgain', ['blocked'], ({ ctx, identity }) =>
    show(ctx, { screen: 'register', origin: identity.origin, email: identity.userId }),
  ),
];

/** The row for an intent kind on a screen, if the screen accepts it. */
export function routeFor(screen: Screen, kind: Kind): Route | undefined {
  return ROUTES.find((r) => r.kind === kind && (r.screens === 'any' || r.screens.includes(screen)));
}

/** Runs one intent on the current flow (the caller queues it: Context.serial). */
export async function runIntent(ctx: Context, intent: Intent): Promise<UiState> {
  const flow = await currentFlow(ctx);
  const route = routeFor(flow.screen, intent.kind);
  if (route) {
    const identity = await identityOf(ctx, flow);
    const run = (next: Intent) => runIntent(ctx, next);
    const state = await route.handle({ ctx, flow, intent, identity, run });
    if (state) return state;
  }
  console.warn(`[mpin] intent ignored: ${intent.kind} on ${flow.screen}`);
  return render(ctx, flow);
}
