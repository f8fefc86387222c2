/**
 * `npm run dta -- dta1|dta2`: one D-TA as its own process, for deployments that keep the D-TAs apart from the
 * RPS. It reads the same DATA_DIR as the server (its master-secret share and the shared credentials.json) and
 * listens on DTA_PORT (default 8001 for dta1, 8002 for dta2) on DTA_HOST (default 127.0.0.1). Point the server
 * at it with DTA1_URL / DTA2_URL (e.g. http://127.0.0.1:8001/). Like the server, it refuses to create a missing
 * secret when the database in DATA_DIR holds registered identities (a D-TA on a machine without that database
 * cannot tell, and creates it).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../config.ts';
import { hasRegisteredDevices } from '../rpa/devices.ts';
import { openStorage, SQLITE_FILE } from '../storage/open.ts';
import type { Config } from '../config.ts';
import { createHttpApp } from '../util/http.ts';
import { runProcess } from '../util/process.ts';
import {
  CREDENTIALS_FILE,
  loadCredentials,
  loadMasterSecret,
  masterSecretFile,
  refuseLostSecrets,
} from '../util/secret-files.ts';
import { registerDta } from './dta-app.ts';

async function main() {
  const name = process.argv[2];
  if (name !== 'dta1' && name !== 'dta2') {
    console.error('usage: npm run dta -- dta1|dta2   (environment: DATA_DIR, DTA_PORT, DTA_HOST, LOG_LEVEL)');
    process.exit(2);
  }
  const config = loadConfig();
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  refuseLostSecrets(config.dataDir, [CREDENTIALS_FILE, masterSecretFile(name)], await holdsIdentities(config));
  const app = createHttpApp(config.LOG_LEVEL, name);
  await app.register(async (scope) =>
    registerDta(scope, {
      name,
      masterSecret: loadMasterSecret(config.dataDir, name),
      credentials: loadCredentials(config.dataDir),
      cloud: name === 'dta2',
    }),
  );
  const port = Number(process.env.DTA_PORT ?? (name === 'dta1' ? 8001 : 8002));
  await app.listen({ port, host: process.env.DTA_HOST ?? '127.0.0.1' });
  const address = app.server.address() as { address: string; port: number };
  console.log(`${name} listening on http://${address.address}:${address.port}/`);
  return app;
}

/** Whether the server's database (PostgreSQL, or DATA_DIR's SQLite file if there is one) has registered identities. */
async function holdsIdentities(config: Config): Promise<boolean> {
  if (!config.DATABASE_URL && !existsSync(join(config.dataDir, SQLITE_FILE))) return false;
  const storage = await openStorage(config);
  try {
    return await hasRegisteredDevices(storage);
  } finally {
    await storage.close();
  }
}

runProcess(main);
