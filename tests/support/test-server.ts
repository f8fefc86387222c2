/**
 * Starts the real reference server for a test: free ports, a fresh DATA_DIR, no logs. With TEST_POSTGRES_URL set
 * (npm run test:postgres) it runs on a fresh PostgreSQL database of its own instead of SQLite. Test support only.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { randomHex } from '../../server/util/random.ts';
import pg from 'pg';

export interface TestServer extends RunningServer {
  dataDir: string;
  /** Stops the server; removes DATA_DIR unless `keepData`. */
  stop(keepData?: boolean): Promise<void>;
}

export async function startTestServer(
  env: Record<string, string> = {},
  dataDir = mkdtempSync(join(tmpdir(), 'mpin-server-')),
  /** The server's clock (ms since the epoch); the real one unless a test needs another. */
  now: () => number = Date.now,
): Promise<TestServer> {
  const config = loadConfig({
    ...(process.env.TEST_POSTGRES_URL && !env.DATABASE_URL ? { DATABASE_URL: await databaseFor(dataDir) } : {}),
    PORT: '0',
    PRIVATE_PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    ...env,
  });
  const server = await startServer(config, now);
  return {
    ...server,
    dataDir,
    async stop(keepData = false) {
      await server.close();
      if (!keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** One database per DATA_DIR, so that a server restarted on the same DATA_DIR finds its records again. */
const databases = new Map<string, string>();
async function databaseFor(dataDir: string): Promise<string> {
  let url = databases.get(dataDir);
  if (!url) databases.set(dataDir, (url = await freshDatabase(process.env.TEST_POSTGRES_URL!)));
  return url;
}

/** A new, empty database on the server of `url`; its URL. */
export async function freshDatabase(url: string): Promise<string> {
  const name = `mpin_${randomHex(6)}`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}
