/**
 * The RPS private API (docs/protocol.md §4.2), on the private listener: what the relying party calls to
 * activate a registration and to turn an authOTT into a signed-in session.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parse } from '../util/http.ts';
import type { Rps } from './rps.ts';
import { ActivateBody, LoginResultBody, PrivateAuthenticateBody, mpinIdHex } from './schemas.ts';

export function registerRpsPrivate(app: FastifyInstance, rps: Rps): void {
  app.post('/user/:mpinId', async (req, reply) => {
    const { mpinId } = parse(z.object({ mpinId: mpinIdHex }), req.params, 400);
    await rps.activate(mpinId, parse(ActivateBody, req.body ?? {}, 400).activateKey);
    return reply.code(200).send();
  });

  app.post('/authenticate', async (req, reply) => {
    const result = await rps.authenticate(parse(PrivateAuthenticateBody, req.body ?? {}, 400));
    return reply.code(result.status).send(result);
  });

  app.post('/loginResult', async (req, reply) => {
    await rps.loginResult(parse(LoginResultBody, req.body ?? {}, 400));
    return reply.code(200).send();
  });

  app.get('/status', async () => ({ version: '0.3', message: 'active' }));
  app.get('/service', async (_req, reply) =>
    reply.code(403).send({ version: '0.3', message: 'No mobile service configured' }),
  );
}
