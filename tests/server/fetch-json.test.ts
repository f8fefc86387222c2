// @vitest-environment node
// The server's fetch helper (server/util/fetch-json.ts) against a real HTTP server on a free port: what it sends, a
// 2xx answer checked with zod, and each failure named (status with the peer's message, malformed, unreachable,
// timeout, redirect) in words that carry neither the URL nor the body.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { FetchJsonError, fetchJson } from '../../server/util/fetch-json.ts';

let server: Server;
let base: string;
/** What the server last received. */
let received: { method: string; url: string; headers: IncomingMessage['headers']; body: string };
/** Open requests the server never answers (the timeout case), ended when the test file is done. */
const hanging: ServerResponse[] = [];

const ROUTES: Record<string, (res: ServerResponse) => void> = {
  '/ok': (res) => json(res, 200, { forceActivate: true, extra: 1 }),
  '/empty': (res) => res.writeHead(200).end(),
  '/text': (res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('not json'),
  '/refused': (res) => json(res, 403, { version: '0.3', message: 'This M-Pin identity has been revoked' }),
  '/broken': (res) => res.writeHead(500).end('<html>stack trace</html>'),
  '/moved': (res) => res.writeHead(302, { location: '/ok' }).end(),
  '/hang': (res) => void hanging.push(res),
};

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      received = { method: req.method!, url: req.url!, headers: req.headers, body };
      (ROUTES[req.url!.split('?')[0]!] ?? ((r: ServerResponse) => r.writeHead(404).end()))(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const res of hanging) res.destroy();
  await new Promise((resolve) => server.close(resolve));
});

const Verify = z.object({ forceActivate: z.boolean() });
const failureOf = async (p: Promise<unknown>): Promise<FetchJsonError> => {
  const e: unknown = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(FetchJsonError);
  return e as FetchJsonError;
};

describe('fetchJson', () => {
  it('posts its body as JSON with the given headers, and returns the 2xx answer as the schema parses it', async () => {
    const answer = await fetchJson(`${base}/ok?secret=abc`, {
      what: 'relying party',
      schema: Verify,
      method: 'POST',
      body: { userId: 'a@b.c' },
      headers: { 'RPS-BASE-URL': 'http://rp.test' },
      timeoutMs: 5000,
    });
    expect(answer).toEqual({ forceActivate: true });
    expect(received.method).toBe('POST');
    expect(received.headers['content-type']).toBe('application/json');
    expect(received.headers['rps-base-url']).toBe('http://rp.test');
    expect(JSON.parse(received.body)).toEqual({ userId: 'a@b.c' });
  });

  it('sends a GET without a body or content type', async () => {
    await fetchJson(`${base}/ok`, { what: 'D-TA timePermits', schema: Verify, timeoutMs: 5000 });
    expect(received.method).toBe('GET');
    expect(received.headers['content-type']).toBeUndefined();
    expect(received.body).toBe('');
  });

  it('checks an empty or non-JSON answer as undefined', async () => {
    expect(await fetchJson(`${base}/empty`, { what: 'x', schema: z.unknown(), timeoutMs: 5000 })).toBeUndefined();
    expect(await fetchJson(`${base}/text`, { what: 'x', schema: z.unknown(), timeoutMs: 5000 })).toBeUndefined();
    const e = await failureOf(fetchJson(`${base}/empty`, { what: 'relying party', schema: Verify, timeoutMs: 5000 }));
    expect(e.failure).toBe('malformed');
  });

  it('says "malformed" for an answer the schema refuses', async () => {
    const e = await failureOf(
      fetchJson(`${base}/ok`, {
        what: 'D-TA clientSecret',
        schema: z.object({ clientSecret: z.string() }),
        timeoutMs: 5000,
      }),
    );
    expect(e).toMatchObject({ failure: 'malformed', what: 'D-TA clientSecret' });
    expect(e.message).toBe('D-TA clientSecret answered malformed data');
  });

  it('says "status" with the status and the peer\'s Milagro message, or none when it sent no such message', async () => {
    const refused = await failureOf(
      fetchJson(`${base}/refused?mpin_id=ab`, { what: 'relying party', schema: z.unknown(), timeoutMs: 5000 }),
    );
    expect(refused).toMatchObject({
      failure: 'status',
      status: 403,
      serverMessage: 'This M-Pin identity has been revoked',
    });
    expect(refused.message).toBe('relying party answered 403');
    const broken = await failureOf(
      fetchJson(`${base}/broken`, { what: 'RPS /authenticate', schema: z.unknown(), timeoutMs: 5000 }),
    );
    expect(broken).toMatchObject({ failure: 'status', status: 500, serverMessage: undefined });
    expect(broken.message).not.toContain('stack trace');
  });

  it('does not follow a redirect (a signed query must not travel elsewhere)', async () => {
    const e = await failureOf(
      fetchJson(`${base}/moved`, { what: 'D-TA serverSecret', schema: Verify, timeoutMs: 5000 }),
    );
    expect(e.failure).toBe('unreachable');
  });

  it('says "unreachable" with the reason when nothing listens, without the URL', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const e = await failureOf(
      fetchJson(`http://127.0.0.1:${port}/dta1/serverSecret?signature=s3cret`, {
        what: 'D-TA serverSecret',
        schema: Verify,
        timeoutMs: 5000,
      }),
    );
    expect(e.failure).toBe('unreachable');
    expect(e.message).toBe('D-TA serverSecret unreachable: ECONNREFUSED');
    expect(e.message).not.toContain('s3cret');
  });

  it('says "timeout" when no answer comes in time', async () => {
    const e = await failureOf(fetchJson(`${base}/hang`, { what: 'relying party', schema: Verify, timeoutMs: 200 }));
    expect(e.failure).toBe('timeout');
    expect(e.message).toBe('relying party did not answer within 0.2 s');
  });
});
