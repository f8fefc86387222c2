/**
 * POST /mpinAuthenticate (Milagro's authenticateURL): the browser hands over the authOTT it got from pass 2, or the
 * PC page the one its access-number poll returned. The relying party asks the RPS whom it signs in, refuses a
 * revoked identity, opens a new session, and tells the RPS how it ended (which releases a phone that waits for it).
 * The RPS's refusals (401 wrong PIN, 408 expired, 410 blocked…) are passed on with their message.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { errorBody } from '../util/errors.ts';
import { parse } from '../util/http.ts';
import { revokedAtSignIn } from './revocation.ts';
import type { SiteContext } from './site-context.ts';

const AuthenticateBody = z.object({
  mpinResponse: z
    .object({ authOTT: z.string().regex(/^[0-9a-fA-F]{32}$/, 'authOTT must be 32 hex digits') })
    .passthrough(),
});

const REVOKED = 'This M-Pin identity has been revoked';

export function registerAuthenticate(app: FastifyInstance, { ctx, sessions, rps, limited }: SiteContext): void {
  app.post('/mpinAuthenticate', limited, async (req, reply) => {
    const { mpinResponse } = parse(AuthenticateBody, req.body, 400);
    const authOTT = mpinResponse.authOTT.toLowerCase();
    const minted = sessions.mint();
    const auth = await rps.authenticate(authOTT, { logoutURL: '/logout', logoutData: { sessionToken: minted.id } });
    if (!auth.ok) {
      if (auth.status === 401) reply.header('WWW-Authenticate', 'Authenticate');
      const status = auth.status >= 400 && auth.status < 600 ? auth.status : 502;
      return reply.code(status).send(errorBody(auth.message ?? 'Authentication failed'));
    }
    const { userId, mpinId } = auth.value;
    // revoked after its pass 2 (or, for an access number, after the phone's /rps/authenticate): refuse it here
    // too, and tell the RPS, which then answers the waiting phone 403
    const refused = (await revokedAtSignIn(ctx.storage, mpinId, userId)) !== null;
    const result = await rps.loginResult(
      authOTT,
      refused
        ? { status: 403, message: REVOKED }
        : { status: 200, message: 'OK', logoutData: { sessionToken: minted.id, userId } },
    );
    if (!result.ok) req.log.warn({ status: result.status }, 'RPS /loginResult not accepted');
    if (refused) return reply.code(403).send(errorBody(REVOKED));
    await sessions.signIn(req, reply, minted, userId, mpinId);
    return reply.send({ userId });
  });
}
