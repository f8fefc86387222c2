// The stored flow, rendered into the UiState the popup shows: the flow refers to identities and services by id and
// origin, the UiState carries what the screen needs of them (never a token or a secret), checked against the
// contract before it leaves.
import { secondDtaHost } from '../rps/client';
import type { Change } from '../store/db';
import type { FlowRecord, IdentityRecord, ServiceRecord } from '../store/records';
import { UiState, type IdentitySummary, type ServiceChoice } from '../ui-state';
import type { Context } from './context';
import { restingFlow } from './flows';
import { serviceInfo } from './origin';
import { problem } from './problems';
import * as session from './session';

/** What the popup may know of an identity. */
export function summary(i: IdentityRecord): IdentitySummary {
  return { id: i.id, userId: i.userId, deviceName: i.deviceName, service: serviceInfo(i.origin), state: i.state };
}

/** A service as the registration form offers it: what the form asks for there. */
function serviceChoice(service: ServiceRecord): ServiceChoice {
  const dta2 = secondDtaHost(service.origin, service.clientSettings);
  return {
    ...serviceInfo(service.origin),
    setDeviceName: service.clientSettings.setDeviceName,
    ...(dta2 ? { secondDta: dta2 } : {}),
  };
}

/** The UiState of a flow; `detect`: look for a PIN pad on the active tab (the add-service screen, when asked). */
export async function render(ctx: Context, flow: FlowRecord, detect = false): Promise<UiState> {
  const s = await ctx.store();
  const identity = 'identityId' in flow ? await s.getIdentity(flow.identityId) : undefined;
  const p = 'problem' in flow && flow.problem ? { problem: flow.problem } : {};
  let state: UiState;
  switch (flow.screen) {
    case 'add-service': {
      const added = (await s.listServices()).map((x) => x.origin);
      const found = !flow.scanned && detect && !p.problem ? await ctx.platform.detectPinpad() : undefined;
      // a PIN pad of a service added before is nothing new to offer; a scanned QR code is what the user asked for
      const origin = flow.scanned ?? (found && !added.includes(found) ? found : undefined);
      state = {
        screen: 'add-service',
        ...(origin ? { detected: serviceInfo(origin) } : {}),
        ...(added.length ? { canCancel: true } : {}),
        ...p,
      };
      break;
    }
    case 'register': {
      const services = await s.listServices();
      const service = services.find((x) => x.origin === flow.origin);
      if (!service) return render(ctx, await restingFlow(ctx));
      const { name: _name, origin: _origin, ...form } = serviceChoice(service);
      state = {
        screen: 'register',
        service: serviceInfo(flow.origin),
        ...form,
        deviceNameSuggestion: ctx.platform.deviceNameSuggestion().slice(0, 64),
        email: flow.email,
        services: services.map(serviceChoice).sort((a, b) => a.name.localeCompare(b.name)),
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
      if (!identity) return render(ctx, await restingFlow(ctx));
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
            ...(flow.notice ? { notice: flow.notice } : {}),
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
            ...(flow.pc ? { pc: flow.pc } : {}),
            ...(flow.expiresAt !== undefined ? { expiresAt: flow.expiresAt } : {}),
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
            canSignOut: flow.canSignOut && (await session.getSignOut(ctx.now())) !== undefined,
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

/** Commits a flow (and what goes with it) in one transaction, then renders it. */
export async function show(ctx: Context, flow: FlowRecord, extra: Omit<Change, 'flow'> = {}): Promise<UiState> {
  await ctx.commit({ ...extra, flow });
  return render(ctx, flow);
}
