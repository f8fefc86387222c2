/**
 * Storage failures: what the database throws when it cannot do its job (disk full, I/O error, locked by another
 * process for longer than the busy timeout, read-only file, corrupt file, PostgreSQL unreachable…), as opposed to a
 * client's mistake. The
 * HTTP layer answers them 503 with Milagro's error body: the request was fine, the service is not, and a client
 * may try again later.
 */
import Database from 'better-sqlite3';
import pg from 'pg';

/**
 * PostgreSQL's SQLSTATE classes that mean the database, not the request, failed: connection exceptions (08),
 * transaction rollbacks such as serialization failures and deadlocks (40), insufficient resources such as a full
 * disk (53), program limits (54), the server shutting down (57), system errors (58) and internal errors (XX).
 */
const POSTGRES_FAILURE = /^(08|40|53|54|57|58|XX)/;
/** Network errors of the database connection itself. */
const CONNECTION_FAILURE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH']);

/**
 * True for an error raised by the store when it could not do its job: SQLite's (code SQLITE_…), PostgreSQL's (by
 * SQLSTATE class), or a lost connection to PostgreSQL. `code` names it for the log; nothing else of it is logged.
 */
export function isStorageFailure(error: unknown): error is Error & { code: string } {
  if (error instanceof Database.SqliteError) return /^SQLITE_/.test(error.code);
  if (error instanceof pg.DatabaseError) return typeof error.code === 'string' && POSTGRES_FAILURE.test(error.code);
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && CONNECTION_FAILURE.has(code)) return true;
  // node-postgres's own messages when the pool or a connection gives up
  if (
    /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/.test(
      error.message,
    )
  ) {
    Object.assign(error, { code: 'PG_CONNECTION' });
    return true;
  }
  return false;
}
