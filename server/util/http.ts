/**
 * Fastify set-up shared by the public and the private listener: logs without query strings or bodies
 * (they carry OTTs, signatures and secrets), Milagro-shaped errors, no 500 for a client's mistake, and 503
 * when storage fails (a full disk is the service's trouble, not the request's).
 */
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { z } from 'zod';
import { isStorageFailure } from '../storage/failure.ts';
import { HttpError, errorBody } from './errors.ts';

/**
 * `trustProxy`: the addresses of reverse proxies whose X-Forwarded-For names the client (Fastify's setting: a list
 * of addresses or CIDR ranges); without it the client is the peer, which is right when nothing sits in front.
 */
export function createHttpApp(level: string, name: string, trustProxy: string[] = []): FastifyInstance {
  const logger: FastifyServerOptions['logger'] = {
    level,
    base: { app: name },
    serializers: {
      // the path only: query strings carry regOTT, signatures and hashes
      req: (req) => ({ method: req.method, path: String(req.url).split('?')[0] }),
      res: (res) => ({ statusCode: res.statusCode }),
    },
  };
  // one line per request only when debugging: the PC's access-number polling would flood the console
  const logController = new LogController({ disableRequestLogging: level !== 'debug' && level !== 'trace' });
  // mpin_ids in paths are a few hundred hex digits
  const app = Fastify({
    logger,
    logController,
    bodyLimit: 64 * 1024,
    // Rate limits and the PC's context count per client address: behind a proxy, only its header can tell it.
    trustProxy: trustProxy.length ? trustProxy : false,
    // close() ends every connection: a browser's unused preconnected socket (one that never sent a request) is not
    // "idle" to Node, and would hold close() until headersTimeout (a minute or more) after Ctrl-C or a restart
    forceCloseConnections: true,
    routerOptions: { maxParamLength: 4096 },
    // the router's own refusals (a bad %-escape, a path parameter too long) in Milagro's shape, without echoing the URL
    frameworkErrors: (err, _req, reply) => {
      const status = (err as { statusCode?: number }).statusCode ?? 400;
      const raw = reply as unknown as { code(n: number): { send(body: unknown): void } };
      raw.code(status).send(errorBody(status === 414 ? 'Path too long' : 'Malformed URL'));
    },
  });

  app.setErrorHandler((error, req, reply) => {
    if (error instanceof HttpError) {
      if (error.statusCode === 401) reply.header('WWW-Authenticate', 'Authenticate');
      if (error.statusCode >= 500) req.log.error({ msg: error.message }, 'request failed');
      return reply.code(error.statusCode).send(errorBody(error.message, error.extra));
    }
    if (isStorageFailure(error)) {
      // the code only (SQLITE_FULL, SQLITE_IOERR_WRITE…): SQLite's messages name no data, but keep the log terse
      req.log.error({ err: { type: 'StorageFailure', code: error.code } }, 'storage failed');
      return reply.code(503).send(errorBody('The service is temporarily unavailable: try again later'));
    }
    if (error instanceof z.ZodError) {
      return reply
        .code(400)
        .send(errorBody(error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')));
    }
    const status = (error as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) {
      // Fastify's own: malformed JSON, body too large, unsupported media type, rate limited
      return reply.code(status).send(errorBody(status === 429 ? 'Too many requests' : (error as Error).message));
    }
    req.log.error({ err: { type: (error as Error).name, message: (error as Error).message } }, 'unexpected error');
    return reply.code(500).send(errorBody('Internal error'));
  });
  app.setNotFoundHandler((_req, reply) => reply.code(404).send(errorBody('Not found')));
  return app;
}

/** Parses a request part with zod; a mismatch is the client's error (status 403 by Milagro's convention, or as given). */
export function parse<T>(schema: z.ZodType<T>, value: unknown, status = 403): T {
  const r = schema.safeParse(value);
  if (!r.success)
    throw new HttpError(status, r.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  return r.data;
}
