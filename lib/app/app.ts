// The background's use cases, composed: the state machine behind the popup (docs/extension.md). `getState` renders
// the stored flow into a UiState; `dispatch` runs one intent (intents.ts: which screen accepts which intent) and
// returns the new UiState. Every state change is one store transaction, so a closed popup, a stopped service worker
// or a failed request loses nothing; network problems carry a retry. The PIN exists only inside the `setPin` and
// `login` intents while they run: it is never stored or logged.
import type { PinpadKind } from '../messages';
import { isAllowedServiceOrigin } from '../rps/url-policy';
import type { Intent, UiState } from '../ui-state';
import { createContext, type AppOptions } from './context';
import { currentFlow, expireNow, serialWithExpiry } from './expiry';
import { runIntent } from './intents';
import { pinpadFound, requestLocalSignIn } from './local-sign-in';
import { render } from './render';

export type { AppOptions };

export interface App {
  getState(): Promise<UiState>;
  dispatch(intent: Intent): Promise<UiState>;
  /** A content script saw a PIN pad on `origin` (top frame): offer a sign-in when an identity is set up there. */
  pinpadFound(origin: string, kind: PinpadKind): Promise<{ offer: boolean; userId?: string }>;
  /**
   * A content script's "Sign in with M-Pin Authenticator": queue a local PIN screen for that tab, unless the user is
   * in the middle of something a page must not replace (`reason: 'busy'`).
   */
  requestLocalSignIn(
    origin: string,
    tabId: number,
    documentId?: string,
  ): Promise<{ queued: boolean; nonce?: string; reason?: 'busy' }>;
  /** A content script's first question: is this exact origin (scheme, host, port) an added service? */
  isService(origin: string): Promise<boolean>;
  /** The expiry alarm (and the background's start): wipes expired secrets and flows, and arms the next alarm. */
  expire(): Promise<void>;
  /** Registers the content script for the origins of the added services (on startup, and after changes). */
  syncContentScripts(): Promise<void>;
  identityCount(): Promise<number>;
}

export function createApp(options: AppOptions = {}): App {
  const ctx = createContext(options);
  return {
    // Not queued behind a running intent (a remote login can wait ~10 s for the other browser): it reads the last
    // committed state.
    getState: async () => {
      const flow = await currentFlow(ctx);
      return render(ctx, flow, flow.screen === 'add-service');
    },
    dispatch: (intent) => serialWithExpiry(ctx, () => runIntent(ctx, intent)),
    pinpadFound: (origin) => pinpadFound(ctx, origin),
    isService: async (origin) =>
      isAllowedServiceOrigin(origin) && (await (await ctx.store()).getService(origin)) !== undefined,
    requestLocalSignIn: (origin, tabId, documentId) => requestLocalSignIn(ctx, origin, tabId, documentId),
    expire: () => ctx.serial(() => expireNow(ctx)),
    syncContentScripts: async () =>
      ctx.platform.syncContentScripts((await (await ctx.store()).listServices()).map((x) => x.origin)),
    identityCount: async () => (await (await ctx.store()).listIdentities()).length,
  };
}

let shared: App | undefined;
/** The background's one App. */
export function getApp(): App {
  return (shared ??= createApp());
}
