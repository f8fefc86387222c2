/**
 * `npm run bench:server`: complete sign-ins over HTTP against the reference server, at 1, 10 and 50 concurrent
 * clients: time permit (both D-TA shares), pass 1, pass 2 and the relying party's /mpinAuthenticate, each
 * client with its own registered identity. Reports sign-ins per second and latency percentiles, and this process's
 * own CPU share: the load generator competes with the server for the same cores. A second table gives the CPU per
 * sign-in of the load generator and of the server (its event loop, and all its threads; bench/process-cpu.ts),
 * which moves much less than sign-ins per second when others share the machine.
 *
 * The load generator (bench/sign-in-device.ts) sends exactly the requests and values the browser's PIN pad does,
 * each sign-in with a fresh random x, but prepares before each level's timed window what does not depend on the
 * server's challenge: per identity the fixed-base tables of H(ID), of H(ID) + H_T(date, ID) and of SEC, and a pool of
 * pass-1 values (x, U = x·H(ID), UT = x·(H(ID) + H_T)), each used once. In the window it only recombines the time
 * permit it fetched and computes V = −(x + y)·SEC: it takes a few ms of CPU per sign-in instead of about 19, so
 * that the cores go to the server. An untimed warm-up signs every identity in first (the server fetches its secret
 * shares and starts its checkers, the RPS fetches each identity's run of time permits from the first D-TA), then
 * runs the highest level for a few seconds, so that no window measures the JIT compiler.
 *
 * It starts the servers itself (child processes, temporary DATA_DIR, no activation e-mail, no rate limit: one
 * address would otherwise be throttled) and runs the same load once per configuration, in one run:
 * - by default, the pass-2 check one by one on the event loop (`off`: BATCH_VERIFY=off VERIFY_WORKERS=0) and
 *   batched in worker threads (`on`, the default), one SQLite process each, with the ratio at the highest level;
 * - with BENCH_PROCESSES (e.g. "1,2"), that many server processes on one throwaway PostgreSQL (DATABASE_URL), the
 *   clients spread over them round-robin, with the ratio of the last to the first.
 * Environment: BENCH_URL (running servers instead, comma-separated: the clients are spread over them),
 * BENCH_SECONDS (per level, default 10), BENCH_LEVELS (default "1,10,50"), BENCH_MODES (default "off,on"; a mode
 * may add variables, e.g. "off,on/VERIFY_WORKERS=1,on/VERIFY_WORKERS=2"), BENCH_PROCESSES, BENCH_POOL_RATE
 * (sign-ins per second the pools are sized for, default 400), BENCH_PROFILE_DIR (CPU profiles of the timed windows,
 * server and load generator: bench/profile-window.mjs), BENCH_WARM_UP_SECONDS (default 3).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { defaultWorkers } from '../server/verify/pass2-verifier.ts';
import { processCpu } from './process-cpu.ts';
import { startProfile, stopProfile } from './profile-window.mjs';
import { Device, Session, type Settings } from './sign-in-device.ts';
import { startTestPostgres } from '../tests/support/postgres.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const levels = (process.env.BENCH_LEVELS ?? '1,10,50').split(',').map(Number);
const profileDir = process.env.BENCH_PROFILE_DIR;
/** With BENCH_PROFILE_DIR, each server process loads profile-window.mjs: a CPU profile of every timed window. */
const serverNodeFlags = profileDir
  ? ['--import', join(dirname(fileURLToPath(import.meta.url)), 'profile-window.mjs')]
  : [];
/**
 * Sign-ins per second that each level's pools of prepared pass-1 values are sized for (split over its clients);
 * a client whose pool runs dry computes the rest on the spot, which the table's note reports.
 */
const POOL_RATE = Number(process.env.BENCH_POOL_RATE ?? 400);
/** Untimed seconds at the highest level before the first window (BENCH_WARM_UP_SECONDS). */
const WARM_UP_SECONDS = Number(process.env.BENCH_WARM_UP_SECONDS ?? 3);
const MODES: Record<string, Record<string, string>> = {
  off: { BATCH_VERIFY: 'off', VERIFY_WORKERS: '0' },
  on: {},
};

