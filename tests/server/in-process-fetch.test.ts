// @vitest-environment node
// server/util/in-process-fetch.ts: a request to one of this process's listeners is answered by its Fastify instance
// without a socket, as fetch would have answered it; any other URL goes over HTTP. The whole server in one process
// makes its own calls (RPS to D-TA and hooks, relying party to RPS) that way.
import Fastify, { type FastifyInstance } from 'fastify';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inProcessFetch, serveInProcess } from '../../server/util/in-process-fetch.ts';
import { enrol } from '../support/enrol.ts';
import { MilagroClient } from '../support/milagro-http-client.ts';
import { startServerWithPhone } from '../support/server-fixture.ts';

// Nothing listens there: only the in-process route can answer.
const ORIGIN = 'http://127.0.0.1:1';

let app: FastifyInstance;
let stop: () => void;
let release: () => void = () => {};

beforeAll(async () => {
  app = Fastify({ logger: false });
  app.get('/hook', async (req) => ({ query: req.query, ip: req.ip }));
  app.post('/echo', async (req, reply) => {
    reply.header('set-cookie', ['a=1; Path=/', 'b=2; Path=/']).code(201);
    return { body: req.body, type: req.headers['content-type'], custom: req.headers['x-custom'] };
  });
  app.get('/empty', async (_req, reply) => reply.code(204).send());
  app.get('/moved', async (_req, reply) => reply.redirect('/hook', 302));
  app.get('/refused', async (_req, reply) => reply.code(403).send({ message: 'revoked' }));
  app.get('/slow', () => new Promise((resolve) => (release = () => resolve({ late: true }))));
  await app.ready();
  stop = serveInProcess(ORIGIN, app);
});

afterAll(async () => {
  stop();
  release();
  await app.close();
});

describe('inProcessFetch', () => {
  it('answers a GET with its query string from the registered listener, as from 127.0.0.1', async () => {
    const res = await inProcessFetch(`${ORIGIN}/hook?mpin_id=ab%20cd`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ query: { mpin_id: 'ab cd' }, ip: '127.0.0.1' });
  });

  it('passes a POST body and its headers, and returns status, headers (each cookie) and body', async () => {
    const res = await inProcessFetch(new URL(`${ORIGIN}/echo`), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-custom': 'yes' },
      body: JSON.stringify({ authOTT: 'ab' }),
    });
    expect(res.status).toBe(201);
    expect(res.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; Path=/']);
    expect(await res.json()).toEqual({ body: { authOTT: 'ab' }, type: 'application/json', custom: 'yes' });
  });

  it('gives refusals as answers and a 204 without a body', async () => {
    const refused = await inProcessFetch(`${ORIGIN}/refused`);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ message: 'revoked' });
    const empty = await inProcessFetch(`${ORIGIN}/empty`);
    expect(empty.status).toBe(204);
    expect(await empty.text()).toBe('');
  });

  it('refuses a redirect as fetch does with redirect: "error"', async () => {
    await expect(inProcessFetch(`${ORIGIN}/moved`)).rejects.toThrow(TypeError);
  });

  it('stops waiting when the signal aborts', async () => {
    const ctrl = new AbortController();
    const pending = inProcessFetch(`${ORIGIN}/slow`, { signal: ctrl.signal });
    ctrl.abort(new DOMException('gave up', 'TimeoutError'));
    await expect(pending).rejects.toMatchObject({ name: 'TimeoutError' });
    await expect(inProcessFetch(`${ORIGIN}/hook`, { signal: ctrl.signal })).rejects.toMatchObject({
      name: 'TimeoutError',
    });
  });

  it('goes over HTTP for other origins, and for this one once it is no longer served', async () => {
    const other = Fastify({ logger: false });
    other.get('/hook', async () => ({ over: 'http' }));
    await other.listen({ port: 0, host: '127.0.0.1' });
    try {
      const port = (other.server.address() as { port: number }).port;
      expect(await (await inProcessFetch(`http://127.0.0.1:${port}/hook`)).json()).toEqual({ over: 'http' });
    } finally {
      await other.close();
    }
    stop();
    // nothing listens on port 1
    await expect(inProcessFetch(`${ORIGIN}/hook`)).rejects.toThrow(/fetch failed/);
    stop = serveInProcess(ORIGIN, app);
  });
});

describe('the server in one process', () => {
  it('makes its calls to its private listener (D-TA 1, the hooks, the RPS private API) without HTTP', async () => {
    const { server, phone } = await startServerWithPhone();
    // every HTTP request this process sends, as fetch (undici) announces it
    const sent: string[] = [];
    const onRequest = (message: unknown) => {
      const { origin, path } = (message as { request: { origin: string; path: string } }).request;
      sent.push(new URL(path, origin).href);
    };
    subscribe('undici:request:create', onRequest);
    try {
      // registration and PIN set-up (RPS → D-TA 1), and a browser sign-in (RPS → the relying party's hooks,
      // relying party → RPS /authenticate)
      const id = await enrol(phone, 'solo@example.com', 2580);
      const browser = new MilagroClient(server.publicUrl);
      await browser.init();
      expect((await browser.browserAuthenticate(await browser.passes(id, 2580))).status).toBe(200);
      expect((await browser.request('GET', '/protected')).text).toContain('solo@example.com');
    } finally {
      unsubscribe('undici:request:create', onRequest);
      await server.stop();
    }
    // the test's own requests were seen, so the count below is not empty for want of announcements
    expect(sent.some((url) => url.startsWith(`${server.publicUrl}/rps/pass2`))).toBe(true);
    expect(sent.filter((url) => url.startsWith(server.privateUrl))).toEqual([]);
  });
});
