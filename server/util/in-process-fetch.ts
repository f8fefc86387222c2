/**
 * Calls between the server's own parts without a socket when they share a process. The RPS calls the relying
 * party's hooks and the D-TAs, and the relying party calls the RPS private API, each by URL, as Milagro's separate
 * services do. When the URL is one of this process's own listeners (`serveInProcess`), `inProcessFetch` hands the
 * request to that listener's Fastify instance (`inject`): the same routes, hooks, validation and answers, without
 * the HTTP client, the loopback socket and the HTTP parser, which cost about a millisecond of the event loop per
 * call. Any other URL, e.g. a D-TA or a relying party in its own process, goes over HTTP with `fetch`.
 *
 * What it does not do, because the server's parts never ask for it: follow redirects (a 3xx is refused as fetch's
 * `redirect: 'error'` refuses it, whatever the request asked), stream bodies (a body is a string or bytes; any
 * other kind of body goes over HTTP).
 */
import type { FastifyInstance } from 'fastify';

/** Listeners of this process by origin (`http://127.0.0.1:8081`). */
const listeners = new Map<string, FastifyInstance>();

/** Statuses whose answer has no body (a WHATWG Response refuses one). */
const NULL_BODY = new Set([101, 204, 205, 304]);

/**
 * Serves requests to `origin` in this process through `app`, until the returned function is called (call it when
 * the listener closes: its port may be reused by another server, e.g. in tests).
 */
export function serveInProcess(origin: string, app: FastifyInstance): () => void {
  const key = new URL(origin).origin;
  listeners.set(key, app);
  return () => {
    if (listeners.get(key) === app) listeners.delete(key);
  };
}

/** `fetch`, served in this process when `input` is the URL of one of its listeners. */
export async function inProcessFetch(input: string | URL, init: RequestInit = {}): Promise<Response> {
  const url = new URL(input);
  const app = listeners.get(url.origin);
  const body = init.body ?? undefined;
  if (!app || !(body === undefined || typeof body === 'string' || body instanceof Uint8Array))
    return fetch(input, init);
  const signal = init.signal ?? undefined;
  signal?.throwIfAborted();
  const injected = app.inject({
    method: (init.method ?? 'GET').toUpperCase() as 'GET',
    url: url.pathname + url.search,
    headers: Object.fromEntries(new Headers(init.headers)),
    payload: body,
    remoteAddress: '127.0.0.1',
  });
  // inject cannot be cancelled: the caller stops waiting, as fetch stops at its signal
  const res = await (signal ? abortable(injected, signal) : injected);
  if (res.statusCode >= 300 && res.statusCode < 400) throw new TypeError('fetch failed', { cause: 'redirect' });
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, String(v));
  }
  // (a copy in a plain Uint8Array: a Buffer is not a BodyInit to the DOM types of the tests' type check)
  const payload = NULL_BODY.has(res.statusCode) ? null : new Uint8Array(res.rawPayload);
  return new Response(payload, { status: res.statusCode, headers });
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (e: Error) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
