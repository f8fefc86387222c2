/**
 * The RPS public API under /rps (docs/protocol.md §4.1): what clients (the extension, Milagro's PIN pad and
 * mobile app) call. Bodies and parameters are checked with zod; CORS (@fastify/cors) as Milagro's RPS; rate limits on the
 * endpoints that a guesser or a flood would use, and one shared budget for those that test an access number
 * (guess-budget.ts).
 */
import cors from '@fastify/cors';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { HttpError, errorBody } from '../util/errors.ts';
import { parse } from '../util/http.ts';
import { createGuessBudget } from './guess-budget.ts';
import type { Rps } from './rps.ts';
import {
  AccessBody,
  CodeStatusBody,
  MpinResponseBody,
  Pass1Body,
  Pass2Body,
  RegisterBody,
  WebOttBody,
  mpinIdHex,
} from './schemas.ts';

const MpinIdParam = z.object({ mpinId: mpinIdHex });
const SignatureQuery = z.object({ regOTT: z.string().regex(/^[0-9a-fA-F]{32}$/, 'regOTT must be 32 hex digits') });

export async function registerRpsPublic(app: FastifyInstance, rps: Rps): Promise<void> {
  const limit = (max: number) => ({ config: { rateLimit: { max, timeWindow: '1 minute' } } });
  const perMinute = rps.rateLimitPerMinute;
  // every route whose answer says whether an access number is live spends from this one budget
  const guesses = createGuessBudget(app, perMinute);

  // Open to every origin, as Milagro's RPS is to unlisted ones, but without credentials: the RPS API is
  // cookie-free, so no page can make it act on a user's session (Milagro also echoes allow-listed origins
  // with credentials, which this server has no use for). Any OPTIONS request gets the preflight headers.
  await app.register(cors, {
    origin: '*',
    credentials: false,
    methods: 'GET,PUT,POST,DELETE,OPTIONS',
    allowedHeaders: 'Content-Type',
    strictPreflight: false,
    preflightContinue: true,
  });
  // …and, like Milagro's, a body: @fastify/cors's own OPTIONS route answers an empty 200, this fills it in
  app.addHook('onSend', async (req, reply, payload) => {
    if (req.method !== 'OPTIONS' || reply.statusCode !== 200) return payload;
    reply.type('application/json; charset=utf-8');
    return JSON.stringify(errorBody('options request'));
  });

  // Milagro answers malformed JSON with 403 on the two passes and 400 elsewhere; Fastify's parser still
  // does the work (it also refuses __proto__ and constructor keys)
  const json = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    void json(req, body as string, (err, value) => {
      if (!err) return done(null, value);
      const status = (err as { statusCode?: number }).statusCode ?? 400;
      done(
        status === 400 && /\/pass[12]$/.test(req.url.split('?')[0]!) ? new HttpError(403, err.message) : err,
        undefined,
      );
    });
  });

  app.get('/clientSettings', async (_req, reply) => {
    reply
      .header('Cache-Control', 'no-cache, no-store, max-age=0, must-revalidate')
      .header('Pragma', 'no-cache')
      .header('Expires', 'Thu, 01 Jan 1970 00:00:00 GMT');
    return rps.clientSettings();
  });

  /** A registration, new or resent, and the device key it came with (device-keys.ts). */
  const register = async (body: z.infer<typeof RegisterBody>, existing?: string) => {
    const registered = await rps.register(body, existing);
    if (body.deviceKey) await rps.deviceKeys.remember(registered.mpinId, body.deviceKey);
    return registered;
  };
  app.put('/user', limit(perMinute), async (req) => register(parse(RegisterBody, req.body ?? {}, 400)));
  app.put('/user/:mpinId', limit(perMinute), async (req) => {
    const { mpinId } = parse(MpinIdParam, req.params, 400);
    return register(parse(RegisterBody, req.body ?? {}, 400), mpinId);
  });

  app.get('/signature/:mpinId', limit(perMinute), async (req) => {
    const { mpinId } = parse(MpinIdParam, req.params, 400);
    const share = await rps.signature(mpinId, parse(SignatureQuery, req.query, 400).regOTT);
    await rps.deviceKeys.keep(mpinId);
    return share;
  });

  app.post('/setupDone/:mpinId', async (req, reply) => {
    parse(MpinIdParam, req.params, 400);
    return reply.code(200).send();
  });

  app.get('/timePermit/:mpinId', limit(perMinute), async (req) =>
    rps.timePermit(parse(MpinIdParam, req.params).mpinId),
  );

  app.post('/pass1', limit(perMinute), async (req) => rps.pass1(parse(Pass1Body, req.body ?? {})));
  app.post('/pass2', limit(perMinute), async (req) => rps.pass2(parse(Pass2Body, req.body ?? {})));
  app.post('/authenticate', guesses.route, async (req) =>
    rps.mobileAuthenticate(parse(MpinResponseBody, req.body ?? {}, 400).mpinResponse.authOTT.toLowerCase()),
  );

  // the computer that asks for a number is recorded with it, for the phone to show (pc-context.ts)
  const pcOf = (req: FastifyRequest) => ({ userAgent: req.headers['user-agent'], ip: req.ip });
  app.post('/getAccessNumber', limit(perMinute), async (req) => rps.getAccessNumber(pcOf(req)));
  // a PC polls every 3 s (20 a minute per page), or long-polls (fewer), so allow a few pages per address
  app.post('/access', limit(perMinute * 2), async (req, reply) => {
    const body = parse(AccessBody, req.body ?? {}, 400);
    if (body.wait === undefined) return rps.accessStatus(body.webOTT);
    const gone = new AbortController();
    reply.raw.on('close', () => gone.abort()); // the PC went away: stop holding its request
    return rps.waitForAccess(body.webOTT, body.status, body.wait, gone.signal);
  });
  app.post('/accessnumber', limit(perMinute * 2), async (req) =>
    rps.accessV1(parse(WebOttBody, req.body ?? {}, 400).webOTT),
  );
  app.post('/getQrUrl', limit(perMinute), async (req) => rps.getQrUrl(pcOf(req)));
  app.get('/mobileConfig', async (_req, reply) =>
    reply.code(404).send({ version: '0.3', message: 'Native mobile apps are not configured on this server' }),
  );
  app.post('/codeStatus', guesses.route, async (req) => rps.codeStatus(parse(CodeStatusBody, req.body ?? {}, 400)));
}
