// Today's time permit for an identity: the RPS's share (its refusal means the identity is revoked) and the second
// D-TA's (cached per day in the identity record, docs/protocol.md §9). A remote sign-in fetches it while the user
// types the PIN (prefetch, started at the check at "Next"), so that "Login" has one request less per share to wait
// for. What was prefetched lives in the background's memory only: a restarted service worker, a failed prefetch or
// a day that has turned since simply means "Login" fetches it, as without the prefetch.
import { epochDay } from '../mpin/index';
import type { RpsClient } from '../rps/client';
import type { TimePermitResponse } from '../rps/schemas';
import type { IdentityRecord } from '../store/records';
import { isHttp } from './problems';

/** The RPS refused the time permit (401, 403, 410): the identity is revoked. */
export class RevokedError extends Error {}

/** Both shares of one day's time permit, as the sign-in recombines them. */
export interface TimePermit {
  local: TimePermitResponse;
  /** The second D-TA's share, lower-case hex. */
  cloud: string;
}

/** Today's permit: the RPS's share, then the second D-TA's unless the identity has it cached for that day. */
export async function fetchTimePermit(rps: RpsClient, identity: IdentityRecord): Promise<TimePermit> {
  const local = await rps.timePermit(identity.mpinIdHex).catch((e: unknown) => {
    if (isHttp(e, 401, 403, 410)) throw new RevokedError();
    throw e;
  });
  const cache = identity.timePermitCache;
  const cloud = cache && cache.date === local.date ? cache.share : (await rps.cloudTimePermit(local)).toLowerCase();
  return { local, cloud };
}

interface Prefetch {
  mpinIdHex: string;
  /** The service's clock minus this computer's (0 when the service did not say), to tell the service's day. */
  skewMs: number;
  /** Undefined when the prefetch failed. */
  permit: Promise<TimePermit | undefined>;
}

/** The permits being prefetched, by identity id: at most one each, taken once. */
export class PermitPrefetch {
  private readonly pending = new Map<string, Prefetch>();

  /** Starts fetching `identity`'s permit now; a failure is kept quiet (the sign-in fetches it again). */
  start(rps: RpsClient, identity: IdentityRecord, skewMs: number): void {
    const permit = fetchTimePermit(rps, identity).catch(() => undefined);
    this.pending.set(identity.id, { mpinIdHex: identity.mpinIdHex, skewMs, permit });
  }

  /** Forgets `identityId`'s prefetch (a sign-in the user refused or left). */
  drop(identityId: string): void {
    this.pending.delete(identityId);
  }

  /**
   * The prefetched permit of `identity`, waited for if still on its way, when it is for the service's day at `now`
   * (this computer's clock); undefined otherwise. Taken once: the next sign-in fetches its own.
   */
  async take(identity: IdentityRecord, now: number): Promise<TimePermit | undefined> {
    const prefetch = this.pending.get(identity.id);
    if (!prefetch || prefetch.mpinIdHex !== identity.mpinIdHex) return undefined;
    this.pending.delete(identity.id);
    const permit = await prefetch.permit;
    const today = epochDay(new Date(now + prefetch.skewMs));
    return permit && permit.local.date === today ? permit : undefined;
  }
}
