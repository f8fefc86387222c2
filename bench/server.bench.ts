/**
 * `npm run bench:server`: complete sign-ins over HTTP against the reference server, at 1, 10 and 50 concurrent
 * clients: time permit (both D-TA shares), pass 1, pass 2 and the relying party's /mpinAuthenticate, each
 * client with its own registered identity. Reports sign-ins per second and latency percentiles.
 *
 * Without BENCH_URL it starts the server itself, in a child process with a temporary DATA_DIR, no activation
 * e-mail and no rate limit (a benchmark from one address would otherwise be throttled). The client's crypto
 * (lib/mpin) runs in this process, so on this 2-core machine client and server share the CPU.
 *
 * It runs the same load once per mode, in one run: `off` is the pass-2 check one by one on the event loop
 * (BATCH_VERIFY=off VERIFY_WORKERS=0), `on` the default (batched, one worker thread per core). It prints a table
 * per mode, the ratio of sign-ins per second at the highest level, and this process's own CPU share, since the load
 * generator's crypto competes with the server for the same cores.
 * Environment: BENCH_URL (one running server instead; no modes), BENCH_SECONDS (per level, default 10),
 * BENCH_LEVELS (default "1,10,50"), BENCH_MODES (default "off,on").
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fromHex, mpin, toHex } from '../lib/mpin/index.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const levels = (process.env.BENCH_LEVELS ?? '1,10,50').split(',').map(Number);
const MODES: Record<string, Record<string, string>> = {
  off: { BATCH_VERIFY: 'off', VERIFY_WORKERS: '0' },
  on: {},
};
const modes = process.env.BENCH_URL ? ['(as configured)'] : (process.env.BENCH_MODES ?? 'off,on').split(',');

async function startServer(mode: string): Promise<{ url: string; child?: ChildProcess; dataDir?: string }> {
  if (process.env.BENCH_URL) return { url: process.env.BENCH_URL.replace(/\/$/, '') };
  if (!MODES[mode]) throw new Error(`unknown mode ${mode}: use off or on`);
  const dataDir = mkdtempSync(join(tmpdir(), 'mpin-bench-'));
  const env = {
    ...process.env,
    PORT: '0',
    PRIVATE_PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    REQUIRE_ACTIVATION: 'false',
    RATE_LIMIT_PER_MINUTE: '100000',
    LOG_LEVEL: 'warn',
    ...MODES[mode],
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/Demo site \(relying party\):\s+(\S+?)\/\s/);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code})`)));
  });
  return { url, child, dataDir };
}

class Session {
  cookie = '';
  constructor(readonly base: string) {}
  async json(method: string, path: string, body?: unknown): Promise<any> {
    const res = await fetch(new URL(path, this.base + '/'), {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.cookie ? { cookie: this.cookie } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const set = res.headers.getSetCookie()[0];
    if (set) this.cookie = set.split(';')[0]!;
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 120)}`);
    return text ? JSON.parse(text) : null;
  }
}

interface Identity {
  mpinIdHex: string;
  mpinId: Uint8Array;
  token: Uint8Array;
  pin: number;
}

async function enrol(base: string, settings: any, n: number): Promise<Identity> {
  const s = new Session(base);
  const reg = await s.json('PUT', '/rps/user', { userId: `bench${n}@example.com`, mobile: 1, deviceName: 'bench' });
  const sig = await s.json('GET', `/rps/signature/${reg.mpinId}?regOTT=${reg.regOTT}`);
  const cloud = await s.json('GET', settings.certivoxURL + 'clientSecret?' + sig.params);
  const cs = mpin.recombineG1(fromHex(sig.clientSecretShare), fromHex(cloud.clientSecret));
  const mpinId = fromHex(reg.mpinId);
  const pin = 1000 + n;
  return { mpinIdHex: reg.mpinId, mpinId, token: mpin.extractPin(mpinId, pin, cs), pin };
}

/** One complete browser sign-in; throws unless the relying party signed the session in. */
async function signIn(base: string, settings: any, id: Identity): Promise<void> {
  const s = new Session(base);
  const local = await s.json('GET', `/rps/timePermit/${id.mpinIdHex}`);
  const q = new URLSearchParams({
    app_id: settings.appID,
    mobile: '1',
    hash_mpin_id: local.storageId,
    signature: local.signature,
  });
  const cloud = await s.json('GET', `${settings.certivoxURL}timePermit?${q.toString()}`);
  const timePermit = mpin.recombineG1(fromHex(local.timePermit), fromHex(cloud.timePermit));
  const c1 = mpin.client1({ mpinId: id.mpinId, pin: id.pin, token: id.token, date: local.date, timePermit });
  const p1 = await s.json('POST', '/rps/pass1', { mpin_id: id.mpinIdHex, U: toHex(c1.u), UT: toHex(c1.ut!), pass: 1 });
  const v = mpin.client2(c1.x, fromHex(p1.y), c1.sec);
  const p2 = await s.json('POST', '/rps/pass2', { mpin_id: id.mpinIdHex, V: toHex(v), WID: '0', OTP: false, pass: 2 });
  await s.json('POST', settings.authenticateURL, { mpinResponse: { authOTT: p2.authOTT, version: '0.3', pass: 2 } });
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

interface Row {
  level: number;
  rate: number;
  p50: number;
  p90: number;
  p99: number;
  errors: number;
  /** This process's CPU time over the wall time of all cores, in percent. */
  loadCpu: number;
}

async function runMode(mode: string): Promise<Row[]> {
  const rows: Row[] = [];
  const { url, child, dataDir } = await startServer(mode);
  try {
    const settings = await new Session(url).json('GET', '/rps/clientSettings');
    const max = Math.max(...levels);
    const ids: Identity[] = [];
    for (let i = 0; i < max; i++) ids.push(await enrol(url, settings, i));
    await signIn(url, settings, ids[0]!); // warm-up: the server fetches its secret shares on first use

    console.log(
      `\nMode ${mode}${
        MODES[mode]
          ? ` (${
              Object.entries(MODES[mode])
                .map(([k, v]) => `${k}=${v}`)
                .join(' ') || 'defaults: batched, one worker per core'
            })`
          : ''
      }: sign-ins over HTTP against ${child ? 'a local server (child process)' : url}, ${seconds} s per level, Node ${process.version}\n`,
    );
    console.log('| concurrent clients | sign-ins/s | p50 ms | p90 ms | p99 ms | errors | load generator CPU |');
    console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const level of levels) {
      const cpu0 = process.cpuUsage();
      const latencies: number[] = [];
      let errors = 0;
      const end = performance.now() + seconds * 1000;
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: level }, async (_, c) => {
          while (performance.now() < end) {
            const start = performance.now();
            try {
              await signIn(url, settings, ids[c]!);
              latencies.push(performance.now() - start);
            } catch (e) {
              errors++;
              if (errors === 1) console.error(`first error: ${(e as Error).message}`);
            }
          }
        }),
      );
      const elapsed = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      latencies.sort((a, b) => a - b);
      const row: Row = {
        level,
        rate: latencies.length / elapsed,
        p50: pct(latencies, 50),
        p90: pct(latencies, 90),
        p99: pct(latencies, 99),
        errors,
        loadCpu: (100 * (cpu.user + cpu.system)) / 1e6 / (elapsed * availableParallelism()),
      };
      rows.push(row);
      console.log(
        `| ${level} | ${row.rate.toFixed(1)} | ${row.p50.toFixed(0)} | ${row.p90.toFixed(0)} | ${row.p99.toFixed(0)} | ${errors} | ${row.loadCpu.toFixed(0)} % |`,
      );
    }
    return rows;
  } finally {
    child?.kill('SIGTERM');
    if (dataDir) setTimeout(() => rmSync(dataDir, { recursive: true, force: true }), 500);
  }
}

async function main() {
  const results = new Map<string, Row[]>();
  for (const mode of modes) results.set(mode, await runMode(mode));
  const top = Math.max(...levels);
  const off = results.get('off')?.find((r) => r.level === top);
  const on = results.get('on')?.find((r) => r.level === top);
  if (off && on) {
    console.log(
      `\nAt ${top} concurrent clients: ${on.rate.toFixed(1)} sign-ins/s batched with workers vs ${off.rate.toFixed(1)} one by one on the event loop: ${(on.rate / off.rate).toFixed(2)}×; p99 ${on.p99.toFixed(0)} ms vs ${off.p99.toFixed(0)} ms.`,
    );
    console.log(
      `The load generator (this process) used ${on.loadCpu.toFixed(0)} % / ${off.loadCpu.toFixed(0)} % of the machine's CPU.`,
    );
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
