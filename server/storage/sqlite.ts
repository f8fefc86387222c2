/**
 * SQLite storage (better-sqlite3), the embedded default: one file in DATA_DIR, WAL mode, a versioned schema
 * with forward migrations. Synchronous calls on one connection make each method atomic in this process.
 */
import Database from 'better-sqlite3';
import { chmodSync, existsSync } from 'node:fs';
import type { ChangeListener, Kind, RecordKinds, Storage, StoredRecord } from './types.ts';

const MIGRATIONS: string[] = [
  `CREATE TABLE records (
     kind TEXT NOT NULL,
     key TEXT NOT NULL,
     value TEXT NOT NULL,
     created INTEGER NOT NULL,
     expires INTEGER,
     PRIMARY KEY (kind, key)
   );
   CREATE INDEX records_by_created ON records (kind, created);
   CREATE INDEX records_by_expiry ON records (expires) WHERE expires IS NOT NULL;`,
];

export function openSqlite(file: string, now: () => number = Date.now): Storage {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // registrations, OTTs and sessions: readable by the server's user only (DATA_DIR is 0700 as well)
  if (file !== ':memory:') for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  migrate(db);

  const sel = db.prepare(
    'SELECT value, created, expires FROM records WHERE kind = ? AND key = ? AND (expires IS NULL OR expires > ?)',
  );
  const upsert = db.prepare(
    'INSERT OR REPLACE INTO records (kind, key, value, created, expires) VALUES (?, ?, ?, ?, ?)',
  );
  const del = db.prepare('DELETE FROM records WHERE kind = ? AND key = ?');
  const setValue = db.prepare('UPDATE records SET value = ? WHERE kind = ? AND key = ?');
  const listStmt = db.prepare(
    'SELECT key, value, created, expires FROM records WHERE kind = ? AND (expires IS NULL OR expires > ?) ORDER BY created DESC, rowid DESC LIMIT ?',
  );
  const purge = db.prepare('DELETE FROM records WHERE expires IS NOT NULL AND expires <= ?');

  type Row = { value: string; created: number; expires: number | null };
  const row = (kind: Kind, key: string) => sel.get(kind, key, now()) as Row | undefined;

  // Changes are announced in this process only: one process owns the file.
  const listeners = new Set<ChangeListener>();
  const changed = (kind: Kind, key: string) => {
    for (const l of listeners) l(kind, key);
  };

  const insertTx = db.transaction((kind: Kind, key: string, value: unknown, expiresAt: number | null) => {
    if (row(kind, key)) return false;
    upsert.run(kind, key, JSON.stringify(value), now(), expiresAt);
    return true;
  });
  const updateTx = db.transaction((kind: Kind, key: string, change: (v: never) => unknown) => {
    const r = row(kind, key);
    if (!r) return undefined;
    const next = change(JSON.parse(r.value) as never);
    setValue.run(JSON.stringify(next), kind, key);
    return next;
  });
  const takeTx = db.transaction((kind: Kind, key: string) => {
    const r = row(kind, key);
    del.run(kind, key);
    return r ? (JSON.parse(r.value) as unknown) : undefined;
  });

  // better-sqlite3 is synchronous: each call below runs to its end before any other JavaScript, which makes it
  // atomic in this process; the promises only give it the interface a network database needs.
  const storage: Storage = {
    async get(kind, key) {
      const r = row(kind, key);
      return r ? (JSON.parse(r.value) as never) : undefined;
    },
    async put(kind, key, value, expiresAt = null) {
      upsert.run(kind, key, JSON.stringify(value), now(), expiresAt);
      changed(kind, key);
    },
    async insert(kind, key, value, expiresAt = null) {
      const inserted = insertTx(kind, key, value, expiresAt);
      if (inserted) changed(kind, key);
      return inserted;
    },
    async update(kind, key, change) {
      const next = updateTx(kind, key, change) as never;
      if (next !== undefined) changed(kind, key);
      return next;
    },
    async take(kind, key) {
      const value = takeTx(kind, key) as never;
      if (value !== undefined) changed(kind, key);
      return value;
    },
    async delete(kind, key) {
      const deleted = del.run(kind, key).changes > 0;
      if (deleted) changed(kind, key);
      return deleted;
    },
    async list<K extends Kind>(kind: K, limit = 1000): Promise<StoredRecord<K>[]> {
      const rows = listStmt.all(kind, now(), limit) as (Row & { key: string })[];
      return rows.map((r) => ({
        key: r.key,
        value: JSON.parse(r.value) as RecordKinds[K],
        created: r.created,
        expires: r.expires,
      }));
    },
    async expiresAt(kind, key) {
      const r = row(kind, key);
      return r ? r.expires : undefined;
    },
    async purgeExpired() {
      return purge.run(now()).changes;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      listeners.clear();
      db.close();
    },
  };
  return storage;
}

function migrate(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length)
    throw new Error(`database schema ${version} is newer than this server (${MIGRATIONS.length})`);
  for (let v = version; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
