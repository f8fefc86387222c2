// The PostgreSQL store against a real, throwaway PostgreSQL (tests/support/postgres.ts): the record rules of the
// storage interface, and the ones that matter across processes — two stores (two pools, as two server processes
// would have) racing for the same single-use record get one winner, concurrent counter updates lose nothing, a
// change made through one store wakes a waiter on the other, and migrations run once when two start together.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres } from '../../server/storage/postgres.ts';
import { waitForChange } from '../../server/storage/wait.ts';
import type { Storage } from '../../server/storage/types.ts';
import { startTestPostgres, type TestPostgres } from '../support/postgres.ts';

let pg: TestPostgres;
let clock = Date.now();
const now = () => clock;
let a: Storage;
let b: Storage;

beforeAll(async () => {
  pg = await startTestPostgres();
  // Two stores opened at once: both migrate under the advisory lock, one of them does the work.
  [a, b] = await Promise.all([openPostgres(pg.url, { now }), openPostgres(pg.url, { now })]);
});

afterAll(async () => {
  await a?.close();
  await b?.close();
  pg?.stop();
});

const session = (userId: string) => ({ userId, mpinId: null, loggedInAt: null });

describe('PostgreSQL storage', () => {
  it('puts, gets, lists newest first, and forgets expired records', async () => {
    await a.put('session', 's1', session('one@example.com'));
    await a.put('session', 's2', session('two@example.com'), clock + 1000);
    expect(await b.get('session', 's1')).toEqual(session('one@example.com'));
    expect((await b.list('session')).map((r) => r.key)).toEqual(['s2', 's1']);
    expect(await b.expiresAt('session', 's2')).toBe(clock + 1000);
    expect(await b.expiresAt('session', 's1')).toBeNull();
    clock += 1001;
    expect(await b.get('session', 's2')).toBeUndefined();
    expect(await b.expiresAt('session', 's2')).toBeUndefined();
    expect(await a.purgeExpired()).toBe(1);
    expect(await a.delete('session', 's1')).toBe(true);
    expect(await a.delete('session', 's1')).toBe(false);
  });

  it('insert takes a key only when no live record holds it', async () => {
    expect(await a.insert('webott', 'w1', { wid: '1' }, clock + 10)).toBe(true);
    expect(await b.insert('webott', 'w1', { wid: '2' })).toBe(false);
    clock += 11;
    expect(await b.insert('webott', 'w1', { wid: '3' })).toBe(true);
    expect(await a.get('webott', 'w1')).toEqual({ wid: '3' });
  });

  it('two processes racing to take one authOTT: exactly one gets it', async () => {
    for (let round = 0; round < 20; round++) {
      const key = `ott-${round}`;
      await a.put('webott', key, { wid: String(round) });
      const results = await Promise.all([a.take('webott', key), b.take('webott', key), a.take('webott', key)]);
      expect(results.filter((r) => r !== undefined)).toEqual([{ wid: String(round) }]);
    }
  });

  it('concurrent increments of an attempt counter from two processes lose nothing', async () => {
    await a.put('attempts', 'mpin-x', { count: 0 });
    const bump = (s: Storage) => s.update('attempts', 'mpin-x', (v) => ({ count: v.count + 1 }));
    await Promise.all(Array.from({ length: 30 }, (_, i) => bump(i % 2 ? a : b)));
    expect(await a.get('attempts', 'mpin-x')).toEqual({ count: 30 });
    expect(await a.update('attempts', 'absent', (v) => v)).toBeUndefined();
  });

  it('a change made through one process wakes a waiter on the other (NOTIFY), without polling', async () => {
    await a.put('webott', 'wake', { wid: 'before' });
    const waiting = waitForChange(b, 'webott', 'wake', 20_000);
    await a.update('webott', 'wake', () => ({ wid: 'after' }));
    expect(await waiting).toBe(true);
    expect(await b.get('webott', 'wake')).toEqual({ wid: 'after' });
    // no change: the wait times out with false
    expect(await waitForChange(b, 'webott', 'quiet', 50)).toBe(false);
  });

  it('the wait sees a change that happened before it subscribed, through its ready check', async () => {
    await a.put('webott', 'early', { wid: 'done' });
    const seen = await waitForChange(
      b,
      'webott',
      'early',
      20_000,
      async () => (await b.get('webott', 'early'))?.wid === 'done',
    );
    expect(seen).toBe(true);
  });

  it('migrates once: the schema version table holds each version once', async () => {
    const again = await openPostgres(pg.url, { now });
    await again.close();
    const pgModule = await import('pg');
    const client = new pgModule.default.Client({ connectionString: pg.url });
    await client.connect();
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    await client.end();
    expect(rows.map((r) => r.version)).toEqual([1]);
  });
});
