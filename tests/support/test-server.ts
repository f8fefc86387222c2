/** Starts the real reference server for a test: free ports, a fresh DATA_DIR, no logs. Test support only. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';

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
