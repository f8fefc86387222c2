/**
 * The relying party's client of the RPS private API (docs/protocol.md §4.2), the one place the demo site calls it:
 * turn an authOTT into a user (/authenticate), tell the RPS how the sign-in ended (/loginResult, which releases a
 * waiting phone), and confirm an e-mail address (/user/<mpinId>). An RPS that cannot be reached, or answers
 * something that is not its API, is a 502 for the browser; a refusal is returned for the caller to pass on.
 */
import type { FastifyBaseLogger } from 'fastify';
import { z } from 'zod';
import { HttpError } from '../util/errors.ts';
import { FetchJsonError, fetchJson } from '../util/fetch-json.ts';

/** How long the RP waits for the RPS (it is on the same machine or network). */
const RPS_TIMEOUT_MS = 15_000;

const AuthenticateAnswer = z.object({
  userId: z.string().min(1).max(254),
  mpinId: z.string().max(4096).optional().default(''),
});
const AnyAnswer = z.unknown();

/** The RPS said no: its status and Milagro message. */
export interface RpsRefusal {
  status: number;
  message: string | undefined;
}

export type Answer<T> = { ok: true; value: T } | ({ ok: false } & RpsRefusal);

export interface RpsPrivateClient {
  /** POST /authenticate: the user the authOTT signs in, with the logoutData the phone will get. */
  authenticate(
    authOTT: string,
    logout: { logoutURL: string; logoutData: Record<string, string> },
  ): Promise<Answer<z.infer<typeof AuthenticateAnswer>>>;
  /** POST /loginResult: how the sign-in of `authOTT` ended here (200, or the refusal the phone should see). */
  loginResult(
    authOTT: string,
    result: { status: number; message: string; logoutData?: Record<string, string> },
  ): Promise<Answer<unknown>>;
  /** POST /user/<mpinId>: the e-mail address is confirmed; refused when the link is used up or expired. */
  activate(mpinId: string, activateKey: string): Promise<Answer<unknown>>;
}

export function createRpsPrivateClient(privateUrl: () => string, log: FastifyBaseLogger): RpsPrivateClient {
  async function call<S extends z.ZodType>(
    path: string,
    what: string,
    body: unknown,
    schema: S,
  ): Promise<Answer<z.infer<S>>> {
    try {
      const value = await fetchJson(`${privateUrl()}${path}`, {
        what: `RPS ${what}`,
        schema,
        method: 'POST',
        body,
        timeoutMs: RPS_TIMEOUT_MS,
      });
      return { ok: true, value };
    } catch (e) {
      if (e instanceof FetchJsonError && e.failure === 'status')
        return { ok: false, status: e.status!, message: e.serverMessage };
      if (e instanceof FetchJsonError && e.failure === 'malformed')
        throw new HttpError(502, 'The authentication server answered malformed data');
      log.error({ err: { type: (e as Error).name, message: (e as Error).message } }, 'RPS not reachable');
      throw new HttpError(502, 'The authentication server could not be reached');
    }
  }

  return {
    authenticate: (authOTT, logout) =>
      call('/authenticate', '/authenticate', { authOTT, ...logout }, AuthenticateAnswer),
    loginResult: (authOTT, result) => call('/loginResult', '/loginResult', { authOTT, ...result }, AnyAnswer),
    activate: (mpinId, activateKey) => call(`/user/${encodeURIComponent(mpinId)}`, '/user', { activateKey }, AnyAnswer),
  };
}
