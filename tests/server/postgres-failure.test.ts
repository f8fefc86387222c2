// @vitest-environment node
// The server on PostgreSQL when the database goes away: requests that need it answer 503 with Milagro's
// `{version, message}` body (the request was fine, the service is not), never 500, and the server does not crash.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http } from '../support/http.ts';
import { startTestPostgres, type TestPostgres } from '../support/postgres.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let pg: TestPostgres;
let server: TestServer;

beforeAll(async () => {
  pg = await startTestPostgres();
  server = await startTestServer({ DATABASE_URL: pg.url }, mkdtempSync(join(tmpdir(), 'mpin-pgfail-')));
});
afterAll(async () => {
  await server?.stop();
  pg?.stop();
});

const register = (userId: string) =>
  http('PUT', `${server.publicUrl}/rps/user`, { userId, mobile: 1, deviceName: 'pgFailure' });

describe('PostgreSQL unreachable', () => {
  it('answers 503 with Milagro body while the database is down, and the process keeps serving', async () => {
    expect((await register('before@example.com')).status).toBe(200);
    pg.stop();
    for (const userId of ['during1@example.com', 'during2@example.com']) {
      const res = await register(userId);
      expect(res.status, res.text).toBe(503);
      expect(res.json).toMatchObject({ version: '0.3', message: expect.any(String) });
    }
    // routes that need no storage still answer
    expect((await http('GET', `${server.publicUrl}/rps/clientSettings`)).status).toBe(200);
  });
});
