/**
 * Storage failures: what the database throws when it cannot do its job (disk full, I/O error, locked by another
 * process for longer than the busy timeout, read-only file, corrupt file…), as opposed to a client's mistake. The
 * HTTP layer answers them 503 with Milagro's error body: the request was fine, the service is not, and a client
 * may try again later.
 */
import Database from 'better-sqlite3';

/** True for an error raised by SQLite (better-sqlite3's SqliteError, code SQLITE_…). */
export function isStorageFailure(error: unknown): error is Error & { code: string } {
  return error instanceof Database.SqliteError && /^SQLITE_/.test(error.code);
}
