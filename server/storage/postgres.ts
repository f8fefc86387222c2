/**
 * PostgreSQL storage (node-postgres), for several server processes that must behave as one service. The same
 * records table as the SQLite store, with versioned migrations applied at start under an advisory lock (two
 * processes starting together migrate once). Every single-use rule is one statement (`DELETE … RETURNING`,
 * `INSERT … ON CONFLICT`), every read-modify-write a transaction on a locked row, so two processes racing for the
 * same authOTT or attempt counter see one winner and lose no increment. Changes are announced with NOTIFY, so a
 * request waiting on a record (the phone waiting for the PC, the PC waiting for the phone) wakes in any process.
 */
import pg from 'pg';
import type { ChangeListener, Kind, RecordKinds, Storage, StoredRecord } from './types.ts';

const CHANNEL = 'mpin_records';

/** Forward-only migrations; the index in this list is the schema version. */
const MIGRATIONS: string[] = [
  `CREATE TABLE records (
     kind TEXT NOT NULL,
     key TEXT NOT NULL,
     value JSONB NOT NULL,
     created BIGINT NOT NULL,
     expires BIGINT,
     seq BIGSERIAL,
     PRIMARY KEY (kind, key)
   );
   CREATE INDEX records_by_created ON records (kind, created DESC, seq DESC);
   CREATE INDEX records_by_expiry ON records (expires) WHERE expires IS NOT NULL;`,
];

const LIVE = '(expires IS NULL OR expires > $3)';

export interface PostgresOptions {
  /** Clock in ms since the epoch; tests move it. Expiry is decided by this clock, not the database's. */
  now?: () => number;
  /** Connections in this process's pool. */
  poolSize?: number;
}

async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // One process migrates at a time; the others wait here and then find nothing left to do.
    await client.query("SELECT pg_advisory_xact_lock(hashtext('mpin-authenticator schema'))");
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
    );
    const { rows } = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
    for (let v = (rows[0]?.v ?? 0) + 1; v <= MIGRATIONS.length; v++) {
      await client.query(MIGRATIONS[v - 1]!);
      await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [v]);
    }
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}

type Row = { key: string; value: unknown; created: string; expires: string | null };
const toRecord = <K extends Kind>(r: Row): StoredRecord<K> => ({
  key: r.key,
  value: r.value as RecordKinds[K],
  created: Number(r.created),
  expires: r.expires === null ? null : Number(r.expires),
});

export async function openPostgres(url: string, options: PostgresOptions = {}): Promise<Storage> {
  const now = options.now ?? Date.now;
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10 });
  // An idle connection that the server drops must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  await migrate(pool);

  const listeners = new Set<ChangeListener>();
  const listener = new pg.Client({ connectionString: url });
  listener.on('error', () => undefined);
  await listener.connect();
  listener.on('notification', (n) => {
    if (n.channel !== CHANNEL || !n.payload) return;
    const cut = n.payload.indexOf(':');
    const kind = n.payload.slice(0, cut) as Kind;
    const key = n.payload.slice(cut + 1);
    for (const l of listeners) l(kind, key);
  });
  await listener.query(`LISTEN ${CHANNEL}`);

  const notify = (q: pg.Pool | pg.PoolClient, kind: Kind, key: string) =>
    q.query('SELECT pg_notify($1, $2)', [CHANNEL, `${kind}:${key}`]);

  async function transaction<T>(work: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await pool.connect();
    try {
      await c.query('BEGIN');
      const result = await work(c);
      await c.query('COMMIT');
      return result;
    } catch (e) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      c.release();
    }
  }

  const storage: Storage = {
    async get(kind, key) {
      const { rows } = await pool.query<Row>(`SELECT value FROM records WHERE kind = $1 AND key = $2 AND ${LIVE}`, [
        kind,
        key,
        now(),
      ]);
      return rows[0]?.value as never;
    },

    async put(kind, key, value, expiresAt = null) {
      await transaction(async (c) => {
        await c.query(
          `INSERT INTO records (kind, key, value, created, expires) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (kind, key) DO UPDATE SET value = EXCLUDED.value, created = EXCLUDED.created,
             expires = EXCLUDED.expires, seq = nextval(pg_get_serial_sequence('records', 'seq'))`,
          [kind, key, JSON.stringify(value), now(), expiresAt],
        );
        await notify(c, kind, key);
      });
    },

    async insert(kind, key, value, expiresAt = null) {
      // Takes the key only when no live record holds it: an expired one is replaced in the same statement.
      const { rowCount } = await pool.query(
        `INSERT INTO records (kind, key, value, created, expires) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (kind, key) DO UPDATE SET value = EXCLUDED.value, created = EXCLUDED.created,
           expires = EXCLUDED.expires, seq = nextval(pg_get_serial_sequence('records', 'seq'))
         WHERE records.expires IS NOT NULL AND records.expires <= $4`,
        [kind, key, JSON.stringify(value), now(), expiresAt],
      );
      if (rowCount === 1) await notify(pool, kind, key);
      return rowCount === 1;
    },

    async update(kind, key, change) {
      return transaction(async (c) => {
        const { rows } = await c.query<Row>(
          `SELECT value FROM records WHERE kind = $1 AND key = $2 AND ${LIVE} FOR UPDATE`,
          [kind, key, now()],
        );
        if (rows.length === 0) return undefined;
        const next = change(rows[0]!.value as never);
        await c.query('UPDATE records SET value = $3 WHERE kind = $1 AND key = $2', [kind, key, JSON.stringify(next)]);
        await notify(c, kind, key);
        return next;
      });
    },

    async take(kind, key) {
      return transaction(async (c) => {
        const { rows } = await c.query<Row>(
          `DELETE FROM records WHERE kind = $1 AND key = $2 RETURNING value, expires`,
          [kind, key],
        );
        const r = rows[0];
        if (!r) return undefined;
        await notify(c, kind, key);
        const live = r.expires === null || Number(r.expires) > now();
        return live ? (r.value as never) : undefined;
      });
    },

    async delete(kind, key) {
      const { rowCount } = await pool.query('DELETE FROM records WHERE kind = $1 AND key = $2', [kind, key]);
      if (rowCount === 1) await notify(pool, kind, key);
      return rowCount === 1;
    },

    async list(kind, limit = 100) {
      const { rows } = await pool.query<Row>(
        `SELECT key, value, created, expires FROM records WHERE kind = $1 AND (expires IS NULL OR expires > $2)
         ORDER BY created DESC, seq DESC LIMIT $3`,
        [kind, now(), limit],
      );
      return rows.map((r) => toRecord(r));
    },

    async expiresAt(kind, key) {
      const { rows } = await pool.query<Row>(`SELECT expires FROM records WHERE kind = $1 AND key = $2 AND ${LIVE}`, [
        kind,
        key,
        now(),
      ]);
      const r = rows[0];
      if (!r) return undefined;
      return r.expires === null ? null : Number(r.expires);
    },

    async purgeExpired() {
      const { rowCount } = await pool.query('DELETE FROM records WHERE expires IS NOT NULL AND expires <= $1', [now()]);
      return rowCount ?? 0;
    },

    onChange(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },

    async close() {
      listeners.clear();
      await listener.end().catch(() => undefined);
      await pool.end();
    },
  };
  return storage;
}
