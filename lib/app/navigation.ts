// Moving between screens without a request: back home, cancel what is in progress, and "Retry" (the failed intent
// again, when the background kept it, or the screen a warning came from).
import type { FlowRecord } from '../store/records';
import type { Intent, UiState } from '../ui-state';
import type { Context } from './context';
import { leave, restingFlow } from './flows';
import { fresh } from './problems';
import { show } from './render';

/** "Home", "Cancel", "Start Over": where the popup rests. */
export async function goHome(ctx: Context, flow: FlowRecord): Promise<UiState> {
  await leave(flow);
  return show(ctx, await restingFlow(ctx));
}

/** "Cancel" on the registration form: back to adding a service when there is no identity at all. */
export async function cancelForm(ctx: Context, flow: FlowRecord): Promise<UiState> {
  if ((await (await ctx.store()).listIdentities()).length === 0) return show(ctx, { screen: 'add-service' });
  return goHome(ctx, flow);
}

/** "Retry" / "Try again": replays the kept intent (never one with a PIN), else shows the screen to try from. */
export async function retry(
  ctx: Context,
  flow: FlowRecord,
  run: (intent: Intent) => Promise<UiState>,
): Promise<UiState> {
  const replay = 'retry' in flow ? flow.retry : undefined;
  if (replay) {
    await ctx.commit({ flow: fresh(flow) });
    return run(replay);
  }
  if (flow.screen === 'wrong-pin') {
    const { screen: _s, ...rest } = flow;
    return show(ctx, { ...rest, screen: 'pin' });
  }
  if (flow.screen === 'wrong-access-number') return show(ctx, { screen: 'access-number', identityId: flow.identityId });
  return show(ctx, fresh(flow));
}
