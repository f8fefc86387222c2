// @vitest-environment node
// Two reference-server processes on one PostgreSQL database behave as one service: real `server/main.ts`
// processes (as `npm run server` starts them) with the same DATA_DIR secret files and DATABASE_URL. An access
// number issued by one is used by a phone talking to the other, and the phone's wait wakes when the PC signs in on
// the other process (NOTIFY), and so does the PC's long-poll (issue 11); one authOTT raced at both gives exactly one
// session; a process killed between pass 1 and pass 2 loses nothing the other needs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mpin, fromHex, toHex } from '../../lib/mpin/index.ts';
import { activationLinkFor, enrol } from '../support/enrol.ts';
import { HttpClient, MilagroClient, type MilagroIdentity } from '../support/milagro-http-client.ts';
import { startTestPostgres, type TestPostgres } from '../support/postgres.ts';
import { startScript, waitForOutput, type ServerProcess } from '../support/server-process.ts';
import { freshDatabase } from '../support/test-server.ts';

let pg: TestPostgres | undefined;
let dataDir: string;
let env: Record<string, string>;
const procs: ServerProcess[] = [];

async function startProcess(): Promise<{ proc: ServerProcess; url: string }> {
  const proc = startScript('server/main.ts', [], env);
  procs.push(proc);
  const m = await waitForOutput(proc, /Demo site \(relying party\):\s+(\S+?)\/\s/);
  return { proc, url: m[1]! };
}

let a: { proc: ServerProcess; url: string };
let b: { proc: ServerProcess; url: string };

beforeAll(async () => {
  let url = process.env.TEST_POSTGRES_URL;
  if (!url) {
    pg = await startTestPostgres();
    url = pg.url;
  }
  dataDir = mkdtempSync(join(tmpdir(), 'mpin-two-'));
  env = {
    DATABASE_URL: await freshDatabase(url),
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    PORT: '0',
    PRIVATE_PORT: '0',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '100000',
  };
  // One after the other: the first creates the secret files that both must share.
  a = await startProcess();
  b = await startProcess();
});

