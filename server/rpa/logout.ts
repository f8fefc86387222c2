/**
 * Sign-out on the demo site: the browser's own ("Sign out": GET /logout, POST /logout-self), the phone's
 * (POST /logout with the logoutData the phone got from /rps/authenticate, docs/protocol.md §6.6), and the protected
 * page's long poll GET /logoutWait, which answers "OK" once its session has ended, wherever that happened.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { HttpError } from '../util/errors.ts';
import type { SiteContext } from './site-context.ts';

/** How long GET /logoutWait holds a request before answering 204 (the page then asks again). */
export const LOGOUT_WAIT_MS = 25_000;

const LogoutData = z.object({ userId: z.string().min(1).max(254), sessionToken: z.string().regex(/^[0-9a-f]{64}$/) });

export function registerLogout(app: FastifyInstance, { ctx, sessions, limited }: SiteContext): void {
  // The phone posts logoutData as JSON text with whatever content type its HTTP client picks.
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  const selfLogout = async (req: FastifyRequest, reply: FastifyReply) => {
    await sessions.signOutRequest(req, reply);
    return reply.redirect('/?m=logged-out', 303);
  };
  app.get('/logout', selfLogout);
  app.post('/logout-self', selfLogout);

  app.post('/logout', limited, async (req, reply) => {
    const data = LogoutData.safeParse(logoutDataOf(req.body));
    if (!data.success) throw new HttpError(400, 'Logout failed');
    const session = await ctx.storage.get('session', data.data.sessionToken);
    if (!session?.userId || session.userId !== data.data.userId) throw new HttpError(400, 'Logout failed');
    await sessions.end(data.data.sessionToken);
    return reply.code(200).send();
  });

  app.get('/logoutWait', async (req, reply) => {
    reply.header('cache-control', 'no-store');
    const s = await sessions.signedIn(req);
    if (!s) return reply.type('text/plain; charset=utf-8').send('OK');
    const signedOut = await sessions.waitForSignOut(s.id, LOGOUT_WAIT_MS, (cancel) => reply.raw.once('close', cancel));
    return signedOut ? reply.type('text/plain; charset=utf-8').send('OK') : reply.code(204).send();
  });
}

/** logoutData as the phone posted it: a JSON object, JSON text, or JSON text as a form's only key. */
function logoutDataOf(body: unknown): unknown {
  if (typeof body === 'string') {
    try {
      return JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  if (body && typeof body === 'object' && !('userId' in body)) {
    const keys = Object.keys(body);
    if (keys.length === 1 && (body as Record<string, unknown>)[keys[0]!] === '') return logoutDataOf(keys[0]);
  }
  return body;
}
