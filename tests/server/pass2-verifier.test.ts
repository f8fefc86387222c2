// @vitest-environment node
// The server's pass-2 checker (server/verify/): real worker threads running lib/mpin's batch check, and the
// event-loop mode. Every sign-in gets the verdict of the single check, whether it was checked alone or in a batch
// with bad ones; batches form when sign-ins queue up, and wait for the pass 2s the RPS announced; a malformed input
// fails only itself.
import { afterAll, describe, expect, it } from 'vitest';
import { buildMpinId, mpin, type VerifyInput } from '../../lib/mpin/index.ts';
import { createPass2Verifier, type Pass2Verifier } from '../../server/verify/pass2-verifier.ts';

const DATE = 20_000;
const ms = mpin.randomMasterSecret();
const serverSecret = mpin.serverSecretShare(ms);

function signIn(userID: string, pin: number, typed: number): VerifyInput {
  const mpinId = buildMpinId({ userID, mobile: 1, issued: new Date('2026-12-01T10:00:00Z') }).bytes;
  const h = mpin.hashId(mpinId);
  const token = mpin.extractPin(mpinId, pin, mpin.clientSecretShare(ms, h));
  const timePermit = mpin.timePermitShare(ms, DATE, h);
  const c1 = mpin.client1({ mpinId, pin: typed, token, date: DATE, timePermit });
  const y = mpin.randomMasterSecret();
  return { mpinId, date: DATE, y, u: c1.u, ut: c1.ut, v: mpin.client2(c1.x, y, c1.sec) };
}

// 24 sign-ins, every third with a wrong PIN, and their expected verdicts
const cases = Array.from({ length: 24 }, (_, i) => {
  const bad = i % 3 === 1;
  return { input: signIn(`user${i}@example.com`, 1000 + i, bad ? 1001 + i : 1000 + i), ok: !bad };
});

const running: Pass2Verifier[] = [];
afterAll(async () => {
  await Promise.all(running.map((v) => v.close()));
});

async function checkAll(v: Pass2Verifier) {
  return Promise.all(cases.map((c) => v.verify(c.input)));
}

describe('pass-2 checker', () => {
  it('worker threads, batched: every sign-in gets its own verdict, and queued sign-ins share batches', async () => {
    const v = createPass2Verifier({ serverSecret, workers: 2, batch: true, maxBatch: 8 });
    running.push(v);
    expect(await checkAll(v)).toEqual(cases.map((c) => c.ok));
    const stats = v.stats();
    expect(stats.checks).toBe(24);
    // 24 arrived at once on 2 checkers of at most 8: batches formed
    expect(stats.batches).toBeLessThan(24);
    expect(stats.batches).toBeGreaterThanOrEqual(3);
  });

  it('a lone sign-in is checked at once, alone', async () => {
    const v = createPass2Verifier({ serverSecret, workers: 1 });
    running.push(v);
    expect(await v.verify(cases[0]!.input)).toBe(true);
    expect(await v.verify(cases[1]!.input)).toBe(false);
    expect(v.stats()).toEqual({ checks: 2, batches: 2 });
  });

  it('a sign-in waits for the pass 2s announced at pass 1, and they are checked in one batch', async () => {
    // a wait long enough never to end before the last announced sign-in arrives
    const v = createPass2Verifier({ serverSecret, workers: 1, maxWaitMs: 60_000 });
    running.push(v);
    const four = cases.slice(0, 4);
    for (let i = 0; i < four.length; i++) v.expect();
    const verdicts: Promise<boolean>[] = [];
    for (const c of four) {
      verdicts.push(v.verify(c.input));
      // each in its own turn of the event loop, as separate requests arrive
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await Promise.all(verdicts)).toEqual(four.map((c) => c.ok));
    expect(v.stats()).toEqual({ checks: 4, batches: 1 });
  });

  it('a sign-in waits only for the pass 2s announced before it came, not for later ones', async () => {
    const v = createPass2Verifier({ serverSecret, workers: 1, maxWaitMs: 60_000 });
    running.push(v);
    v.expect();
    v.expect();
    const first = v.verify(cases[0]!.input);
    // five more users reach pass 1 meanwhile: the first sign-in does not wait for them
    for (let i = 0; i < 5; i++) v.expect();
    const second = v.verify(cases[1]!.input);
    expect(await Promise.all([first, second])).toEqual([true, false]);
    expect(v.stats()).toEqual({ checks: 2, batches: 1 });
  });

  it('an announced pass 2 that never comes holds the others at most maxWaitMs; without batching nothing waits', async () => {
    const batched = createPass2Verifier({ serverSecret, workers: 1, maxWaitMs: 5 });
    const single = createPass2Verifier({ serverSecret, workers: 1, batch: false, maxWaitMs: 60_000 });
    running.push(batched, single);
    for (const v of [batched, single]) {
      v.expect();
      v.expect();
      expect(await v.verify(cases[0]!.input)).toBe(true);
      expect(v.stats()).toEqual({ checks: 1, batches: 1 });
    }
  });

  it('worker threads without batching, and the event loop with and without: the same verdicts', async () => {
    for (const options of [
      { workers: 2, batch: false },
      { workers: 0, batch: true },
      { workers: 0, batch: false },
    ]) {
      const v = createPass2Verifier({ serverSecret, ...options });
      running.push(v);
      expect(await checkAll(v), JSON.stringify(options)).toEqual(cases.map((c) => c.ok));
      if (!options.batch) expect(v.stats().batches).toBe(24);
    }
  });

  it('a malformed input fails only itself, in a batch with good ones', async () => {
    const v = createPass2Verifier({ serverSecret, workers: 1, maxBatch: 16 });
    running.push(v);
    const broken = { ...cases[0]!.input, v: new Uint8Array(65).fill(4) };
    const verdicts = await Promise.all([
      v.verify(cases[0]!.input),
      v.verify(broken),
      v.verify(cases[2]!.input),
      v.verify(cases[1]!.input),
    ]);
    expect(verdicts).toEqual([true, false, true, false]);
  });

  it('refuses work once closed', async () => {
    const v = createPass2Verifier({ serverSecret, workers: 1 });
    await v.close();
    await expect(v.verify(cases[0]!.input)).rejects.toThrow(/not running/);
  });
});
