// The use cases: the state machine behind the popup (issue 4's screens). `getState` renders the stored flow into a
// UiState; `dispatch` runs one intent and returns the new UiState. Every state change is one store transaction, so
// a closed popup, a stopped service worker or a failed request loses nothing; network problems carry a retry.
// The PIN exists only inside the `setPin` and `login` intents while they run: it is never stored or logged.
import {
  fromHex,
  isValidAccessNumber,
  mpin,
  MpinInputError,
  parseMpinId,
  pinFromDigits,
  randomBytes,
  toHex,
} from '../mpin/index';
import { fetchClientSettings, RpsClient, RpsError, secondDtaHost, type RpsOptions } from '../rps/client';
import { openStore, type Change, type Store } from '../store/db';
import type { FlowRecord, IdentityRecord, ServiceRecord } from '../store/records';
import { RetryIntent } from '../store/records';
import { IdentitySummary, UiState, type Intent, type Problem } from '../ui-state';
import { isEmail } from '../rps/email';
import { isAllowedServiceOrigin } from '../rps/url-policy';
import { originOfUrl, serviceInfo } from './origin';
import { defaultPlatform, type Platform } from './platform';

export { originOfUrl, serviceInfo };
import * as session from './session';

export interface AppOptions {
  /** Opens the store (default: the extension's IndexedDB). */
  openStore?: () => Promise<Store>;
  platform?: Partial<Platform>;
  rps?: RpsOptions;
  now?: () => number;
}

export type PinpadKind = 'demo' | 'milagro';

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

const MESSAGES: Record<Problem['code'], string> = {
  network: 'The service could not be reached. Check the connection and try again.',
  malformed: 'The service answered something that is not M-Pin. Try again later.',
  'invalid-url':
    'Enter the https:// address of an M-Pin service, e.g. https://example.com (http:// only for a service on this computer, such as http://localhost:8080).',
  'no-qr': 'No M-Pin QR code was found on this tab.',
  'permission-denied': 'Access to this site was not granted, so the service cannot be used.',
  'invalid-email': 'Enter a valid e-mail address.',
  'not-confirmed': 'Identity not verified! Open the link in the e-mail we sent you, confirm, then try again.',
  'registration-expired': 'Identity expired! This registration is no longer valid: please register again.',
  'invalid-access-number': 'Invalid access number!',
  'unknown-access-number':
    'Invalid access number! It is wrong or has expired: check the number the other browser shows.',
  'access-number-expired': 'The auth request expired! Get a new access number and try again.',
  'wrong-pin': 'Incorrect PIN!',
  revoked: 'Your M-Pin identity has been revoked: the service refused a time permit.',
  'not-authorized': 'You are not authorized!',
  'sign-out-failed': 'Sign out was unsuccessful!',
  'page-changed': 'The page that asked to sign in has changed. Nothing was sent to it.',
  internal: 'Something went wrong. Try again.',
};

function problem(code: Problem['code'], retry = false, message = MESSAGES[code]): Problem {
  return { code, message: message.slice(0, 500), retry };
}

/** A network-kind failure as a problem (`retry` offered when trying again as it was can help). */
function problemOf(e: unknown): Problem {
  if (e instanceof RpsError) {
    switch (e.kind) {
      case 'network':
        return problem('network', true);
      case 'timeout':
        return problem('network', true, 'The service did not answer in time. Try again.');
      case 'malformed':
        return problem('malformed', true);
      case 'origin':
        return problem('malformed', false, 'The service asked to send data to another site; this was refused.');
      // Only the extension's own words: the service's `message` is its text, not ours, and the popup is trusted UI.
      case 'http':
        if (e.status === 403) return problem('not-authorized');
        if ((e.status ?? 0) >= 500)
          return problem('network', true, `The service had a problem (HTTP ${e.status}). Try again later.`);
        return problem('internal', true, `The service refused the request (HTTP ${e.status}). Try again later.`);
    }
  }
  if (e instanceof MpinInputError) return problem('malformed', true);
  console.warn('[mpin] internal error:', e instanceof Error ? e.name : 'error');
  return problem('internal', true);
}

/** Milagro's accessNumberExpireSeconds default, when the service does not say; and its validity extension. */
const DEFAULT_ACCESS_NUMBER_TTL = 300;
const ACCESS_NUMBER_GRACE = 5;

const isHttp = (e: unknown, ...statuses: number[]) =>
  e instanceof RpsError && e.kind === 'http' && statuses.includes(e.status ?? 0);

function summary(i: IdentityRecord): IdentitySummary {
  return { id: i.id, userId: i.userId, deviceName: i.deviceName, service: serviceInfo(i.origin), state: i.state };
}

