// @vitest-environment node
// The server as separate processes: each D-TA on its own (npm run dta), the server pointed at them with
// DTA1_URL / DTA2_URL; and the server's console at LOG_LEVEL=debug through a whole sign-in, which must show no
// secret (tokens, OTTs, shares, the HMAC key, master secrets).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { activationLinkFor, pollAccess } from '../support/enrol.ts';
import { HttpClient, MilagroClient } from '../support/milagro-http-client.ts';
import { startServerWithPhone } from '../support/server-fixture.ts';

const root = resolve(__dirname, '../..');
const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGTERM');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Starts `node --import tsx <script> args` and resolves with the first match of `ready` in its output. */
function run(
  script: string,
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
): Promise<{ match: RegExpMatchArray; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  return new Promise((res, rej) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = out.match(ready);
      if (m) res({ match: m, output: () => out });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => rej(new Error(`${script} exited with ${code}:\n${out}`)));
  });
}

const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'mpin-proc-'));
  dirs.push(d);
  return d;
};

describe('server processes', () => {
  it('runs with both D-TAs as their own processes', async () => {
    const dataDir = tempDir();
    const env = { DATA_DIR: dataDir, DTA_PORT: '0', LOG_LEVEL: 'silent' };
    const dta1 = await run('server/dta/main.ts', ['dta1'], env, /dta1 listening on (http:\S+)/);
    const dta2 = await run('server/dta/main.ts', ['dta2'], env, /dta2 listening on (http:\S+)/);
    const { server, phone } = await startServerWithPhone(
      { DTA1_URL: dta1.match[1]!, DTA2_URL: dta2.match[1]!, REQUIRE_ACTIVATION: 'false' },
      dataDir,
    );
    try {
      expect(phone.settings.certivoxURL).toBe(dta2.match[1]);
      expect((await fetch(`${server.publicUrl}/dta2/status`)).status).toBe(404); // not in the server process
      const reg = await phone.register('solo@example.com');
      expect(reg.body.active).toBe(true);
      const id = await phone.setup('solo@example.com', reg.body.mpinId, reg.body.regOTT, 2580);
      expect((await phone.browserAuthenticate(await phone.passes(id, 2580))).status).toBe(200);
      expect((await phone.browserAuthenticate(await phone.passes(id, 2581))).status).toBe(401);
    } finally {
      await server.stop(true);
    }
  }, 60_000);

  it('refuses to start a D-TA without a name', async () => {
    await expect(run('server/dta/main.ts', [], { DATA_DIR: tempDir() }, /listening/)).rejects.toThrow(
      /usage: npm run dta/,
    );
  });

  it('logs no secret at LOG_LEVEL=debug through registration, activation, PIN setup and an access-number sign-in', async () => {
    const dataDir = tempDir();
    const server = await run(
      'server/main.ts',
      [],
      { DATA_DIR: dataDir, PORT: '0', PRIVATE_PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'debug' },
      /Demo site \(relying party\):\s+(\S+?)\/\s/,
    );
    const base = server.match[1]!;
    const phone = new MilagroClient(base);
    await phone.init();
    const reg = await phone.register('quiet@example.com');
    const link = await activationLinkFor(base, 'quiet@example.com');
    const page = new HttpClient(base);
    expect((await page.request('POST', link, '', { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(
      200,
    );
    const sig = await phone.signature(reg.body.mpinId, reg.body.regOTT); // fetched here only to know the share; setup fetches again
    expect(sig.status).toBe(200);
    // the signature is single-use: register a second identity for the sign-in itself
    const reg2 = await phone.register('quiet2@example.com');
    const link2 = await activationLinkFor(base, 'quiet2@example.com');
    await page.request('POST', link2, '', { 'content-type': 'application/x-www-form-urlencoded' });
    const id = await phone.setup('quiet2@example.com', reg2.body.mpinId, reg2.body.regOTT, 1470);
    const pc = new HttpClient(base);
    const an = (await pc.request('POST', '/rps/getAccessNumber')).body;
    const authOTT = await phone.passes(id, 1470, an.accessNumber);
    const done = phone.mobileAuthenticate(authOTT);
    const poll = await pollAccess(pc, an.webOTT, 'authenticate');
    expect(
      (await pc.request('POST', '/mpinAuthenticate', { mpinResponse: { authOTT: poll.body.authOTT } })).status,
    ).toBe(200);
    const result = await done;
    expect(result.status).toBe(200);

    await new Promise((r) => setTimeout(r, 300));
    const log = server.output();
    expect(log).toMatch(/incoming request/); // at debug, every request is logged (path only)
    expect(log).toMatch(/"path":"\/rps\/signature\/[0-9a-f]+"/); // … without its query string (regOTT)
    const creds = JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8'));
    const secrets: Record<string, string> = {
      regOTT: reg.body.regOTT,
      regOTT2: reg2.body.regOTT,
      clientSecretShare: sig.body.clientSecretShare,
      token: Buffer.from(id.token).toString('hex'),
      authOTT,
      webOTT: an.webOTT,
      appKey: creds.app_key,
      dta1: readFileSync(join(dataDir, 'dta1.master-secret'), 'utf8').trim(),
      dta2: readFileSync(join(dataDir, 'dta2.master-secret'), 'utf8').trim(),
      sessionToken: result.body.logoutData.sessionToken,
    };
    for (const [name, value] of Object.entries(secrets)) {
      expect(value.length, name).toBeGreaterThan(16);
      expect(log.toLowerCase().includes(value.toLowerCase()), `${name} appears in the server's output`).toBe(false);
    }
  }, 60_000);
});
