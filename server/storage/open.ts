/**
 * Which storage the server runs on: PostgreSQL when DATABASE_URL names one (several server processes can then share
 * it and behave as one service), else the embedded SQLite file in DATA_DIR.
 */
import { join } from 'node:path';
import type { Config } from '../config.ts';
import { openPostgres } from './postgres.ts';
import { openSqlite } from './sqlite.ts';
import type { Storage } from './types.ts';

export const SQLITE_FILE = 'mpin.sqlite';

export async function openStorage(
  config: Pick<Config, 'DATABASE_URL' | 'dataDir'>,
  now: () => number = Date.now,
): Promise<Storage> {
  if (config.DATABASE_URL) return openPostgres(config.DATABASE_URL, { now });
  return openSqlite(join(config.dataDir, SQLITE_FILE), now);
}

/** Where the data lives, for messages to the operator (no password). */
export function describeStorage(config: Pick<Config, 'DATABASE_URL' | 'dataDir'>): string {
  if (!config.DATABASE_URL) return join(config.dataDir, SQLITE_FILE);
  const u = new URL(config.DATABASE_URL);
  return `PostgreSQL ${u.hostname}:${u.port || 5432}${u.pathname}`;
}
