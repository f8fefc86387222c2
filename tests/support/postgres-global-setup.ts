/**
 * vitest global setup: with TEST_DATABASE=postgres (npm run test:postgres), one throwaway PostgreSQL for the whole
 * run; every test server then gets a fresh database of its own on it (tests/support/test-server.ts). Without it,
 * nothing happens and the servers use SQLite.
 */
import { startTestPostgres, type TestPostgres } from './postgres.ts';

let pg: TestPostgres | undefined;

export async function setup(): Promise<void> {
  if (process.env.TEST_DATABASE !== 'postgres') return;
  pg = await startTestPostgres();
  // the test workers start after this and inherit the environment
  process.env.TEST_POSTGRES_URL = pg.url;
}

export function teardown(): void {
  pg?.stop();
}