/** A BENCH_MODES entry: `off`, `on`, or either with variables of its own, e.g. `on/VERIFY_WORKERS=2`. */
function modeEnv(mode: string): Record<string, string> {
  const [base, ...vars] = mode.split('/');
  const env = MODES[base!];
  if (!env) throw new Error(`unknown mode ${mode}: use off or on, optionally followed by /NAME=value…`);
  // NAME=value, the value whole even when it has a '=' of its own
  const pairs = vars.map((v) => {
    const at = v.indexOf('=');
    if (at <= 0) throw new Error(`${mode}: "${v}" is not NAME=value`);
    return [v.slice(0, at), v.slice(at + 1)];
  });
  return { ...env, ...Object.fromEntries(pairs) };
}

/** One server set-up to measure: where its clients go, and how to stop it. */
interface Target {
  label: string;
  urls: string[];
  /** The server processes' ids, for BENCH_PROFILE_DIR's start and stop signals. */
  pids: number[];
  stop(): void;
}

function startProcess(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...serverNodeFlags, 'server/main.ts'], {
    env: { ...process.env, ...env, ...(profileDir ? { BENCH_PROFILE_SIGNALS: '1' } : {}) },
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
    pids: started.map((s) => s.child.pid!),
    stop() {
      for (const s of started) s.child.kill('SIGTERM');
      setTimeout(() => rmSync(dataDir, { recursive: true, force: true }), 500);
    },
  };
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
  /** This process's CPU time per sign-in, in ms. */
  loadMs: number;
  /** The server processes' CPU time per sign-in, in ms: on their event loops, and in all their threads. */
  serverLoopMs: number;
  serverMs: number;
  /** Sign-ins whose pass-1 values were computed on the spot: the pool had run dry. */
  poolMisses: number;
}

/** Measures one target at every level; clients are spread over its URLs round-robin. */
async function runTarget(target: Target): Promise<Row[]> {
  const rows: Row[] = [];
  try {
    const { urls } = target;
    const settings: Settings = await new Session(urls[0]!).json('GET', '/rps/clientSettings');
    const max = Math.max(...levels);
    const devices: Device[] = [];
    for (let i = 0; i < max; i++) devices.push(await Device.enrol(urls[i % urls.length]!, settings, i));

    /** Fills the pools of the first `level` devices for `secs` seconds of sign-ins. */
    const prepare = (level: number, secs: number) => {
      for (const device of devices.slice(0, level)) {
        device.prepare(Math.ceil((POOL_RATE * secs) / level));
        device.poolMisses = 0;
      }
    };
    /** `level` clients signing in, each again as soon as it is done, for `secs` seconds. */
    const drive = async (level: number, secs: number) => {
      const latencies: number[] = [];
      let errors = 0;
      const end = performance.now() + secs * 1000;
      await Promise.all(
        Array.from({ length: level }, async (_, c) => {
          const url = urls[c % urls.length]!;
          while (performance.now() < end) {
            const start = performance.now();
            try {
              await devices[c]!.signIn(url, settings);
              latencies.push(performance.now() - start);
            } catch (e) {
              errors++;
              if (errors === 1) console.error(`first error: ${(e as Error).message}`);
            }
          }
        }),
      );
      return { latencies, errors };
    };
    // Warm-up, untimed: each process fetches its secret shares and starts its checkers on first use, and each
    // identity's first time permit of the day has the RPS fetch a run of days from the first D-TA; then every
    // identity at once, so that batches form and the checkers' batch path is compiled before the first window.
    for (const url of urls) await devices[0]!.signIn(url, settings);
    for (const [i, device] of devices.entries()) await device.signIn(urls[i % urls.length]!, settings);
    await Promise.all(devices.map((device, i) => device.signIn(urls[i % urls.length]!, settings)));
    devices[0]!.selfCheck();
    // and a few seconds at the highest level, so that the first window does not measure the JIT compiler
    prepare(max, WARM_UP_SECONDS);
    await drive(max, WARM_UP_SECONDS);

    console.log(`\n${target.label}: ${seconds} s per level, Node ${process.version}\n`);
    printHeader(['concurrent clients', 'sign-ins/s', 'p50 ms', 'p90 ms', 'p99 ms', 'errors', 'load generator CPU']);
    const toggleProfiles = () => profileDir && target.pids.forEach((pid) => process.kill(pid, 'SIGUSR2'));
    for (const level of levels) {
      prepare(level, seconds);
      toggleProfiles();
      if (profileDir) await startProfile();
      const cpu0 = process.cpuUsage();
      const server0 = processCpu(target.pids);
      const t0 = performance.now();
      const { latencies, errors } = await drive(level, seconds);
      const elapsed = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const server1 = processCpu(target.pids);
      toggleProfiles();
      if (profileDir) console.log(`(load generator profile: ${await stopProfile()})`);
      latencies.sort((a, b) => a - b);
      const row: Row = {
        level,
        rate: latencies.length / elapsed,
        p50: pct(latencies, 50),
        p90: pct(latencies, 90),
        p99: pct(latencies, 99),
        errors,
        loadCpu: (100 * (cpu.user + cpu.system)) / 1e6 / (elapsed * availableParallelism()),
        loadMs: (cpu.user + cpu.system) / 1000 / Math.max(1, latencies.length),
        serverLoopMs: (server1.eventLoop - server0.eventLoop) / Math.max(1, latencies.length),
        serverMs: (server1.total - server0.total) / Math.max(1, latencies.length),
        poolMisses: devices.slice(0, level).reduce((sum, d) => sum + d.poolMisses, 0),
      };
      rows.push(row);
      printRow([
        level,
        row.rate.toFixed(1),
        row.p50.toFixed(0),
        row.p90.toFixed(0),
        row.p99.toFixed(0),
        errors,
        `${row.loadCpu.toFixed(0)} %`,
      ]);
    }
    // CPU per sign-in: steadier than sign-ins per second on a shared machine (bench/process-cpu.ts)
    console.log('\nCPU per sign-in (ms):\n');
    printHeader(['concurrent clients', 'load generator', 'server event loop', 'server, all threads', 'pool misses']);
    for (const r of rows)
      printRow([r.level, r.loadMs.toFixed(1), r.serverLoopMs.toFixed(1), r.serverMs.toFixed(1), r.poolMisses]);
    return rows;
  } finally {
    target.stop();
  }
}

