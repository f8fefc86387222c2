/**
 * The set-up most server API tests start from: the real server (test-server.ts), the base URL of its RPS API, and
 * a phone, a Milagro-style client of it (milagro-http-client.ts) that has read the clientSettings. Use it in a
 * beforeAll: `({ server, phone } = await startServerWithPhone())`, and stop the server in the afterAll. Test
 * support only.
 */
import { MilagroClient } from './milagro-http-client.ts';
import { startTestServer, type TestServer } from './test-server.ts';

export interface ServerWithPhone {
  server: TestServer;
  /** `<publicUrl>/rps`. */
  rps: string;
  phone: MilagroClient;
}

/** `env` and `dataDir` as for startTestServer (a fresh DATA_DIR unless given). */
export async function startServerWithPhone(
  env: Record<string, string> = {},
  dataDir?: string,
): Promise<ServerWithPhone> {
  const server = await startTestServer(env, dataDir);
  const phone = new MilagroClient(server.publicUrl);
  await phone.init();
  return { server, rps: `${server.publicUrl}/rps`, phone };
}
