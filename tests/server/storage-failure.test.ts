// @vitest-environment node
// When storage fails the server answers 503 with Milagro's `{version, message}` body, never a 500, and keeps
// running. Two real failures, no stand-ins: the server as a process under `ulimit -f`, so its database cannot grow
// (writes fail as on a full disk: SQLITE_FULL / SQLITE_IOERR_WRITE); and the database locked by another connection
// for longer than the server's busy timeout (SQLITE_BUSY).
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectError, http } from '../support/http.ts';
import { SERVER_READY, startScript, waitForOutput } from '../support/server-process.ts';
import { startTestServer } from '../support/test-server.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('storage failures answer 503', () => {
  it('a database that cannot grow (ulimit -f, as a full disk): registrations get 503, the server stays up', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mpin-full-'));
    dirs.push(dataDir);
    const proc = startScript(
      'server/main.ts',
      [],
      {
        DATA_DIR: dataDir,
        PORT: '0',
        PRIVATE_PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'error',
        RATE_LIMIT_PER_MINUTE: '100000',
      },
      { fileSizeLimitKiB: 512 },
    );
    try {
      const base = (await waitForOutput(proc, SERVER_READY))[1]!;
      const statuses: number[] = [];
      let refused;
      for (let i = 0; i < 400 && !refused; i++) {
        const res = await http('PUT', `${base}/rps/user`, {
          userId: `full${i}@example.com`,
          mobile: 1,
          deviceName: 'd'.repeat(64),
        });
        statuses.push(res.status);
        if (res.status !== 200) refused = res;
      }
      expect(refused, 'the database never filled up').toBeDefined();
      expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(0);
      expectError(refused!, 503, /temporarily unavailable|could not send/i);
      // later writes fail the same way (or fit in what is left), reads still work, and nothing is a 500
      for (let i = 0; i < 5; i++) {
        const res = await http('PUT', `${base}/rps/user`, { userId: `more${i}@example.com`, mobile: 1 });
        if (res.status !== 200) expectError(res, 503);
      }
      expect((await http('GET', `${base}/rps/clientSettings`)).status).toBe(200);
      const an = await http('POST', `${base}/rps/getAccessNumber`);
      expect([200, 503]).toContain(an.status);
      expect(proc.child.exitCode).toBeNull();
      // the log names the SQLite code, nothing else
      expect(proc.output()).toMatch(/"code":"SQLITE_(FULL|IOERR[A-Z_]*)"/);
      expect(proc.output()).not.toMatch(/"statusCode":500/);
    } finally {
      await proc.stop();
    }
  }, 120_000);

  it('a database locked by another process beyond the busy timeout: 503, and the next request works', async () => {
    const server = await startTestServer();
    const other = new Database(join(server.dataDir, 'mpin.sqlite'));
    try {
      other.exec('BEGIN IMMEDIATE'); // holds the write lock: the server's writes wait 5 s, then SQLITE_BUSY
      const res = await http('PUT', `${server.publicUrl}/rps/user`, { userId: 'busy@example.com', mobile: 1 });
      expectError(res, 503);
      other.exec('ROLLBACK');
      const again = await http('PUT', `${server.publicUrl}/rps/user`, { userId: 'busy@example.com', mobile: 1 });
      expect(again.status, again.text).toBe(200);
    } finally {
      if (other.inTransaction) other.exec('ROLLBACK');
      other.close();
      await server.stop();
    }
  }, 60_000);
});
