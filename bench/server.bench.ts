/**
 * `npm run bench:server`: complete sign-ins over HTTP against the reference server, at 1, 10 and 50 concurrent
 * clients: time permit (both D-TA shares), pass 1, pass 2 and the relying party's /mpinAuthenticate, each
 * client with its own registered identity. Reports sign-ins per second and latency percentiles, and this process's
 * own CPU share: the load generator's crypto (lib/mpin) competes with the server for the same cores.
 *
 * It starts the servers itself (child processes, temporary DATA_DIR, no activation e-mail, no rate limit: one
 * address would otherwise be throttled) and runs the same load once per configuration, in one run:
 * - by default, the pass-2 check one by one on the event loop (`off`: BATCH_VERIFY=off VERIFY_WORKERS=0) and
 *   batched in worker threads (`on`, the default), one SQLite process each, with the ratio at the highest level;
 * - with BENCH_PROCESSES (e.g. "1,2"), that many server processes on one throwaway PostgreSQL (DATABASE_URL), the
 *   clients spread over them round-robin, with the ratio of the last to the first.
 * Environment: BENCH_URL (running servers instead, comma-separated: the clients are spread over them),
 * BENCH_SECONDS (per level, default 10), BENCH_LEVELS (default "1,10,50"), BENCH_MODES (default "off,on"),
 * BENCH_PROCESSES.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fromHex, mpin, toHex } from '../lib/mpin/index.ts';
import { startTestPostgres } from '../tests/support/postgres.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const levels = (process.env.BENCH_LEVELS ?? '1,10,50').split(',').map(Number);
const MODES: Record<string, Record<string, string>> = {
  off: { BATCH_VERIFY: 'off', VERIFY_WORKERS: '0' },
  on: {},
};

/** One server set-up to measure: where its clients go, and how to stop it. */
interface Target {
  label: string;
  urls: string[];
  stop(): void;
}

function startProcess(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/Demo site \(relying party\):\s+(\S+?)\/\s/);
      if (m) resolve({ url: m[1]!, child });
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code})`)));
  });
}

/** `count` server processes sharing one DATA_DIR (started one after the other: the first makes the secrets). */
async function startServers(label: string, count: number, extra: Record<string, string>): Promise<Target> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mpin-bench-'));
  const env = {
    PORT: '0',
    PRIVATE_PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    REQUIRE_ACTIVATION: 'false',
    RATE_LIMIT_PER_MINUTE: '100000',
    LOG_LEVEL: 'warn',
    ...extra,
  };
  const started: { url: string; child: ChildProcess }[] = [];
  for (let i = 0; i < count; i++) started.push(await startProcess(env));
  return {
    label,
    urls: started.map((s) => s.url),
    stop() {
      for (const s of started) s.child.kill('SIGTERM');
      setTimeout(() => rmSync(dataDir, { recursive: true, force: true }), 500);
    },
  };
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

/** Measures one target at every level; clients are spread over its URLs round-robin. */
async function runTarget(target: Target): Promise<Row[]> {
  const rows: Row[] = [];
  try {
    const { urls } = target;
    const settings = await new Session(urls[0]!).json('GET', '/rps/clientSettings');
    const max = Math.max(...levels);
    const ids: Identity[] = [];
    for (let i = 0; i < max; i++) ids.push(await enrol(urls[i % urls.length]!, settings, i));
    // warm-up: each process fetches its secret shares and starts its checkers on first use
    for (const url of urls) await signIn(url, settings, ids[0]!);

    console.log(`\n${target.label}: ${seconds} s per level, Node ${process.version}\n`);
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
          const url = urls[c % urls.length]!;
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
    target.stop();
  }
}

function compare(label: string, first: Row[], last: Row[]): void {
  const top = Math.max(...levels);
  const a = first.find((r) => r.level === top);
  const b = last.find((r) => r.level === top);
  if (!a || !b) return;
  console.log(
    `\nAt ${top} concurrent clients, ${label}: ${b.rate.toFixed(1)} vs ${a.rate.toFixed(1)} sign-ins/s, ${(b.rate / a.rate).toFixed(2)}×; p99 ${b.p99.toFixed(0)} ms vs ${a.p99.toFixed(0)} ms; load generator CPU ${b.loadCpu.toFixed(0)} % vs ${a.loadCpu.toFixed(0)} %.`,
  );
}

async function main() {
  if (process.env.BENCH_URL) {
    const urls = process.env.BENCH_URL.split(',').map((u) => u.trim().replace(/\/$/, ''));
    await runTarget({ label: `Running servers ${urls.join(', ')}`, urls, stop: () => {} });
    return;
  }
  if (process.env.BENCH_PROCESSES) {
    const counts = process.env.BENCH_PROCESSES.split(',').map(Number);
    const pg = await startTestPostgres();
    try {
      const results: Row[][] = [];
      for (const n of counts) {
        const target = await startServers(`${n} server process${n > 1 ? 'es' : ''} on one PostgreSQL`, n, {
          DATABASE_URL: pg.createDatabase(`bench_${n}_${results.length}`),
        });
        results.push(await runTarget(target));
      }
      if (results.length > 1) compare(`${counts.at(-1)} processes vs ${counts[0]}`, results[0]!, results.at(-1)!);
    } finally {
      pg.stop();
    }
    return;
  }
  const modes = (process.env.BENCH_MODES ?? 'off,on').split(',');
  const results = new Map<string, Row[]>();
  for (const mode of modes) {
    if (!MODES[mode]) throw new Error(`unknown mode ${mode}: use off or on`);
    const settingsText =
      Object.entries(MODES[mode])
        .map(([k, v]) => `${k}=${v}`)
        .join(' ') || 'defaults: batched, one worker thread per core';
    results.set(
      mode,
      await runTarget(await startServers(`Mode ${mode} (${settingsText}), one SQLite process`, 1, MODES[mode])),
    );
  }
  const off = results.get('off');
  const on = results.get('on');
  if (off && on) compare('batched in workers vs one by one on the event loop', off, on);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
