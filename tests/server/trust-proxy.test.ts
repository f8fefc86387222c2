// @vitest-environment node
// Behind a reverse proxy (several server processes behind nginx), every request comes from the proxy's address:
// with TRUST_PROXY naming the proxy, the per-address rate limits count the client named by X-Forwarded-For;
// without it, that header is ignored, so a client cannot pick its own budget.
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function getNumber(from: string): Promise<number> {
  const res = await fetch(`${server!.publicUrl}/rps/getAccessNumber`, {
    method: 'POST',
    headers: { 'x-forwarded-for': from },
  });
  await res.body?.cancel();
  return res.status;
}

async function budget(from: string, tries: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < tries; i++) statuses.push(await getNumber(from));
  return statuses;
}

describe('TRUST_PROXY', () => {
  it('with the proxy trusted, each forwarded client has its own budget', async () => {
    server = await startTestServer({ RATE_LIMIT_PER_MINUTE: '2', TRUST_PROXY: '127.0.0.1' });
    const first = await budget('203.0.113.7', 10);
    expect(first).toContain(429);
    expect(first[0]).toBe(200);
    // another client behind the same proxy is not throttled by the first one's requests
    expect(await getNumber('198.51.100.9')).toBe(200);
  });

  it('without it, X-Forwarded-For is ignored: a client cannot pick a fresh budget', async () => {
    server = await startTestServer({ RATE_LIMIT_PER_MINUTE: '2' });
    const first = await budget('203.0.113.7', 10);
    expect(first).toContain(429);
    expect(await getNumber('198.51.100.9')).toBe(429);
  });
});
