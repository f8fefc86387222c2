// @vitest-environment node
// Strings the server keeps from a request (user id, device name, codeStatus's user id, the relying party's
// logout data and messages) refuse control characters (C0, DEL, C1), line and paragraph separators and bidi
// overrides with 400, so none reaches the activation e-mail, the console or the admin's terminal; and the admin
// command escapes what it prints, for rows stored before that rule. The real server over HTTP, and the admin
// command run as the administrator runs it.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMpinId } from '../../lib/mpin/index.ts';
import { runAdmin } from '../../server/admin.ts';
import { expectError, http } from '../support/http.ts';
import { startServerWithPhone } from '../support/server-fixture.ts';
import type { TestServer } from '../support/test-server.ts';

/** Characters that must never be stored: each would steer a terminal, forge a line or reverse the text. */
const UNSAFE: [string, string][] = [
  ['ESC (colour, title, cursor sequences)', '\u001b[31m'],
  ['newline', '\n'],
  ['carriage return', '\r'],
  ['NUL', '\u0000'],
  ['BEL', '\u0007'],
  ['DEL', '\u007f'],
  ['C1 CSI', '\u009b'],
  ['C1 NEL', '\u0085'],
  ['line separator', '\u2028'],
  ['paragraph separator', '\u2029'],
  ['LRE', '\u202a'],
  ['RLO', '\u202e'],
  ['LRI', '\u2066'],
  ['PDI', '\u2069'],
];
/** Anything a terminal would act on, in printed output. */
const TERMINAL_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

let server: TestServer;
let rps: string;
beforeAll(async () => ({ server, rps } = await startServerWithPhone({ RATE_LIMIT_PER_MINUTE: '100000' })));
afterAll(() => server.stop());

const mails = async () => (await http('GET', `${server.publicUrl}/mailbox.json`)).json as { to: string }[];

describe('control and bidi characters in stored strings', () => {
  it('PUT /rps/user refuses them in deviceName and userId with 400, and stores and mails nothing', async () => {
    for (const [, c] of UNSAFE) {
      expectError(
        await http('PUT', `${rps}/user`, { userId: 'dev@example.com', mobile: 1, deviceName: `my${c}phone` }),
        400,
        /deviceName/,
      );
      expectError(await http('PUT', `${rps}/user`, { userId: `a${c}b@example.com`, mobile: 1 }), 400, /userId/);
      // a trailing one is refused too, not trimmed away
      expectError(await http('PUT', `${rps}/user`, { userId: `c@example.com${c}`, mobile: 1 }), 400, /userId/);
    }
    expect(await mails()).toEqual([]);
    expect(await server.ctx.storage.list('device')).toEqual([]);
    expect(await server.ctx.storage.list('registration')).toEqual([]);
  });

  it('the resend and the relying-party hook refuse them too; ordinary Unicode is fine', async () => {
    const ok = await http('PUT', `${rps}/user`, { userId: 'zoe@example.com', mobile: 1, deviceName: 'Zoë’s Pixel 📱' });
    expect(ok.status, ok.text).toBe(200);
    expect((await mails())[0]).toMatchObject({
      to: 'zoe@example.com',
      text: expect.stringContaining('Zoë’s Pixel 📱'),
    });
    expectError(
      await http('PUT', `${rps}/user/${ok.json.mpinId}`, {
        userId: 'zoe@example.com',
        mobile: 1,
        regOTT: ok.json.regOTT,
        deviceName: 'evil\u001b]0;pwned\u0007',
      }),
      400,
      /deviceName/,
    );
    const hook = await http('POST', `${server.privateUrl}/rpa/mpinVerify`, {
      userId: 'hook@example.com',
      mpinId: buildMpinId({ userID: 'hook@example.com', mobile: 1 }).hex,
      mobile: 1,
      activateKey: 'ab'.repeat(32),
      expireTime: '2099-01-01T00:00:00Z',
      deviceName: 'line one\nline two',
    });
    expectError(hook, 400, /deviceName/);
  });

  it('codeStatus and the private loginResult refuse them in what they would keep', async () => {
    const an = (await http('POST', `${rps}/getAccessNumber`)).json;
    expectError(
      await http('POST', `${rps}/codeStatus`, { status: 'user', wid: an.accessNumber, userId: 'x\u202e@example.com' }),
      400,
      /userId/,
    );
    expectError(
      await http('POST', `${server.privateUrl}/loginResult`, {
        authOTT: 'ab'.repeat(16),
        status: 403,
        message: 'no\u001b[2J',
      }),
      400,
      /message/,
    );
    expectError(
      await http('POST', `${server.privateUrl}/authenticate`, {
        authOTT: 'ab'.repeat(16),
        logoutData: { userId: 'a\nb' },
      }),
      400,
      /logoutData/,
    );
  });

  it('the admin list escapes a row stored before the rule, in its output and on the real command line', async () => {
    const mpinId = buildMpinId({ userID: 'old@example.com', mobile: 1 }).hex;
    await server.ctx.storage.put('device', mpinId, {
      userId: 'old@example.com\n  forged@example.com  Mobile  "x"',
      deviceName: '\u001b]0;owned\u0007\u001b[2J\u009b31m\u202eenohp',
      mobile: 1,
    });
    await server.ctx.storage.put('revoked', 'old@example.com', { reason: 'lost\u001b[8m' });
    const lines = await runAdmin(['list'], server.ctx.storage);
    for (const line of lines) expect(line).not.toMatch(TERMINAL_CONTROL);
    const text = lines.join('\n');
    expect(text).toContain('\\u001b]0;owned\\u0007\\u001b[2J\\u009b31m\\u202eenohp');
    expect(text).toContain('old@example.com\\u000a  forged@example.com');
    expect(text).toContain('(lost\\u001b[8m)');

    const cli = spawnSync(process.execPath, ['--import', 'tsx', 'server/admin.ts', 'list'], {
      cwd: resolve(__dirname, '../..'),
      env: {
        ...process.env,
        DATA_DIR: server.dataDir,
        ...(server.ctx.config.DATABASE_URL ? { DATABASE_URL: server.ctx.config.DATABASE_URL } : {}),
      },
      encoding: 'utf8',
    });
    expect(cli.status, cli.stderr).toBe(0);
    expect(cli.stdout).toContain('\\u001b]0;owned');
    expect(cli.stdout).not.toMatch(TERMINAL_CONTROL);
  });
});
