/**
 * A D-TA (Distributed Trusted Authority) with Milagro's HTTP API (dta.py): it holds one master-secret share s
 * and issues s·H(ID) (/clientSecret), s·Q (/serverSecret) and s·H_T(day, ID) (/timePermit, /timePermits),
 * each request signed by the RPS with HMAC-SHA256(app_key) and, where Milagro has one, an expiry.
 * The first D-TA is private (only the RPS calls it); the second ("cloud") one is also called by clients
 * directly, with the signed parameters the RPS hands them, so it answers CORS and has /time and /apiSettings.
 */
import cors from '@fastify/cors';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { epochDay, fromHex, mpin, toHex } from '../../lib/mpin/index.ts';
import { HttpError } from '../util/errors.ts';
import { verifySignature } from '../util/hmac.ts';
import type { Credentials } from '../util/secret-files.ts';
import { isoSeconds, parseIso } from '../util/time.ts';

/** Identities whose time-permit share for today the D-TA keeps. */
const PERMIT_CACHE_SIZE = 10_000;

export interface DtaOptions {
  name: string;
  masterSecret: Uint8Array;
  credentials: Credentials;
  /** The second D-TA: CORS-open, /time and /apiSettings. */
  cloud: boolean;
  now?: () => number;
}

const hashMpinId = z.string().regex(/^[0-9a-fA-F]{64}$/, 'hash_mpin_id must be 64 hex digits');
const ClientSecretQuery = z.object({
  app_id: z.string().max(64),
  expires: z.string().max(40),
  hash_mpin_id: hashMpinId,
  hash_user_id: z.string().max(128).default(''),
  signature: z.string().max(128),
  mobile: z.string().max(2).optional(),
});
const ServerSecretQuery = z.object({
  app_id: z.string().max(64),
  expires: z.string().max(40),
  signature: z.string().max(128),
});
const PermitQuery = z.object({
  hash_mpin_id: hashMpinId,
  signature: z.string().max(128),
  app_id: z.string().max(64).optional(),
  mobile: z.string().max(2).optional(),
});
const PermitsQuery = PermitQuery.extend({ count: z.coerce.number().int().min(1).max(31).default(1) });

function parseQuery<T>(schema: z.ZodType<T>, req: FastifyRequest): T {
  const r = schema.safeParse(req.query);
  if (!r.success)
    throw new HttpError(403, r.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; '));
  return r.data;
}

export async function registerDta(app: FastifyInstance, opts: DtaOptions): Promise<void> {
  const now = opts.now ?? Date.now;
  const startTime = isoSeconds(new Date(now()));
  const { app_key: key, app_id: appId } = opts.credentials;
  const ms = opts.masterSecret;

  const checkSigned = (message: string, signature: string, expires?: string) => {
    if (!verifySignature(message, signature, key)) throw new HttpError(401, 'Invalid signature');
    if (expires !== undefined) {
      const t = parseIso(expires);
      if (Number.isNaN(t)) throw new HttpError(403, 'expires: not a time');
      if (now() > t) throw new HttpError(408, 'Request expired');
    }
  };

  // clients fetch their second share from any origin, without cookies; any OPTIONS request gets the preflight
  if (opts.cloud)
    await app.register(cors, { origin: '*', credentials: false, methods: 'GET,OPTIONS', strictPreflight: false });

  app.get('/clientSecret', async (req) => {
    const q = parseQuery(ClientSecretQuery, req);
    if (q.app_id !== appId) throw new HttpError(401, 'Invalid signature');
    checkSigned('clientSecret' + q.app_id + q.hash_mpin_id + q.hash_user_id + q.expires, q.signature, q.expires);
    const share = mpin.clientSecretShare(ms, fromHex(q.hash_mpin_id, 'hash_mpin_id'));
    return { clientSecret: toHex(share), message: 'OK', version: '3' };
  });

  app.get('/serverSecret', async (req) => {
    const q = parseQuery(ServerSecretQuery, req);
    if (q.app_id !== appId) throw new HttpError(401, 'Invalid signature');
    checkSigned('serverSecret' + q.app_id + q.expires, q.signature, q.expires);
    return { serverSecret: toHex(mpin.serverSecretShare(ms)), startTime, message: 'OK' };
  });

  // A permit share is the same for an identity all day (a G1 multiplication to compute): keep today's.
  const permits = new Map<string, string>();
  let permitDay = -1;
  const permitShare = (day: number, hashMpinId: string) => {
    if (day !== permitDay) {
      permits.clear();
      permitDay = day;
    }
    let share = permits.get(hashMpinId);
    if (share === undefined) {
      share = toHex(mpin.timePermitShare(ms, day, fromHex(hashMpinId)));
      if (permits.size >= PERMIT_CACHE_SIZE) permits.delete(permits.keys().next().value!);
      permits.set(hashMpinId, share);
    }
    return share;
  };

  app.get('/timePermit', async (req) => {
    const q = parseQuery(PermitQuery, req);
    checkSigned(q.hash_mpin_id.toLowerCase(), q.signature);
    const day = epochDay(new Date(now()));
    return { timePermit: permitShare(day, q.hash_mpin_id.toLowerCase()), message: 'OK', date: day };
  });

  if (!opts.cloud) {
    app.get('/timePermits', async (req) => {
      const q = parseQuery(PermitsQuery, req);
      checkSigned(q.hash_mpin_id.toLowerCase(), q.signature);
      const today = epochDay(new Date(now()));
      const hashed = fromHex(q.hash_mpin_id);
      const timePermits: Record<string, string> = {};
      for (let d = today; d < today + q.count; d++) timePermits[String(d)] = toHex(mpin.timePermitShare(ms, d, hashed));
      return { timePermits, message: 'OK' };
    });
  }

  app.get('/status', async () => ({ startTime, service_name: 'D-TA server', message: 'OK', name: opts.name }));

  if (opts.cloud) {
    app.get('/time', async () => ({ Time: isoSeconds(new Date(now())) }));
    app.get('/apiSettings', async () => ({ timePermitsStorageURL: '', managementConsoleURL: '' }));
  }
}