/** A Markdown table's header row and its right-aligned rule, as the README's tables are. */
function printHeader(names: string[]): void {
  printRow(names);
  printRow(names.map(() => '---:'));
}

function printRow(cells: (string | number)[]): void {
  console.log(`| ${cells.join(' | ')} |`);
}

function compare(label: string, first: Row[], last: Row[]): void {
  const top = Math.max(...levels);
  const a = first.find((r) => r.level === top);
  const b = last.find((r) => r.level === top);
  if (!a || !b) return;
  const ratio = (b.rate / a.rate).toFixed(2);
  console.log(
    `\nAt ${top} concurrent clients, ${label}: ${b.rate.toFixed(1)} vs ${a.rate.toFixed(1)} sign-ins/s, ${ratio}×;` +
      ` p99 ${b.p99.toFixed(0)} ms vs ${a.p99.toFixed(0)} ms;` +
      ` load generator CPU ${b.loadCpu.toFixed(0)} % vs ${a.loadCpu.toFixed(0)} %.`,
  );
}

async function main() {
  if (process.env.BENCH_URL) {
    const urls = process.env.BENCH_URL.split(',').map((u) => u.trim().replace(/\/$/, ''));
    await runTarget({ label: `Running servers ${urls.join(', ')}`, urls, pids: [], stop: () => {} });
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
  const results: Row[][] = [];
  for (const mode of modes) {
    const env = modeEnv(mode);
    const settingsText =
      Object.entries(env)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ') || `defaults: batched, ${defaultWorkers()} checker thread${defaultWorkers() > 1 ? 's' : ''}`;
    results.push(await runTarget(await startServers(`Mode ${mode} (${settingsText}), one SQLite process`, 1, env)));
  }
  // every other mode against the first (by default: batched in workers against one by one on the event loop)
  for (let i = 1; i < modes.length; i++) compare(`${modes[i]} vs ${modes[0]}`, results[0]!, results[i]!);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
