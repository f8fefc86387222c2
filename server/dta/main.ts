/**
 * `npm run dta -- dta1|dta2`: one D-TA as its own process, for deployments that keep the D-TAs apart from the
 * RPS. It reads the same DATA_DIR as the server (its master-secret share and the shared credentials.json) and
 * listens on DTA_PORT (default 8001 for dta1, 8002 for dta2) on DTA_HOST (default 127.0.0.1). Point the server
 * at it with DTA1_URL / DTA2_URL (e.g. http://127.0.0.1:8001/).
 */
import { mkdirSync } from 'node:fs';
import { loadConfig } from '../config.ts';
import { createHttpApp } from '../util/http.ts';
import { runProcess } from '../util/process.ts';
import { loadCredentials, loadMasterSecret } from '../util/secret-files.ts';
import { registerDta } from './dta-app.ts';

async function main() {
  const name = process.argv[2];
  if (name !== 'dta1' && name !== 'dta2') {
    console.error('usage: npm run dta -- dta1|dta2   (environment: DATA_DIR, DTA_PORT, DTA_HOST, LOG_LEVEL)');
    process.exit(2);
  }
  const config = loadConfig();
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
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

runProcess(main);
