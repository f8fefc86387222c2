// @vitest-environment node
// A secret file lost while identities are registered (server/util/secret-files.ts): the server, and a D-TA run as
// its own process, refuse to start and say which file to restore, instead of creating a new secret under which
// every registered user's right PIN counts as wrong. A first start on an empty database still creates them.
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { enrol } from '../support/enrol.ts';
import { MilagroClient } from '../support/milagro-http-client.ts';
import { startServerWithPhone } from '../support/server-fixture.ts';
import { startScript, waitForOutput } from '../support/server-process.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const SECRET_FILES = ['dta1.master-secret', 'dta2.master-secret', 'credentials.json'];
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'mpin-secrets-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function signIn(server: TestServer, id: Awaited<ReturnType<typeof enrol>>, pin: number): Promise<number> {
  const client = new MilagroClient(server.publicUrl);
  await client.init();
  return (await client.browserAuthenticate(await client.passes(id, pin))).status;
}

describe('secret files', () => {
  it('a first start creates them; with no identity registered, a missing one is created again', async () => {
    const dataDir = tempDir();
    let server = await startTestServer({}, dataDir);
    await server.stop(true);
    for (const f of SECRET_FILES) expect(existsSync(join(dataDir, f)), f).toBe(true);
    const before = readFileSync(join(dataDir, 'dta2.master-secret'), 'utf8');
    rmSync(join(dataDir, 'dta2.master-secret'));
    server = await startTestServer({}, dataDir);
    await server.stop(true);
    expect(readFileSync(join(dataDir, 'dta2.master-secret'), 'utf8')).not.toBe(before);
  });

  it('with identities registered, each missing file stops the start, named with what to restore', async () => {
    const dataDir = tempDir();
    const first = await startServerWithPhone({}, dataDir);
    let server = first.server;
    const id = await enrol(first.phone, 'keeps-pin@example.com', 2468);
    expect(await signIn(server, id, 2468)).toBe(200);
    await server.stop(true);

    for (const file of SECRET_FILES) {
      const path = join(dataDir, file);
      renameSync(path, `${path}.away`);
      const start = startTestServer({}, dataDir);
      await expect(start).rejects.toThrow(new RegExp(`${file.replace('.', '\\.')} is missing from`));
      await expect(start).rejects.toThrow(/holds registered identities/);
      await expect(start).rejects.toThrow(new RegExp(`Restore ${file.replace('.', '\\.')} from a backup`));
      expect(existsSync(path), `${file} must not be created anew`).toBe(false);
      renameSync(`${path}.away`, path);
    }

    // two missing files are named together
    for (const f of SECRET_FILES.slice(0, 2)) renameSync(join(dataDir, f), join(dataDir, `${f}.away`));
    await expect(startTestServer({}, dataDir)).rejects.toThrow(
      /dta1\.master-secret and dta2\.master-secret are missing/,
    );
    for (const f of SECRET_FILES.slice(0, 2)) renameSync(join(dataDir, `${f}.away`), join(dataDir, f));

    // restored, the identity's right PIN is still right
    server = await startTestServer({}, dataDir);
    try {
      expect(await signIn(server, id, 2468)).toBe(200);
    } finally {
      await server.stop(true);
    }
  }, 60_000);

  it('a D-TA run as its own process refuses too (npm run dta), and says so on its console', async () => {
    const dataDir = tempDir();
    const { server, phone } = await startServerWithPhone({ REQUIRE_ACTIVATION: 'false' }, dataDir);
    expect((await phone.register('dta-owner@example.com')).status).toBe(200);
    await server.stop(true);
    rmSync(join(dataDir, 'dta2.master-secret'));
    // the D-TA looks at the same database as the server (PostgreSQL in npm run test:postgres)
    const database: Record<string, string> = server.ctx.config.DATABASE_URL
      ? { DATABASE_URL: server.ctx.config.DATABASE_URL }
      : {};

    const dta = startScript('server/dta/main.ts', ['dta2'], {
      DATA_DIR: dataDir,
      DTA_PORT: '0',
      LOG_LEVEL: 'silent',
      ...database,
    });
    await expect(waitForOutput(dta, /listening/)).rejects.toThrow(/could not start: dta2\.master-secret is missing/);
    expect(await dta.exited).toBe(1);
    expect(dta.output()).toMatch(/Restore dta2\.master-secret from a backup/);
    expect(existsSync(join(dataDir, 'dta2.master-secret'))).toBe(false);
    // the first D-TA's share is there: it starts
    const dta1 = startScript('server/dta/main.ts', ['dta1'], {
      DATA_DIR: dataDir,
      DTA_PORT: '0',
      LOG_LEVEL: 'silent',
      ...database,
    });
    try {
      await waitForOutput(dta1, /dta1 listening on/);
    } finally {
      await dta1.stop();
    }
  }, 60_000);
});
