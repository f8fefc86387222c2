// Getting an identity: add a service (its URL, or its QR code on the tab), register an e-mail address (PUT
// /rps/user), "I confirmed my email" (the client secret from both D-TAs, kept in memory only: R1), "Resend
// confirmation email", and the PIN that turns the client secret into the token (R5). "Reset PIN" is a new
// registration for the same e-mail address. Each registration makes its own device key (newDeviceKey), sent with it
// and kept in the identity record: it later proves the identity's claim on a PC's access number (issue 11).
import { fromHex, mpin, parseMpinId, pinFromDigits, randomBytes, toHex } from '../mpin/index';
import { isEmail } from '../rps/email';
import { fetchClientSettings, newDeviceKey, RpsError } from '../rps/client';
import type { FlowRecord, IdentityRecord, ServiceRecord } from '../store/records';
import type { Intent, UiState } from '../ui-state';
import type { Context } from './context';
import { restingFlow } from './flows';
import { originOfUrl } from './origin';
import { fresh, isHttp, problem, problemOf, withProblem } from './problems';
import { render, show } from './render';
import * as session from './session';

/** Adds (or refreshes) a service from its URL: its clientSettings, checked (R7), then the registration form. */
export async function addService(ctx: Context, current: FlowRecord, url: string, intent: Intent): Promise<UiState> {
  const origin = originOfUrl(url);
  if (!origin) return show(ctx, withProblem({ screen: 'add-service' }, problem('invalid-url')));
  if (!(await ctx.platform.hasHostPermission(origin)))
    return show(ctx, withProblem({ screen: 'add-service' }, problem('permission-denied')));
  let settings;
  try {
    settings = await fetchClientSettings(origin, ctx.rps);
  } catch (e) {
    const p = isHttp(e, 404)
      ? problem('malformed', false, 'no-service')
      : e instanceof RpsError && e.kind === 'origin'
        ? problem('malformed', false, 'unsafe-settings')
        : problemOf(e);
    return show(
      ctx,
      withProblem(current.screen === 'add-service' ? fresh(current) : { screen: 'add-service' }, p, intent),
    );
  }
  const s = await ctx.store();
  const existing = await s.getService(origin);
  const service: ServiceRecord = { origin, clientSettings: settings, added: existing?.added ?? ctx.now() };
  const state = await show(ctx, { screen: 'register', origin, email: '' }, { putServices: [service] });
  await ctx.platform.syncContentScripts((await s.listServices()).map((x) => x.origin));
  return state;
}

/** "Setup your phone" shows the service's URL as a QR code: offer that service (its host access is asked for then). */
export async function scanQr(ctx: Context): Promise<UiState> {
  const text = await ctx.platform.scanQr();
  const scanned = text && /^https?:\/\//i.test(text) ? originOfUrl(text) : undefined; // https (or this computer)
  if (!scanned) return show(ctx, withProblem({ screen: 'add-service' }, problem('no-qr')));
  return show(ctx, { screen: 'add-service', scanned });
}

/**
 * PUT /rps/user; the new identity replaces any other for the same e-mail on the same service (Milagro's
 * deleteOldIdentity). `failFlow`: where a failed request leaves the user (the form, or the reset confirmation).
 */
export async function register(
  ctx: Context,
  origin: string,
  email: string,
  deviceName: string,
  intent: Intent,
  failFlow: FlowRecord,
): Promise<UiState> {
  const s = await ctx.store();
  const service = await s.getService(origin);
  if (!service) return show(ctx, await restingFlow(ctx));
  const userId = email.trim().toLowerCase();
  if (!isEmail(userId)) return show(ctx, withProblem({ screen: 'register', origin, email }, problem('invalid-email')));
  const settings = service.clientSettings;
  const name = (deviceName.trim() || ctx.platform.deviceNameSuggestion()).slice(0, 64);
  const deviceKey = newDeviceKey();
  let reg;
  try {
    reg = await ctx.client(service).register(userId, settings.setDeviceName ? name : undefined, deviceKey);
    if (parseMpinId(reg.mpinId).fields.userID !== userId) throw new RpsError('malformed', 'register');
  } catch (e) {
    return show(ctx, withProblem(failFlow, isHttp(e, 400) ? problem('invalid-email') : problemOf(e), intent));
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
    deviceKey,
    created: ctx.now(),
    lastUsed: ctx.now(),
  };
  const flow: FlowRecord = { screen: 'email-sent', identityId: identity.id, resent: false };
  await ctx.commit({ deleteIdentities: old.map((o) => o.id), putIdentities: [identity], flow, selected: identity.id });
  // Activated at once (the service verified the user itself): go straight on, as "I confirmed my email".
  if (reg.active) return confirmedEmail(ctx, identity, { kind: 'confirmedEmail' });
  return render(ctx, flow);
}

