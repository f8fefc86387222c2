/**
 * The RPS's client of a D-TA: builds Milagro's signed requests (rps.py) and checks every answer with zod
 * and the curve decoders before the RPS uses it.
 */
import { z } from 'zod';
import { fromHex, mpin } from '../../lib/mpin/index.ts';
import { HttpError } from '../util/errors.ts';
import { fetchJson } from '../util/fetch-json.ts';
import { signMessage } from '../util/hmac.ts';
import type { Credentials } from '../util/secret-files.ts';
import { isoSeconds } from '../util/time.ts';

/** Milagro's SIGNATURE_EXPIRES_OFFSET_SECONDS: a signed D-TA request is good for one minute. */
export const SIGNATURE_LIFETIME_MS = 60_000;

const hexG1 = z.string().regex(/^04[0-9a-fA-F]{128}$/);
const ClientSecretResponse = z.object({ clientSecret: hexG1 });
const ServerSecretResponse = z.object({ serverSecret: z.string().regex(/^[0-9a-fA-F]{256}$/) });
const TimePermitsResponse = z.object({ timePermits: z.record(z.string().regex(/^\d+$/), hexG1) });

export interface DtaClient {
  readonly baseUrl: string;
  /** The query string that lets a client fetch its share from this D-TA itself (the RPS's `params`). */
  clientSecretParams(hashMpinId: string, mobile: 0 | 1): string;
  clientSecretShare(hashMpinId: string, mobile: 0 | 1): Promise<string>;
  serverSecretShare(): Promise<string>;
  timePermits(hashMpinId: string, count: number): Promise<Record<string, string>>;
}

export function createDtaClient(baseUrl: string, credentials: Credentials, now: () => number = Date.now): DtaClient {
  const base = baseUrl.endsWith('/') ? baseUrl : baseUrl + '/';
  const { app_id: appId, app_key: key } = credentials;

  async function call<T>(path: string, query: string, schema: z.ZodType<T>): Promise<T> {
    try {
      return await fetchJson(`${base}${path}?${query}`, { what: `D-TA ${path}`, schema, timeoutMs: 10_000 });
    } catch (e) {
      throw new HttpError(500, (e as Error).message);
    }
  }

  function clientSecretParams(hashMpinId: string, mobile: 0 | 1): string {
    const expires = isoSeconds(new Date(now() + SIGNATURE_LIFETIME_MS));
    const hashUserId = ''; // Milagro's RPS computes a salted hash and then sends "" (docs/protocol.md §4.3)
    const signature = signMessage('clientSecret' + appId + hashMpinId + hashUserId + expires, key);
    return new URLSearchParams({
      app_id: appId,
      expires,
      hash_mpin_id: hashMpinId,
      hash_user_id: hashUserId,
      mobile: String(mobile),
      signature,
    }).toString();
  }

  return {
    baseUrl: base,
    clientSecretParams,
    async clientSecretShare(hashMpinId, mobile) {
      const r = await call('clientSecret', clientSecretParams(hashMpinId, mobile), ClientSecretResponse);
      mpin.g1FromBytes(fromHex(r.clientSecret), 'D-TA clientSecret');
      return r.clientSecret.toLowerCase();
    },
    async serverSecretShare() {
      const expires = isoSeconds(new Date(now() + SIGNATURE_LIFETIME_MS));
      const signature = signMessage('serverSecret' + appId + expires, key);
      const r = await call(
        'serverSecret',
        new URLSearchParams({ app_id: appId, expires, signature }).toString(),
        ServerSecretResponse,
      );
      mpin.g2FromBytes(fromHex(r.serverSecret), 'D-TA serverSecret');
      return r.serverSecret.toLowerCase();
    },
    async timePermits(hashMpinId, count) {
      const signature = signMessage(hashMpinId, key);
      const r = await call(
        'timePermits',
        new URLSearchParams({ hash_mpin_id: hashMpinId, signature, count: String(count) }).toString(),
        TimePermitsResponse,
      );
      for (const hex of Object.values(r.timePermits)) mpin.g1FromBytes(fromHex(hex), 'D-TA timePermit');
      return Object.fromEntries(Object.entries(r.timePermits).map(([d, h]) => [d, h.toLowerCase()]));
    },
  };
}
