// @vitest-environment node
// The built-in mailbox lists every activation link, so it is served only when the public listener is on a
// loopback address, or with MAILBOX_PUBLIC=1, which prints a warning at start-up (server/mail/mailbox-access.ts).
// The real server on 127.0.0.1 and on 0.0.0.0 (reached through 127.0.0.1), and server/main.ts as a process.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isLoopbackHost } from '../../lib/rps/url-policy.ts';
import { http } from '../support/http.ts';
import { SERVER_READY, startScript, waitForOutput, type ServerProcess } from '../support/server-process.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let server: TestServer | undefined;
let proc: ServerProcess | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
  await proc?.stop();
  proc = undefined;
});

/** The server's public listener through 127.0.0.1, whatever HOST it listens on. */
const local = (s: TestServer) => `http://127.0.0.1:${new URL(s.publicUrl).port}`;

/** Registers `userId` and answers the mailbox's three routes. */
async function mailboxAfterRegistration(base: string, userId: string) {
  const reg = await http('PUT', `${base}/rps/user`, { userId, mobile: 1, deviceName: 'mailboxTest' });
  expect(reg.status, reg.text).toBe(200); // registration works either way: the mail goes to the console
  const json = await http('GET', `${base}/mailbox.json`);
  return {
    json,
    page: await http('GET', `${base}/mailbox`),
    message: await http('GET', `${base}/mailbox/${json.json?.[0]?.id ?? '000000000-00000000'}`),
  };
}

describe('who may read the mailbox', () => {
  it('knows loopback hosts', () => {
    for (const h of [
      'localhost',
      'LOCALHOST',
      'app.localhost',
      '127.0.0.1',
      '127.1.2.3',
      '::1',
      '[::1]',
      '0:0:0:0:0:0:0:1',
      '::ffff:127.0.0.1',
    ])
      expect(isLoopbackHost(h), h).toBe(true);
    for (const h of [
      '0.0.0.0',
      '::',
      '192.168.1.10',
      '10.0.0.1',
      'example.com',
      'localhost.example.com',
      '128.0.0.1',
      '::2',
      '',
    ])
      expect(isLoopbackHost(h), h).toBe(false);
  });

  it('on a loopback HOST it is served, without a warning', async () => {
    server = await startTestServer({ HOST: '127.0.0.1' });
    const { json, page, message } = await mailboxAfterRegistration(server.publicUrl, 'local@example.com');
    expect(json.status).toBe(200);
    expect(json.json[0]).toMatchObject({ to: 'local@example.com', text: expect.stringContaining('/mpinActivate?') });
    expect(page.status).toBe(200);
    expect(message.status).toBe(200);
    expect(server.warnings).toEqual([]);
  });

  it('on a loopback HOST behind a trusted reverse proxy it is not served: the proxy lets other machines in', async () => {
    server = await startTestServer({ HOST: '127.0.0.1', TRUST_PROXY: '127.0.0.1' });
    const { json, page, message } = await mailboxAfterRegistration(server.publicUrl, 'proxied@example.com');
    for (const res of [json, page, message]) expect(res.status).toBe(404);
  });

  it('on 0.0.0.0 it is not served: /mailbox, /mailbox.json and the messages are 404', async () => {
    server = await startTestServer({ HOST: '0.0.0.0' });
    const { json, page, message } = await mailboxAfterRegistration(local(server), 'exposed@example.com');
    for (const res of [json, page, message]) {
      expect(res.status).toBe(404);
      expect(res.text).not.toContain('mpinActivate');
    }
    expect(server.warnings).toEqual([]);
  });

  it('on 0.0.0.0 with MAILBOX_PUBLIC=1 it is served, with a start-up warning', async () => {
    server = await startTestServer({ HOST: '0.0.0.0', MAILBOX_PUBLIC: '1' });
    const { json } = await mailboxAfterRegistration(local(server), 'public@example.com');
    expect(json.status).toBe(200);
    expect(json.json[0]).toMatchObject({ to: 'public@example.com' });
    expect(server.warnings).toHaveLength(1);
    expect(server.warnings[0]).toMatch(
      /^WARNING: MAILBOX_PUBLIC is set .* not on a loopback address, or behind a reverse proxy: anyone/,
    );
    expect(server.warnings[0]).toContain(`${server.publicUrl}/mailbox`);
  });

  it('npm start prints the warning with MAILBOX_PUBLIC=1, and says where the mail goes without it', async () => {
    const env = { PORT: '0', PRIVATE_PORT: '0', HOST: '0.0.0.0', LOG_LEVEL: 'silent' };
    const dir = mkdtempSync(join(tmpdir(), 'mpin-mailbox-'));
    try {
      proc = startScript('server/main.ts', [], { ...env, DATA_DIR: join(dir, 'a'), MAILBOX_PUBLIC: '1' });
      await waitForOutput(proc, /WARNING: MAILBOX_PUBLIC is set/);
      expect(proc.output()).toMatch(/Mailbox \(activation mail\):\s+http:\/\/0\.0\.0\.0:\d+\/mailbox/);
      await proc.stop();

      proc = startScript('server/main.ts', [], { ...env, DATA_DIR: join(dir, 'b') });
      await waitForOutput(proc, SERVER_READY);
      expect(proc.output()).toMatch(/Mailbox \(activation mail\):\s+printed here only/);
      expect(proc.output()).not.toContain('WARNING');
    } finally {
      await proc?.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
