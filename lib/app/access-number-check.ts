// The check at "Next" (issue 11): before the PIN screen, the service says whether the access number is live and
// which computer asked for it; then, while the user reads that and types the PIN, the identity puts its name on the
// PC ("Authenticating user …", proven with its device key) and today's time permit is fetched. A service that does
// not know the check (Milagro's RPS without /rps/codeStatus: 404) still gets its PIN screen, without context.
import type { RpsClient } from '../rps/client';
import type { IdentityRecord } from '../store/records';
import type { PcInfo } from '../ui-state';
import type { Context } from './context';
import { isHttp } from './problems';

/** What the check learnt, by this computer's clock. */
export interface NumberFacts {
  /** Whether the service answered the check (else: a service without it, told nothing). */
  answered: boolean;
  pc?: PcInfo;
  /** When the number ends (ms since the epoch). */
  expiresAt?: number;
  /** The service's clock minus this computer's, when it said its time; else 0. */
  skewMs: number;
}

/**
 * Asks the service about `wid`. Throws what the request threw, but for a 404 (no check there): an http 400 means
 * the number is unknown, used, refused or expired.
 */
export async function checkNumberAtNext(ctx: Context, rps: RpsClient, wid: string): Promise<NumberFacts> {
  let check;
  try {
    check = await rps.checkAccessNumber(wid);
  } catch (e) {
    if (isHttp(e, 404)) return { answered: false, skewMs: 0 };
    throw e;
  }
  // Durations come measured by the service's clock at its answer: counted from this computer's clock now, they
  // need no agreement between the two clocks.
  const now = ctx.now();
  const facts: NumberFacts = { answered: true, skewMs: 0 };
  if (check.msLeft !== undefined) facts.expiresAt = now + check.msLeft;
  if (check.pc) {
    const { requestedAt, askedMsAgo, ...seen } = check.pc;
    facts.pc = { ...seen, askedAt: Math.max(0, now - (askedMsAgo ?? 0)) };
    // the service's time at its answer is when the PC asked plus how long ago that was
    if (askedMsAgo !== undefined) facts.skewMs = requestedAt + askedMsAgo - now;
  }
  return facts;
}

/**
 * What a live number starts: the identity's proven claim (only with a device key, and only where the service
 * answered the check; its answer says nothing, so any failure is only logged), and today's time permit. Neither is
 * waited for: the PIN screen comes first.
 */
export function startWhileTyping(
  ctx: Context,
  rps: RpsClient,
  identity: IdentityRecord,
  wid: string,
  facts: NumberFacts,
): void {
  if (facts.answered && identity.deviceKey) {
    rps
      .claimAccessNumber(wid, identity.userId, identity.mpinIdHex, identity.deviceKey)
      .catch(() => console.warn('[mpin] the PC could not be told who is signing in (ignored)'));
  }
  ctx.permits.start(rps, identity, facts.skewMs);
}
