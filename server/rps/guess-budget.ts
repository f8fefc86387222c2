/**
 * One rate-limit budget per client address for every route whose answer tells whether an access number is live:
 * a guesser spends from it whichever route they use, so adding a route never adds guesses. Routes join by
 * spreading `budget.route` into their options (see public-routes.ts).
 *
 * Which routes test a number (docs/security-rules.md, "The server's own rules"):
 * - POST /rps/authenticate: 412 for a dead or spent number, 401 / 410 / 200 / 403 for a live one;
 * - POST /rps/codeStatus: 400 for a dead number, 200 for a live one;
 * and not: /rps/getAccessNumber and /rps/getQrUrl (they issue numbers), /rps/access and /rps/accessnumber (they
 * take the 128-bit webOTT, not the number), /rps/pass1 (no number), /rps/pass2 (its answer is the same for any
 * number: it does not look the number up), /mpinAuthenticate (408 alike for every access-number authOTT the phone
 * has not signed in with).
 *
 * @fastify/rate-limit gives each route its own counter (its `groupId` does not share one across routes with the
 * in-memory store), so the budget is one limiter, created once, that each route's onRequest hook consults.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from '../util/errors.ts';

export interface GuessBudget {
  /** Route options that put a route on this budget: `app.post(path, { ...budget.route }, handler)`. */
  route: { onRequest: (req: FastifyRequest, reply: FastifyReply) => Promise<void> };
}

/** A budget of `perMinute` requests per minute and client address, shared by every route that uses it. */
export function createGuessBudget(app: FastifyInstance, perMinute: number): GuessBudget {
  const limiter = app.createRateLimit({ max: perMinute, timeWindow: 60_000 });
  return {
    route: {
      async onRequest(req, reply) {
        const result = await limiter(req);
        if (result.isAllowed || !result.isExceeded) return;
        reply.header('retry-after', String(result.ttlInSeconds));
        throw new HttpError(429, 'Too many requests');
      },
    },
  };
}
