/**
 * What the demo site's features share (site.ts builds it once): the server context, the sessions, the client of the
 * RPS private API, and the route options of the endpoints a flood or a guesser would use.
 */
import type { ServerContext } from '../context.ts';
import type { RpsPrivateClient } from './rps-private-client.ts';
import type { Sessions } from './sessions.ts';

export interface SiteContext {
  ctx: ServerContext;
  sessions: Sessions;
  rps: RpsPrivateClient;
  /** Route options: RATE_LIMIT_PER_MINUTE per client address. */
  limited: { config: { rateLimit: { max: number; timeWindow: number } } };
}