afterAll(async () => {
  await Promise.all(procs.map((p) => p.stop()));
  pg?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function client(base: string): Promise<MilagroClient> {
  const c = new MilagroClient(base);
  await c.init();
  return c;
}

describe('two server processes on one PostgreSQL', () => {
  let id: MilagroIdentity;

  it('registration on one process, activation and PIN setup through the other', async () => {
    const phoneA = await client(a.url);
    const reg = await phoneA.register('two@example.com', 'two');
    expect(reg.status).toBe(200);
    // the same identity, finished on B: enrol() reads B's mailbox (the mail is in the shared database)
    const phoneB = await client(b.url);
    id = await enrol(phoneB, 'two@example.com', 2468, 'two-b');
    expect(id.mpinIdHex).toMatch(/^[0-9a-f]+$/);
  });

  it('an activation link confirmed at both processes at once works once', async () => {
    const phone = await client(a.url);
    expect((await phone.register('race@example.com', 'race')).status).toBe(200);
    const link = new URL(await activationLinkFor(a.url, 'race@example.com'));
    const onB = new URL(link.pathname + link.search, b.url).toString();
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const [ra, rb] = await Promise.all([
      new HttpClient(a.url).request('POST', link.toString(), '', form),
      new HttpClient(b.url).request('POST', onB, '', form),
    ]);
    expect([ra.status, rb.status].filter((s) => s === 200)).toHaveLength(1);
  });

  it('an access number issued by A is used by a phone talking to B; the phone wakes when the PC signs in on A', async () => {
    const pc = new HttpClient(a.url);
    const an = await pc.request('POST', '/rps/getAccessNumber');
    expect(an.status).toBe(200);
    const phone = await client(b.url);
    const authOTT = await phone.passes(id, 2468, an.body.accessNumber);
    const phoneDone = phone.mobileAuthenticate(authOTT); // waits on B for the PC
    let poll = await pc.request('POST', '/rps/access', { webOTT: an.body.webOTT });
    for (let i = 0; i < 100 && poll.body.status !== 'authenticate'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      poll = await pc.request('POST', '/rps/access', { webOTT: an.body.webOTT });
    }
    expect(poll.body).toMatchObject({ status: 'authenticate', userId: 'two@example.com' });
    const signedIn = await pc.request('POST', '/mpinAuthenticate', { mpinResponse: { authOTT: poll.body.authOTT } });
    expect(signedIn.status).toBe(200);
    expect((await phoneDone).status).toBe(200);
    expect((await pc.request('GET', '/protected')).text).toContain('two@example.com');
  });

  it("the PC's long-poll held by A answers when the phone refuses, or signs in, through B", async () => {
    const pc = new HttpClient(a.url);
    /** A poll held by A, and whether it has answered yet. */
    const hold = (webOTT: string) => {
      const held = { answered: false, answer: pc.request('POST', '/rps/access', { webOTT, wait: 25, status: 'new' }) };
      void held.answer.finally(() => (held.answered = true));
      return held;
    };
    const settle = () => new Promise((r) => setTimeout(r, 300)); // lets the poll reach A; asserts nothing about time

    const refused = (await pc.request('POST', '/rps/getAccessNumber')).body;
    const heldForRefusal = hold(refused.webOTT);
    await settle();
    expect(heldForRefusal.answered).toBe(false); // held: what answers it is B's change, through PostgreSQL
    const onB = new HttpClient(b.url);
    expect(
      (await onB.request('POST', '/rps/codeStatus', { status: 'refused', wid: refused.accessNumber })).status,
    ).toBe(200);
    expect((await heldForRefusal.answer).body.status).toBe('refused');

    const an = (await pc.request('POST', '/rps/getAccessNumber')).body;
    const heldForSignIn = hold(an.webOTT);
    await settle();
    expect(heldForSignIn.answered).toBe(false);
    const phone = await client(b.url);
    const phoneDone = phone.mobileAuthenticate(await phone.passes(id, 2468, an.accessNumber));
    const ready = (await heldForSignIn.answer).body;
    expect(ready).toMatchObject({ status: 'authenticate', userId: 'two@example.com' });
    expect((await pc.request('POST', '/mpinAuthenticate', { mpinResponse: { authOTT: ready.authOTT } })).status).toBe(
      200,
    );
    expect((await phoneDone).status).toBe(200);
  });

  it('one authOTT raced at both processes gives exactly one session', async () => {
    for (let round = 0; round < 3; round++) {
      const browser = await client(a.url);
      const authOTT = await browser.passes(id, 2468);
      const body = { mpinResponse: { version: '0.3', authOTT, pass: 2 } };
      const [ra, rb] = await Promise.all([
        new HttpClient(a.url).request('POST', '/mpinAuthenticate', body),
        new HttpClient(b.url).request('POST', '/mpinAuthenticate', body),
      ]);
      expect([ra.status, rb.status].filter((s) => s === 200)).toHaveLength(1);
    }
  });

  it('wrong PINs sent to both processes at once are all counted: 401, 401, 410', async () => {
    const counted = await enrol(await client(b.url), 'count@example.com', 1357, 'count');
    const browser = await client(a.url);
    const authOTTs = [
      await browser.passes(counted, 1000),
      await browser.passes(counted, 1001),
      await browser.passes(counted, 1002),
    ];
    const statuses = await Promise.all(
      authOTTs.map((authOTT, i) =>
        new HttpClient(i % 2 ? b.url : a.url).request('POST', '/mpinAuthenticate', {
          mpinResponse: { version: '0.3', authOTT, pass: 2 },
        }),
      ),
    );
    expect(statuses.map((r) => r.status).sort()).toEqual([401, 401, 410]);
  });

  it('a process killed between pass 1 and pass 2 loses nothing: the other finishes the sign-in', async () => {
    const phone = await client(a.url);
    const permit = await phone.timePermit(id);
    if ('status' in permit) throw new Error(`timePermit: ${permit.status}`);
    const c1 = mpin.client1({ mpinId: fromHex(id.mpinIdHex), pin: 2468, token: id.token, ...permit });
    const p1 = await new HttpClient(a.url).request('POST', '/rps/pass1', {
      mpin_id: id.mpinIdHex,
      U: toHex(c1.u),
      UT: toHex(c1.ut!),
      pass: 1,
    });
    expect(p1.status).toBe(200);
    a.proc.child.kill('SIGKILL');
    await a.proc.exited;

    const v = mpin.client2(c1.x, fromHex(p1.body.y), c1.sec);
    const onB = new HttpClient(b.url);
    const p2 = await onB.request('POST', '/rps/pass2', {
      mpin_id: id.mpinIdHex,
      V: toHex(v),
      WID: '0',
      OTP: false,
      pass: 2,
    });
    expect(p2.status).toBe(200);
    const signedIn = await onB.request('POST', '/mpinAuthenticate', {
      mpinResponse: { version: '0.3', authOTT: p2.body.authOTT, pass: 2 },
    });
    expect(signedIn.status).toBe(200);
  });
});
