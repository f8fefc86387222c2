// Where the popup goes when nothing is in progress, and which screen an identity's state calls for. The identity
// shown is the one the user selected, else the one used last (the same choice wherever one identity is picked).
import type { FlowRecord, IdentityRecord } from '../store/records';
import type { Context } from './context';
import * as session from './session';

/** The preferred identity when it is among them, else the one used last. */
export function pickIdentity<I extends Pick<IdentityRecord, 'id' | 'lastUsed'>>(
  identities: readonly I[],
  preferId?: string,
): I | undefined {
  return identities.find((i) => i.id === preferId) ?? [...identities].sort((a, b) => b.lastUsed - a.lastUsed)[0];
}

/** Where the popup goes when nothing is in progress. */
export async function restingFlow(ctx: Context, preferId?: string): Promise<FlowRecord> {
  const s = await ctx.store();
  const identity = pickIdentity(await s.listIdentities(), preferId ?? (await s.getSelected()));
  if (identity) return flowFor(ctx, identity);
  const services = await s.listServices();
  if (services.length) return { screen: 'register', origin: services[services.length - 1]!.origin, email: '' };
  return { screen: 'add-service' };
}

/** The screen for an identity by its state. */
export async function flowFor(ctx: Context, identity: IdentityRecord): Promise<FlowRecord> {
  switch (identity.state) {
    case 'registered':
      return { screen: 'home', identityId: identity.id };
    case 'blocked':
      return { screen: 'blocked', identityId: identity.id };
    case 'activated':
      if (await session.getClientSecret(identity.id, ctx.now()))
        return { screen: 'setup-pin', identityId: identity.id };
      return { screen: 'email-sent', identityId: identity.id, resent: false };
    case 'started':
      return { screen: 'email-sent', identityId: identity.id, resent: false };
  }
}

/** The identity a flow is about, if any. */
export async function identityOf(ctx: Context, flow: FlowRecord): Promise<IdentityRecord | undefined> {
  return 'identityId' in flow ? (await ctx.store()).getIdentity(flow.identityId) : undefined;
}

/** Leaving a success screen forgets its sign-out data: nothing else can use it. */
export async function leave(flow: FlowRecord): Promise<void> {
  if (flow.screen === 'success') await session.clearSignOut();
}
