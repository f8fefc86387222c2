/**
 * The server's one way to call another HTTP service (the RPS calling a D-TA and the relying party's hooks, the
 * relying party calling the RPS private API): fetch with a timeout, a JSON body, the answer read as JSON and checked
 * with zod. A call to one of this process's own listeners is served without a socket (in-process-fetch.ts). Every
 * failure is a FetchJsonError that says which call failed and how, in words safe for a log: the caller's label,
 * never the URL (query strings carry signatures and OTTs), and never the body.
 */
import type { z } from 'zod';
import { inProcessFetch } from './in-process-fetch.ts';

export type FetchJsonFailure = 'unreachable' | 'timeout' | 'status' | 'malformed';

export class FetchJsonError extends Error {
  constructor(
    readonly failure: FetchJsonFailure,
    /** What was called, e.g. "D-TA clientSecret" or "RPS /authenticate". */
    readonly what: string,
    message: string,
    /** For "status": the answer's status and its Milagro-style `message`, when it had one. */
    readonly status?: number,
    readonly serverMessage?: string,
  ) {
    super(message);
    this.name = 'FetchJsonError';
  }
}

export interface FetchJsonOptions<S extends z.ZodType> {
  /** The label of the call in errors and logs. */
  what: string;
  /** What a 2xx answer must be; an empty or non-JSON answer is checked as `undefined`. */
  schema: S;
  method?: 'GET' | 'POST' | 'PUT';
  /** Sent as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  timeoutMs: number;
}

/**
 * Calls `url` and returns its 2xx answer parsed with `schema`. Throws FetchJsonError: "unreachable" (no
 * connection), "timeout", "status" (any other status) or "malformed" (an answer the schema refuses).
 */
export async function fetchJson<S extends z.ZodType>(url: string, opts: FetchJsonOptions<S>): Promise<z.infer<S>> {
  const { what } = opts;
  let res: Response;
  let text: string;
  try {
    res = await inProcessFetch(url, {
      method: opts.method ?? 'GET',
      headers: { ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }), ...opts.headers },
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      redirect: 'error',
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
    text = await res.text();
  } catch (e) {
    if ((e as Error).name === 'TimeoutError')
      throw new FetchJsonError('timeout', what, `${what} did not answer within ${opts.timeoutMs / 1000} s`);
    throw new FetchJsonError('unreachable', what, `${what} unreachable: ${causeOf(e)}`);
  }
  const body = jsonOrUndefined(text);
  if (!res.ok) {
    const serverMessage = messageIn(body);
    throw new FetchJsonError('status', what, `${what} answered ${res.status}`, res.status, serverMessage);
  }
  const parsed = opts.schema.safeParse(body);
  if (!parsed.success) throw new FetchJsonError('malformed', what, `${what} answered malformed data`);
  return parsed.data;
}

function jsonOrUndefined(text: string): unknown {
  try {
    return text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return undefined;
  }
}

/** Milagro's error bodies are `{"version", "message"}`; a message is passed on only when it is short text. */
function messageIn(body: unknown): string | undefined {
  const m = (body as { message?: unknown } | null | undefined)?.message;
  return typeof m === 'string' && m.length > 0 && m.length <= 500 ? m : undefined;
}

/** Node's fetch says only "fetch failed"; the reason (ECONNREFUSED, a DNS failure…) is its cause. */
function causeOf(e: unknown): string {
  const cause = (e as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return (e as Error).message;
}