export function createApp(options: AppOptions = {}): App {
  const platform: Platform = { ...defaultPlatform, ...options.platform };
  const now = options.now ?? Date.now;
  let storePromise: Promise<Store> | undefined;
  const store = () => (storePromise ??= (options.openStore ?? (() => openStore()))());
  const client = (origin: string, settings: IdentityRecord['clientSettings']) =>
    new RpsClient(origin, settings, options.rps);

  // One intent at a time: two quick clicks never interleave their writes.
  let queue: Promise<unknown> = Promise.resolve();
  function serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = queue.then(fn, fn);
    queue = run.catch(() => {});
    return run;
  }

  async function commit(change: Change): Promise<void> {
    await (await store()).commit(change);
  }

  /** Sets the flow (with a problem, and the intent that "retry" replays when it carries no PIN). */
  function withProblem<F extends FlowRecord>(flow: F, p: Problem, intent?: Intent): F {
    const retry = p.retry && intent && RetryIntent.safeParse(intent).success ? intent : undefined;
    return { ...flow, problem: p, ...(retry ? { retry } : {}) };
  }

  const fresh = <F extends FlowRecord>(flow: F): F => {
    const { problem: _p, retry: _r, ...rest } = flow as F & { problem?: unknown; retry?: unknown };
    return rest as F;
  };

  /** Where the popup goes when nothing is in progress. */
  async function restingFlow(preferId?: string): Promise<FlowRecord> {
    const s = await store();
    const identities = await s.listIdentities();
    const selected = preferId ?? (await s.getSelected());
    const identity =
      identities.find((i) => i.id === selected) ?? [...identities].sort((a, b) => b.lastUsed - a.lastUsed)[0];
    if (identity) return flowFor(identity);
    const services = await s.listServices();
    if (services.length) return { screen: 'register', origin: services[services.length - 1]!.origin, email: '' };
    return { screen: 'add-service' };
  }

  /** The screen for an identity by its state. */
  async function flowFor(identity: IdentityRecord): Promise<FlowRecord> {
    switch (identity.state) {
      case 'registered':
        return { screen: 'home', identityId: identity.id };
      case 'blocked':
        return { screen: 'blocked', identityId: identity.id };
      case 'activated':
        if (await session.getClientSecret(identity.id, now())) return { screen: 'setup-pin', identityId: identity.id };
        return { screen: 'email-sent', identityId: identity.id, resent: false };
      case 'started':
        return { screen: 'email-sent', identityId: identity.id, resent: false };
    }
  }

  /** When a flow stops being valid by time alone, or undefined: a PIN screen ends with its access number (R3/R23). */
  async function flowDeadline(s: Store, flow: FlowRecord): Promise<number | undefined> {
    if ((flow.screen !== 'pin' && flow.screen !== 'wrong-pin') || flow.enteredAt === undefined) return undefined;
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
    s: Store,
    flow: FlowRecord,
  ): Promise<{ flow: FlowRecord; change?: Omit<Change, 'flow'> } | undefined> {
    const deadline = await flowDeadline(s, flow);
    if ((flow.screen === 'pin' || flow.screen === 'wrong-pin') && deadline !== undefined && now() >= deadline) {
      if (flow.purpose === 'local') return { flow: await restingFlow() };
      return {
        flow: {
          screen: 'access-number',
          identityId: flow.identityId,
          problem: problem(
            'access-number-expired',
            false,
            'The access number has expired. Type the new number the other browser shows.',
          ),
        },
      };
    }
    if (flow.screen === 'setup-pin' && !(await session.getClientSecret(flow.identityId, now()))) {
      const identity = await s.getIdentity(flow.identityId);
      if (!identity) return { flow: await restingFlow() };
      return {
        flow: withProblem(
          { screen: 'register', origin: identity.origin, email: identity.userId },
          problem(
            'registration-expired',
            false,
            'The time to choose a PIN ran out (10 minutes) and the registration was forgotten. Please register again.',
          ),
        ),
        change: { deleteIdentities: [identity.id], selected: null },
      };
    }
    return undefined;
  }

  /** The flow to show now: the stored one, unless it is gone or its time is up (then the store is updated too). */
  async function currentFlow(): Promise<FlowRecord> {
    const s = await store();
    const flow = await s.getFlow();
    if (!flow || !(await flowIsValid(s, flow))) return restingFlow();
    const replaced = await expiredReplacement(s, flow);
    if (!replaced) return flow;
    // Written in turn with the intents (getState is not queued), so that it never overwrites a newer flow.
    void serial(expireNow).catch(() => console.warn('[mpin] expiry failed'));
    return replaced.flow;
  }

  /**
   * R23, R3: wipes what has expired even if nobody looks (the expiry alarm calls this): secrets in storage.session,
   * and a flow whose time is up is overwritten in IndexedDB (with its access number and tab id). Then arms the alarm
   * for the next expiry. Runs in turn with the intents.
   */
  async function expireNow(): Promise<void> {
    const nextSecret = await session.sweep(now());
    const s = await store();
    const flow = await s.getFlow();
    let nextFlow: number | undefined;
    if (flow) {
      const replaced = await expiredReplacement(s, flow);
      if (replaced) await commit({ ...replaced.change, flow: replaced.flow });
      else nextFlow = await flowDeadline(s, flow);
    }
    const next = [nextSecret, nextFlow].filter((t): t is number => t !== undefined);
    await platform.scheduleExpiry(next.length ? Math.min(...next) : undefined);
  }

  /** An intent or a page's request, then the expiry alarm armed for whatever it left behind. */
  function serialWithExpiry<T>(fn: () => Promise<T>): Promise<T> {
    return serial(async () => {
      try {
        return await fn();
      } finally {
        await expireNow().catch(() => console.warn('[mpin] expiry failed'));
      }
    });
  }

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

  async function render(flow: FlowRecord, detect = false): Promise<UiState> {
    const s = await store();
    const identity = 'identityId' in flow ? await s.getIdentity(flow.identityId) : undefined;
    const p = 'problem' in flow && flow.problem ? { problem: flow.problem } : {};
    let state: UiState;
    switch (flow.screen) {
      case 'add-service': {
        const origin = flow.scanned ?? (detect && !p.problem ? await platform.detectPinpad() : undefined);
        state = { screen: 'add-service', ...(origin ? { detected: serviceInfo(origin) } : {}), ...p };
        break;
      }
      case 'register': {
        const service = await s.getService(flow.origin);
        if (!service) return render(await restingFlow());
        const dta2 = secondDtaHost(flow.origin, service.clientSettings);
        state = {
          screen: 'register',
          service: serviceInfo(flow.origin),
          setDeviceName: service.clientSettings.setDeviceName,
          deviceNameSuggestion: platform.deviceNameSuggestion().slice(0, 64),
          email: flow.email,
          ...(dta2 ? { secondDta: dta2 } : {}),
          ...p,
        };
        break;
      }
      case 'menu': {
        const identities = await s.listIdentities();
        const selectedId = await s.getSelected();
        state = { screen: 'menu', identities: identities.map(summary), ...(selectedId ? { selectedId } : {}) };
        break;
      }
      default: {
        if (!identity) return render(await restingFlow());
        const id = summary(identity);
        switch (flow.screen) {
          case 'email-sent':
            state = { screen: 'email-sent', identity: id, resent: flow.resent, ...p };
            break;
          case 'setup-pin':
            state = { screen: 'setup-pin', identity: id, ...p };
            break;
          case 'home':
            state = {
              screen: 'home',
              identity: id,
              identityCount: Math.max(1, (await s.listIdentities()).length),
              ...p,
            };
            break;
          case 'access-number':
            state = {
              screen: 'access-number',
              identity: id,
              digits: identity.clientSettings.accessNumberDigits,
              useCheckSum: identity.clientSettings.accessNumberUseCheckSum,
              ...p,
            };
            break;
          case 'pin':
            state = {
              screen: 'pin',
              identity: id,
              purpose: flow.purpose,
              ...(flow.accessNumber ? { accessNumber: flow.accessNumber } : {}),
              target: serviceInfo(flow.targetOrigin),
              ...p,
            };
            break;
          case 'wrong-pin':
            state = { screen: 'wrong-pin', identity: id };
            break;
          case 'wrong-access-number':
            state = { screen: 'wrong-access-number', identity: id, problem: flow.problem };
            break;
          case 'blocked':
            state = { screen: 'blocked', userId: identity.userId, service: serviceInfo(identity.origin) };
            break;
          case 'success':
            state = {
              screen: 'success',
              userId: identity.userId,
              service: serviceInfo(flow.targetOrigin),
              purpose: flow.purpose,
              // the sign-out data is forgotten after a while (R23): then there is nothing left to sign out with
              canSignOut: flow.canSignOut && (await session.getSignOut(now())) !== undefined,
              signedOut: flow.signedOut,
              ...p,
            };
            break;
          case 'manage':
            state = { screen: 'manage', identity: id };
            break;
          case 'confirm-reset':
            state = { screen: 'confirm-reset', identity: id, ...p };
            break;
          case 'confirm-remove':
            state = { screen: 'confirm-remove', identity: id };
            break;
        }
      }
    }
    const checked = UiState.safeParse(state);
    if (checked.success) return checked.data;
    console.warn('[mpin] internal error: a state did not match the UiState contract');
    return { screen: 'add-service', problem: problem('internal') };
  }

  async function show(flow: FlowRecord, extra: Omit<Change, 'flow'> = {}): Promise<UiState> {
    await commit({ ...extra, flow });
    return render(flow);
  }

  async function identityOf(flow: FlowRecord): Promise<IdentityRecord | undefined> {
    return 'identityId' in flow ? (await store()).getIdentity(flow.identityId) : undefined;
  }

  // ---- use cases ----

  async function addService(url: string, intent: Intent): Promise<UiState> {
    const current = await currentFlow();
    const origin = originOfUrl(url);
    if (!origin) return show(withProblem({ screen: 'add-service' }, problem('invalid-url')));
    if (!(await platform.hasHostPermission(origin)))
      return show(withProblem({ screen: 'add-service' }, problem('permission-denied')));
    let settings;
    try {
      settings = await fetchClientSettings(origin, options.rps);
    } catch (e) {
      const p = isHttp(e, 404)
        ? problem('malformed', false, 'No M-Pin service was found at this address.')
        : e instanceof RpsError && e.kind === 'origin'
          ? problem(
              'malformed',
              false,
              'The service was not added: its settings send data to another site, or to an address without https.',
            )
          : problemOf(e);
      return show(
        withProblem(current.screen === 'add-service' ? fresh(current) : { screen: 'add-service' }, p, intent),
      );
    }
    const s = await store();
    const existing = await s.getService(origin);
    const service: ServiceRecord = { origin, clientSettings: settings, added: existing?.added ?? now() };
    const state = await show({ screen: 'register', origin, email: '' }, { putServices: [service] });
    await platform.syncContentScripts((await s.listServices()).map((x) => x.origin));
    return state;
  }

  /** PUT /rps/user; the new identity replaces any other for the same e-mail on the same service (Milagro's deleteOldIdentity). */
  async function register(
    origin: string,
    email: string,
    deviceName: string,
    intent: Intent,
    failFlow: FlowRecord,
  ): Promise<UiState> {
    const s = await store();
    const service = await s.getService(origin);
    if (!service) return show(await restingFlow());
    const userId = email.trim().toLowerCase();
    if (!isEmail(userId)) return show(withProblem({ screen: 'register', origin, email }, problem('invalid-email')));
    const settings = service.clientSettings;
    const name = (deviceName.trim() || platform.deviceNameSuggestion()).slice(0, 64);
    let reg;
    try {
      reg = await client(origin, settings).register(userId, settings.setDeviceName ? name : undefined);
      if (parseMpinId(reg.mpinId).fields.userID !== userId) throw new RpsError('malformed', 'register');
    } catch (e) {
      const p =
        e instanceof RpsError && e.kind === 'http' && e.status === 400
          ? problem('invalid-email', false, MESSAGES['invalid-email'])
          : problemOf(e);
      return show(withProblem(failFlow, p, intent));
    }
    const old = (await s.listIdentities()).filter((i) => i.origin === origin && i.userId === userId);
    for (const o of old) await session.clearClientSecret(o.id);
    const identity: IdentityRecord = {
      id: toHex(randomBytes(16)),
      origin,
      clientSettings: settings,
      userId,
      deviceName: name,
      mpinIdHex: reg.mpinId.toLowerCase(),
      state: reg.active ? 'activated' : 'started',
      regOTT: reg.regOTT,
      created: now(),
      lastUsed: now(),
    };
    const flow: FlowRecord = { screen: 'email-sent', identityId: identity.id, resent: false };
    await commit({ deleteIdentities: old.map((o) => o.id), putIdentities: [identity], flow, selected: identity.id });
    // Activated at once (the service verified the user itself): go straight on, as "I confirmed my email".
    if (reg.active) return confirmedEmail(identity, { kind: 'confirmedEmail' });
    return render(flow);
  }

  async function confirmedEmail(identity: IdentityRecord, intent: Intent): Promise<UiState> {
    const flow: FlowRecord = { screen: 'email-sent', identityId: identity.id, resent: false };
    if (!identity.regOTT) return show(withProblem(flow, problem('registration-expired')));
    const rps = client(identity.origin, identity.clientSettings);
    let cs: string;
    try {
      const sig = await rps.signature(identity.mpinIdHex, identity.regOTT);
      const cloud = await rps.cloudClientSecret(sig.params);
      cs = toHex(mpin.recombineG1(fromHex(sig.clientSecretShare), fromHex(cloud)));
    } catch (e) {
      if (isHttp(e, 401)) return show(withProblem(flow, problem('not-confirmed')));
      if (isHttp(e, 400)) return show(withProblem(flow, problem('registration-expired')));
      return show(withProblem(flow, problemOf(e), intent));
    }
    await session.setClientSecret(identity.id, cs, now());
    return show(
      { screen: 'setup-pin', identityId: identity.id },
      { putIdentities: [{ ...identity, state: 'activated' }] },
    );
  }

  async function resendEmail(identity: IdentityRecord, intent: Intent): Promise<UiState> {
    const flow: FlowRecord = { screen: 'email-sent', identityId: identity.id, resent: false };
    if (!identity.regOTT) return show(withProblem(flow, problem('registration-expired')));
    try {
      const reg = await client(identity.origin, identity.clientSettings).resend(
        identity.mpinIdHex,
        identity.userId,
        identity.regOTT,
      );
      if (parseMpinId(reg.mpinId).fields.userID !== identity.userId) throw new RpsError('malformed', 'resend');
      const updated: IdentityRecord = {
        ...identity,
        mpinIdHex: reg.mpinId.toLowerCase(),
        regOTT: reg.regOTT,
        state: reg.active ? 'activated' : 'started',
      };
      return show({ screen: 'email-sent', identityId: identity.id, resent: true }, { putIdentities: [updated] });
    } catch (e) {
      if (isHttp(e, 400)) return show(withProblem(flow, problem('registration-expired')));
      return show(withProblem(flow, problemOf(e), intent));
    }
  }

  async function setPin(identity: IdentityRecord, pin: string): Promise<UiState> {
    const cs = await session.getClientSecret(identity.id, now());
    if (!cs)
      return show(
        withProblem(
          { screen: 'register', origin: identity.origin, email: identity.userId },
          problem('registration-expired'),
        ),
        { deleteIdentities: [identity.id] },
      );
    let token: string;
    try {
      token = toHex(mpin.extractPin(fromHex(identity.mpinIdHex), pinFromDigits(pin), fromHex(cs)));
    } catch (e) {
      return show(withProblem({ screen: 'setup-pin', identityId: identity.id }, problemOf(e)));
    }
    const { regOTT: _wiped, ...rest } = identity;
    const registered: IdentityRecord = { ...rest, token, state: 'registered', lastUsed: now() };
    await commit({
      putIdentities: [registered],
      flow: { screen: 'home', identityId: identity.id },
      selected: identity.id,
    });
    await session.clearClientSecret(identity.id);
    try {
      await client(identity.origin, identity.clientSettings).setupDone(identity.mpinIdHex);
    } catch {
      console.warn('[mpin] setupDone failed (ignored)');
    }
    return render({ screen: 'home', identityId: identity.id });
  }

  async function submitAccessNumber(identity: IdentityRecord, accessNumber: string): Promise<UiState> {
    const cfg = identity.clientSettings;
    const an = accessNumber.trim();
    const ok = (() => {
      try {
        return isValidAccessNumber(an, {
          digits: cfg.accessNumberDigits,
          useCheckSum: cfg.accessNumberUseCheckSum,
          cSum: cfg.cSum,
        });
      } catch {
        return false;
      }
    })();
    if (!ok)
      return show(withProblem({ screen: 'access-number', identityId: identity.id }, problem('invalid-access-number')));
    return show({
      screen: 'pin',
      identityId: identity.id,
      purpose: 'remote',
      accessNumber: an,
      targetOrigin: identity.origin,
      enteredAt: now(),
    });
  }

  /** Whether the tab of a page's sign-in request still shows the service it asked for (and has its nonce). */
  async function tabStillShows(flow: Extract<FlowRecord, { screen: 'pin' }>): Promise<boolean> {
    if (flow.tabId === undefined || flow.nonce === undefined) return false;
    return (await platform.tabOrigin(flow.tabId)) === flow.targetOrigin;
  }

  /**
   * The page that asked for a sign-in on this browser is gone (its tab shows another site, or another document, or
   * was closed): nothing is sent to it, and the popup says so. `used`: the identity after a pass 2 that was not used.
   */
  function pageChanged(
    identity: IdentityRecord,
    flow: Extract<FlowRecord, { screen: 'pin' }>,
    used?: IdentityRecord,
  ): Promise<UiState> {
    const name = serviceInfo(flow.targetOrigin).name;
    return show(
      withProblem(
        { screen: 'home', identityId: identity.id },
        problem(
          'page-changed',
          false,
          `The page that asked to sign in no longer shows ${name}: it went to another site, was reloaded or was closed. Nothing was sent to it. To sign in, open ${name} again and choose "Sign in with M-Pin Authenticator".`,
        ),
      ),
      used ? { putIdentities: [used] } : {},
    );
  }

  /** Blocks an identity (410): token and cached permit deleted, no further request for it (R2). */
  function blockChange(identity: IdentityRecord): Change {
    const { token: _t, timePermitCache: _c, ...rest } = identity;
    return { putIdentities: [{ ...rest, state: 'blocked' }], flow: { screen: 'blocked', identityId: identity.id } };
  }

  async function login(
    identity: IdentityRecord,
    flow: Extract<FlowRecord, { screen: 'pin' }>,
    pinDigits: string,
  ): Promise<UiState> {
    const pinFlow = fresh(flow);
    if (identity.state !== 'registered' || !identity.token) return show({ screen: 'blocked', identityId: identity.id });
    if (flow.purpose === 'remote' && !flow.accessNumber)
      return show({ screen: 'access-number', identityId: identity.id });
    // A sign-in on this browser goes to the page that asked, and only while its tab still shows that service: check
    // before the PIN is used at all, and again before the authOTT is handed over.
    if (flow.purpose === 'local' && !(await tabStillShows(flow))) return pageChanged(identity, flow);
    const rps = client(identity.origin, identity.clientSettings);
    let authOTT: string;
    let cache = identity.timePermitCache;
    try {
      const local = await rps.timePermit(identity.mpinIdHex).catch((e: unknown) => {
        if (isHttp(e, 401, 403, 410)) throw new RevokedError();
        throw e;
      });
      const share = cache && cache.date === local.date ? cache.share : (await rps.cloudTimePermit(local)).toLowerCase();
      cache = { date: local.date, share };
      const permit = mpin.recombineG1(fromHex(local.timePermit), fromHex(share));
      const mpinId = fromHex(identity.mpinIdHex);
      const c1 = mpin.client1({
        mpinId,
        pin: pinFromDigits(pinDigits),
        token: fromHex(identity.token),
        date: local.date,
        timePermit: permit,
      });
      const p1 = await rps.pass1(identity.mpinIdHex, toHex(c1.u), toHex(c1.ut!));
      const v = mpin.client2(c1.x, fromHex(p1.y), c1.sec);
      const wid = flow.purpose === 'remote' ? flow.accessNumber! : '0';
      authOTT = (await rps.pass2(identity.mpinIdHex, toHex(v), wid)).authOTT;
    } catch (e) {
      if (e instanceof RevokedError) return show(withProblem(pinFlow, problem('revoked')));
      return show(withProblem(pinFlow, problemOf(e)));
    }
    const used: IdentityRecord = { ...identity, timePermitCache: cache, lastUsed: now() };
    const { problem: _p, retry: _r, screen: _s, ...pinFields } = flow;
    const wrongPin: FlowRecord = { ...pinFields, screen: 'wrong-pin' };

    if (flow.purpose === 'local') {
      let status: number | 'page-changed' | undefined;
      try {
        // The service's own authenticateURL (its clientSettings, on its origin), never one a page names.
        const authenticateURL = rps.authenticateUrl();
        if (flow.tabId === undefined || flow.nonce === undefined || flow.targetOrigin !== identity.origin)
          throw new RpsError('origin', 'authenticateURL');
        if (!(await tabStillShows(flow))) return pageChanged(identity, flow, used);
        status = await platform.completeSignIn(
          flow.tabId,
          { type: 'completeSignIn', authOTT, authenticateURL, origin: flow.targetOrigin, nonce: flow.nonce },
          flow.documentId,
        );
      } catch (e) {
        return show(withProblem(pinFlow, problemOf(e)), { putIdentities: [used] });
      }
      if (status === 'page-changed') return pageChanged(identity, flow, used);
      if (status === 200)
        return show(
          {
            screen: 'success',
            identityId: identity.id,
            purpose: 'local',
            targetOrigin: identity.origin,
            canSignOut: false,
            signedOut: false,
          },
          { putIdentities: [used] },
        );
      if (status === 401) return show(wrongPin, { putIdentities: [used] });
      if (status === 410) return show({ screen: 'blocked', identityId: identity.id }, blockChange(used));
      if (status === 403) return show(withProblem(pinFlow, problem('not-authorized')), { putIdentities: [used] });
      if (status === 408)
        return show(
          withProblem(pinFlow, problem('access-number-expired', false, 'The auth request expired! Try again.')),
          { putIdentities: [used] },
        );
      return show(
        withProblem(pinFlow, problem('internal', false, 'The page could not be signed in: reload it and try again.')),
        { putIdentities: [used] },
      );
    }

    try {
      const done = await rps.mobileAuthenticate(authOTT);
      const canSignOut = done.logoutURL !== '' && done.logoutData !== undefined;
      await session.clearSignOut();
      if (canSignOut)
        await session.setSignOut(
          { identityId: identity.id, origin: identity.origin, logoutURL: done.logoutURL, logoutData: done.logoutData },
          now(),
        );
      return show(
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
      if (isHttp(e, 401)) return show(wrongPin, { putIdentities: [used] });
      if (isHttp(e, 410)) return show({ screen: 'blocked', identityId: identity.id }, blockChange(used));
      if (isHttp(e, 412))
        return show(
          { screen: 'wrong-access-number', identityId: identity.id, problem: problem('unknown-access-number') },
          { putIdentities: [used] },
        );
      if (isHttp(e, 408))
        return show(
          withProblem({ screen: 'access-number', identityId: identity.id }, problem('access-number-expired')),
          { putIdentities: [used] },
        );
      return show(withProblem(pinFlow, problemOf(e)), { putIdentities: [used] });
    }
  }

  async function signOut(flow: Extract<FlowRecord, { screen: 'success' }>, intent: Intent): Promise<UiState> {
    const base = fresh(flow);
    const identity = await identityOf(flow);
    const data = await session.getSignOut(now());
    if (!identity || !data || data.identityId !== identity.id || data.origin !== identity.origin) {
      return show(
        withProblem(
          { ...base, canSignOut: false },
          problem('sign-out-failed', false, 'Sign out was unsuccessful! The sign-out data has expired.'),
        ),
      );
    }
    try {
      await client(identity.origin, identity.clientSettings).logout(data.logoutURL, data.logoutData);
    } catch (e) {
      if (e instanceof RpsError && (e.kind === 'network' || e.kind === 'timeout'))
        return show(withProblem(base, problemOf(e), intent));
      if (e instanceof RpsError && e.kind === 'origin') {
        await session.clearSignOut();
        return show(
          withProblem(
            { ...base, canSignOut: false },
            problem('sign-out-failed', false, 'Sign out was refused: the service asked to send it to another site.'),
          ),
        );
      }
      return show(withProblem(base, problem('sign-out-failed')));
    }
    await session.clearSignOut();
    return show({ ...base, signedOut: true, canSignOut: false });
  }

  async function removeIdentity(identity: IdentityRecord): Promise<UiState> {
    await session.clearClientSecret(identity.id);
    const s = await store();
    const others = (await s.listIdentities()).filter((i) => i.id !== identity.id);
    const next = others.sort((a, b) => b.lastUsed - a.lastUsed)[0];
    const flow: FlowRecord = next ? await flowFor(next) : { screen: 'register', origin: identity.origin, email: '' };
    return show(flow, { deleteIdentities: [identity.id], selected: next ? next.id : null });
  }

  /**
   * Whether a page's sign-in request must wait: a page never replaces what the user is in the middle of (a
   * registration or a reset, a remote sign-in being typed or holding its access number, a success screen whose "Sign
   * out" still works, or another page's PIN screen); the user finishes or cancels, then the page may ask again.
   */
  async function busyForPage(flow: FlowRecord, origin: string, tabId: number): Promise<boolean> {
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
        return flow.canSignOut && !flow.signedOut && (await session.getSignOut(now())) !== undefined;
      default:
        return false;
    }
  }

  async function leave(flow: FlowRecord): Promise<void> {
    if (flow.screen === 'success') await session.clearSignOut();
  }

  async function run(intent: Intent): Promise<UiState> {
    const flow = await currentFlow();
    const identity = await identityOf(flow);
    const s = await store();
    switch (intent.kind) {
      case 'addService':
        return addService(intent.url, intent);
      case 'scanQr': {
        // "Setup your phone" shows the service's URL as a QR code: offer that service, whose host access the
        // popup then asks for when the user takes it
        const text = await platform.scanQr();
        const scanned = text && /^https?:\/\//i.test(text) ? originOfUrl(text) : undefined; // https (or this computer)
        if (!scanned)
          return show(
            withProblem(
              { screen: 'add-service' },
              problem(
                'no-qr',
                false,
                'No QR code with a web address was found on this tab. Open the popup on the page that shows it, or type the address shown under it.',
              ),
            ),
          );
        return show({ screen: 'add-service', scanned });
      }
      case 'register':
        if (flow.screen !== 'register') break;
        return register(flow.origin, intent.email, intent.deviceName, intent, {
          screen: 'register',
          origin: flow.origin,
          email: intent.email,
        });
      case 'confirmedEmail':
        if (flow.screen !== 'email-sent' || !identity) break;
        return confirmedEmail(identity, intent);
      case 'resendEmail':
        if (flow.screen !== 'email-sent' || !identity) break;
        return resendEmail(identity, intent);
      case 'setPin':
        if (flow.screen !== 'setup-pin' || !identity) break;
        return setPin(identity, intent.pin);
      case 'startSignIn':
        if (flow.screen !== 'home' || !identity) break;
        return show({ screen: 'access-number', identityId: identity.id });
      case 'submitAccessNumber':
        if ((flow.screen !== 'access-number' && flow.screen !== 'wrong-access-number') || !identity) break;
        return submitAccessNumber(identity, intent.accessNumber);
      case 'login':
        if (flow.screen !== 'pin' || !identity) break;
        return login(identity, flow, intent.pin);
      case 'signOut':
        if (flow.screen !== 'success' || !flow.canSignOut) break;
        return signOut(flow, intent);
      case 'home':
      case 'cancel': {
        await leave(flow);
        if (intent.kind === 'cancel' && flow.screen === 'email-sent' && identity) {
          // Cancel a registration in progress: forget it, back to the form with the e-mail.
          await session.clearClientSecret(identity.id);
          return show(
            { screen: 'register', origin: identity.origin, email: identity.userId },
            { deleteIdentities: [identity.id], selected: null },
          );
        }
        if (flow.screen === 'register' && (await s.listIdentities()).length === 0 && intent.kind === 'cancel')
          return show({ screen: 'add-service' });
        return show(await restingFlow());
      }
      case 'retry': {
        const replay = 'retry' in flow ? flow.retry : undefined;
        if (replay) {
          await commit({ flow: fresh(flow) });
          return run(replay);
        }
        if (flow.screen === 'wrong-pin') {
          const { screen: _s, ...rest } = flow;
          return show({ ...rest, screen: 'pin' });
        }
        if (flow.screen === 'wrong-access-number')
          return show({ screen: 'access-number', identityId: flow.identityId });
        return show(fresh(flow));
      }
      case 'openMenu':
        await leave(flow);
        return show({ screen: 'menu' });
      case 'selectIdentity': {
        const chosen = await s.getIdentity(intent.id);
        if (!chosen) break;
        await leave(flow);
        return show(await flowFor(chosen), { selected: chosen.id });
      }
      case 'addIdentity': {
        await leave(flow);
        const origin =
          identity?.origin ??
          (await s.getIdentity((await s.getSelected()) ?? ''))?.origin ??
          (await s.listServices())[0]?.origin;
        return show(origin ? { screen: 'register', origin, email: '' } : { screen: 'add-service' });
      }
      case 'manage': {
        const chosen = await s.getIdentity(intent.id);
        if (!chosen) break;
        return show({ screen: 'manage', identityId: chosen.id });
      }
      case 'resetPin':
        if (flow.screen !== 'manage' || !identity) break;
        return show({ screen: 'confirm-reset', identityId: identity.id });
      case 'confirmReset':
        if (flow.screen !== 'confirm-reset' || !identity) break;
        // A new registration for the same e-mail (Milagro); the old identity goes only once the new one exists.
        return register(identity.origin, identity.userId, identity.deviceName, intent, {
          screen: 'confirm-reset',
          identityId: identity.id,
        });
      case 'removeIdentity':
        if (flow.screen !== 'manage' || !identity) break;
        return show({ screen: 'confirm-remove', identityId: identity.id });
      case 'confirmRemove':
        if (flow.screen !== 'confirm-remove' || !identity) break;
        return removeIdentity(identity);
      case 'registerAgain':
        if (flow.screen !== 'blocked' || !identity) break;
        return show({ screen: 'register', origin: identity.origin, email: identity.userId });
    }
    console.warn(`[mpin] intent ignored: ${intent.kind} on ${flow.screen}`);
    return render(flow);
  }

  return {
    // Not queued behind a running intent (a remote login can wait ~10 s for the other browser): it reads the last
    // committed state.
    getState: async () => {
      const flow = await currentFlow();
      return render(flow, flow.screen === 'add-service');
    },
    dispatch: (intent) => serialWithExpiry(() => run(intent)),
    pinpadFound: (origin) =>
      (async () => {
        const s = await store();
        const selected = await s.getSelected();
        const candidates = (await s.listIdentities()).filter(
          (i) => i.origin === origin && i.state === 'registered' && i.token,
        );
        const identity =
          candidates.find((i) => i.id === selected) ?? candidates.sort((a, b) => b.lastUsed - a.lastUsed)[0];
        return identity ? { offer: true, userId: identity.userId } : { offer: false };
      })(),
    isService: async (origin) =>
      isAllowedServiceOrigin(origin) && (await (await store()).getService(origin)) !== undefined,
    requestLocalSignIn: (origin, tabId, documentId) =>
      serialWithExpiry(async () => {
        const s = await store();
        const flow = await currentFlow();
        if (await busyForPage(flow, origin, tabId)) return { queued: false, reason: 'busy' as const };
        const selected = await s.getSelected();
        const candidates = (await s.listIdentities()).filter(
          (i) => i.origin === origin && i.state === 'registered' && i.token,
        );
        const identity =
          candidates.find((i) => i.id === selected) ?? candidates.sort((a, b) => b.lastUsed - a.lastUsed)[0];
        if (!identity) return { queued: false };
        await leave(flow);
        // The answer goes to this tab's document that asked, only while it shows this origin, and only with this
        // nonce, which that content script alone learns (from this reply).
        const nonce = toHex(randomBytes(16));
        await commit({
          flow: {
            screen: 'pin',
            identityId: identity.id,
            purpose: 'local',
            targetOrigin: origin,
            tabId,
            ...(documentId ? { documentId } : {}),
            nonce,
            enteredAt: now(),
          },
          selected: identity.id,
        });
        await platform.openPopup();
        return { queued: true, nonce };
      }),
    expire: () => serial(expireNow),
    syncContentScripts: async () =>
      platform.syncContentScripts((await (await store()).listServices()).map((x) => x.origin)),
    identityCount: async () => (await (await store()).listIdentities()).length,
  };
}

class RevokedError extends Error {}

let shared: App | undefined;
/** The background's one App. */
export function getApp(): App {
  return (shared ??= createApp());
}
