// @vitest-environment node
// Registrations that are never activated expire after ACTIVATION_EXPIRE_SECONDS and are purged, their device
// records with them, so unauthenticated PUT /rps/user requests cannot fill the database; an activated identity's
// device record stays. The real server on a clock the test moves, and the rows read back from its SQLite file.
import Database from 'better-sqlite3';
import pg from 'pg';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdmin } from '../../server/admin.ts';
import { activationLinkFor } from '../support/enrol.ts';
import { expectError, http } from '../support/http.ts';
import { HttpClient } from '../support/milagro-http-client.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const EXPIRE_S = 600;
let clock = Date.now();
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ ACTIVATION_EXPIRE_SECONDS: String(EXPIRE_S) }, undefined, () => clock);
});
afterAll(() => server.stop());

/** Every row the database holds for `key`, expired or not, as kind → expiry (null: never). Either backend. */
async function rowsOf(key: string): Promise<Record<string, number | null>> {
  type Row = { kind: string; expires: number | string | null };
  let rows: Row[];
  const url = server.ctx.config.DATABASE_URL;
  if (url) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      rows = (await client.query<Row>('SELECT kind, expires FROM records WHERE key = $1', [key])).rows;
    } finally {
      await client.end();
    }
  } else {
    const db = new Database(join(server.dataDir, 'mpin.sqlite'), { readonly: true });
    try {
      rows = db.prepare('SELECT kind, expires FROM records WHERE key = ?').all(key) as Row[];
    } finally {
      db.close();
    }
  }
  return Object.fromEntries(rows.map((r) => [r.kind, r.expires === null ? null : Number(r.expires)]));
}

const register = (userId: string) =>
  http('PUT', `${server.publicUrl}/rps/user`, { userId, mobile: 1, deviceName: 'expiryTest' });

describe('unactivated registrations expire (ACTIVATION_EXPIRE_SECONDS=600)', () => {
  it('a pending registration and its device record last 600 s and are then purged; an activated device stays', async () => {
    const start = clock;
    const pending = await register('pending@example.com');
    expect(pending.status, pending.text).toBe(200);
    expect(Date.parse(`${pending.json.expireTime}Z`)).toBe(start + EXPIRE_S * 1000);
    const kept = await register('kept@example.com');
    expect(kept.status).toBe(200);
    const link = await activationLinkFor(server.publicUrl, 'kept@example.com');
    const page = new HttpClient(server.publicUrl);
    expect((await page.request('POST', link, '', { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(
      200,
    );

    // both registrations expire; only the pending one's device record does
    expect(await rowsOf(pending.json.mpinId)).toEqual({
      registration: start + EXPIRE_S * 1000,
      device: Math.floor(start / 1000) * 1000 + EXPIRE_S * 1000,
    });
    expect(await rowsOf(kept.json.mpinId)).toEqual({ registration: start + EXPIRE_S * 1000, device: null });

    // a resend of the activated registration does not make its device record expire again
    const resend = await http('PUT', `${server.publicUrl}/rps/user/${kept.json.mpinId}`, {
      userId: 'kept@example.com',
      mobile: 1,
      regOTT: kept.json.regOTT,
    });
    expect(resend.status, resend.text).toBe(200);
    expect(resend.json.active).toBe(true);
    expect((await rowsOf(kept.json.mpinId)).device).toBeNull();

    clock += (EXPIRE_S + 1) * 1000;
    // gone for the API at once…
    expectError(
      await http('GET', `${server.publicUrl}/rps/signature/${pending.json.mpinId}?regOTT=${pending.json.regOTT}`),
      400,
      /not found/,
    );
    const listed = (await runAdmin(['list'], server.ctx.storage)).join('\n');
    expect(listed).not.toContain('pending@example.com');
    expect(listed).toContain('kept@example.com');

    // …and from the database at the next registration (and every minute)
    clock += 60_000;
    expect((await register('later@example.com')).status).toBe(200);
    expect(await rowsOf(pending.json.mpinId)).toEqual({});
    expect(await rowsOf(kept.json.mpinId)).toEqual({ device: null });
  });

  it('many unactivated registrations leave no rows once expired', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await register(`flood${i}@example.com`);
      expect(r.status).toBe(200);
      ids.push(r.json.mpinId as string);
    }
    clock += (EXPIRE_S + 61) * 1000;
    expect((await register('after-flood@example.com')).status).toBe(200);
    for (const id of ids) expect(await rowsOf(id)).toEqual({});
  });
});
