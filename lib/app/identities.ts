// The identities on this device: the menu, selecting one, "Add new identity", "Add a service" (for an identity on
// another service), managing one ("Reset PIN", "Remove Identity", each confirmed first), and "Register again" after a
// block.
import type { FlowRecord, IdentityRecord } from '../store/records';
import type { UiState } from '../ui-state';
import type { Context } from './context';
import { flowFor, leave, pickIdentity } from './flows';
import { render, show } from './render';
import * as session from './session';

export async function openMenu(ctx: Context, flow: FlowRecord): Promise<UiState> {
  await leave(flow);
  return show(ctx, { screen: 'menu' });
}

/** Undefined when there is no such identity. */
export async function selectIdentity(ctx: Context, flow: FlowRecord, id: string): Promise<UiState | undefined> {
  const chosen = await (await ctx.store()).getIdentity(id);
  if (!chosen) return undefined;
  await leave(flow);
  return show(ctx, await flowFor(ctx, chosen), { selected: chosen.id });
}

/** "Add new identity": the registration form of the current identity's service (else the selected's, else any). */
export async function addIdentity(
  ctx: Context,
  flow: FlowRecord,
  identity: IdentityRecord | undefined,
): Promise<UiState> {
  await leave(flow);
  const s = await ctx.store();
  const origin =
    identity?.origin ??
    (await s.getIdentity((await s.getSelected()) ?? ''))?.origin ??
    (await s.listServices())[0]?.origin;
  return show(ctx, origin ? { screen: 'register', origin, email: '' } : { screen: 'add-service' });
}

/** "Add a service" in the menu: the add-service screen, which offers a PIN pad found on the active tab. */
export async function openAddService(ctx: Context): Promise<UiState> {
  const flow: FlowRecord = { screen: 'add-service' };
  await ctx.commit({ flow });
  return render(ctx, flow, true);
}

/** The pencil next to an identity. Undefined when there is no such identity. */
export async function manage(ctx: Context, id: string): Promise<UiState | undefined> {
  const chosen = await (await ctx.store()).getIdentity(id);
  return chosen ? show(ctx, { screen: 'manage', identityId: chosen.id }) : undefined;
}

/** "Yes, Remove it": gone from this device; the last used of the others is shown, else the service's form. */
export async function removeIdentity(ctx: Context, identity: IdentityRecord): Promise<UiState> {
  await session.clearClientSecret(identity.id);
  const s = await ctx.store();
  const next = pickIdentity((await s.listIdentities()).filter((i) => i.id !== identity.id));
  const flow: FlowRecord = next ? await flowFor(ctx, next) : { screen: 'register', origin: identity.origin, email: '' };
  return show(ctx, flow, { deleteIdentities: [identity.id], selected: next ? next.id : null });
}