/** "I confirmed my email": the client secret from both D-TAs, recombined and kept in memory only (R1). */
export async function confirmedEmail(ctx: Context, identity: IdentityRecord, intent: Intent): Promise<UiState> {
  const flow: FlowRecord = { screen: 'email-sent', identityId: identity.id, resent: false };
  if (!identity.regOTT) return show(ctx, withProblem(flow, problem('registration-expired')));
  const rps = ctx.client(identity);
  let cs: string;
  try {
    const sig = await rps.signature(identity.mpinIdHex, identity.regOTT);
    const cloud = await rps.cloudClientSecret(sig.params);
    cs = toHex(mpin.recombineG1(fromHex(sig.clientSecretShare), fromHex(cloud)));
  } catch (e) {
    if (isHttp(e, 401)) return show(ctx, withProblem(flow, problem('not-confirmed')));
    if (isHttp(e, 400)) return show(ctx, withProblem(flow, problem('registration-expired')));
    return show(ctx, withProblem(flow, problemOf(e), intent));
  }
  await session.setClientSecret(identity.id, cs, ctx.now());
  return show(
    ctx,
    { screen: 'setup-pin', identityId: identity.id },
    { putIdentities: [{ ...identity, state: 'activated' }] },
  );
}

export async function resendEmail(ctx: Context, identity: IdentityRecord, intent: Intent): Promise<UiState> {
  const flow: FlowRecord = { screen: 'email-sent', identityId: identity.id, resent: false };
  if (!identity.regOTT) return show(ctx, withProblem(flow, problem('registration-expired')));
  try {
    // an expired registration is made afresh under a new mpin_id: with the same device name and device key
    const deviceName = identity.clientSettings.setDeviceName ? identity.deviceName : undefined;
    const reg = await ctx
      .client(identity)
      .resend(identity.mpinIdHex, identity.userId, identity.regOTT, deviceName, identity.deviceKey);
    if (parseMpinId(reg.mpinId).fields.userID !== identity.userId) throw new RpsError('malformed', 'resend');
    const updated: IdentityRecord = {
      ...identity,
      mpinIdHex: reg.mpinId.toLowerCase(),
      regOTT: reg.regOTT,
      state: reg.active ? 'activated' : 'started',
    };
    return show(ctx, { screen: 'email-sent', identityId: identity.id, resent: true }, { putIdentities: [updated] });
  } catch (e) {
    if (isHttp(e, 400)) return show(ctx, withProblem(flow, problem('registration-expired')));
    return show(ctx, withProblem(flow, problemOf(e), intent));
  }
}

/** "SETUP": the PIN taken out of the client secret gives the token (R5); the client secret is wiped (R1). */
export async function setPin(ctx: Context, identity: IdentityRecord, pin: string): Promise<UiState> {
  const cs = await session.getClientSecret(identity.id, ctx.now());
  if (!cs)
    return show(
      ctx,
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
    return show(ctx, withProblem({ screen: 'setup-pin', identityId: identity.id }, problemOf(e)));
  }
  const { regOTT: _wiped, ...rest } = identity;
  const registered: IdentityRecord = { ...rest, token, state: 'registered', lastUsed: ctx.now() };
  await ctx.commit({
    putIdentities: [registered],
    flow: { screen: 'home', identityId: identity.id },
    selected: identity.id,
  });
  await session.clearClientSecret(identity.id);
  try {
    await ctx.client(identity).setupDone(identity.mpinIdHex);
  } catch {
    console.warn('[mpin] setupDone failed (ignored)');
  }
  return render(ctx, { screen: 'home', identityId: identity.id });
}

/** "Cancel this registration": it is forgotten, and the form comes back with its e-mail address. */
export async function cancelRegistration(ctx: Context, identity: IdentityRecord): Promise<UiState> {
  await session.clearClientSecret(identity.id);
  return show(
    ctx,
    { screen: 'register', origin: identity.origin, email: identity.userId },
    { deleteIdentities: [identity.id], selected: null },
  );
}

/** "Yes, Reactivate it": a new registration for the same e-mail; the old identity goes once the new one exists. */
export function confirmReset(ctx: Context, identity: IdentityRecord, intent: Intent): Promise<UiState> {
  return register(ctx, identity.origin, identity.userId, identity.deviceName, intent, {
    screen: 'confirm-reset',
    identityId: identity.id,
  });
}
