/**
 * The RPS's pass-2 check, off the event loop and in batches: sign-ins are checked together (lib/mpin's verifyBatch:
 * one pairing check for the batch, every item still gets its own verdict), in a pool of worker threads.
 *
 * When to check: a batch costs about one single check plus a little per sign-in, so checking each sign-in alone the
 * moment a checker is free spends most of the CPU on pairings, and on a busy server that CPU is what the event loop
 * and everything else need. The RPS says when a pass 2 is on its way (`expect`, at pass 1): a queued sign-in waits
 * for the ones that were on their way when it came, up to `maxWaitMs`, unless the batch is full. A sign-in that
 * nobody else is about to join is checked at once, alone, so a lone user never waits.
 *
 * VERIFY_WORKERS=0 keeps the checks on the event loop (BATCH_VERIFY=off: one by one, as the server did before);
 * the benchmark compares the two.
 */
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { mpin, type VerifyInput } from '../../lib/mpin/index.ts';
import type { CheckReply, CheckRequest, WireInput } from './messages.ts';

export interface Pass2VerifierOptions {
  /** The server secret (G2, 128 bytes): the sum of both D-TAs' shares. */
  serverSecret: Uint8Array;
  /** Worker threads; 0 checks on the event loop. Default: defaultWorkers(). */
  workers?: number;
  /** Check queued sign-ins together (default true). */
  batch?: boolean;
  /** The largest batch handed to one checker. */
  maxBatch?: number;
  /** The longest a sign-in waits for the ones on their way to join its batch. */
  maxWaitMs?: number;
}

export interface Pass2Verifier {
  /** True when the PIN was right; false for a wrong PIN or a proof that does not check. */
  verify(input: VerifyInput): Promise<boolean>;
  /** A pass 2 is on its way (a challenge was just issued): a batch may wait for it. */
  expect(): void;
  /** Sign-ins checked so far and the batches they were checked in (for tests and the benchmark). */
  stats(): { checks: number; batches: number };
  close(): Promise<void>;
}

interface Job {
  input: VerifyInput;
  /** performance.now() when it was queued. */
  queued: number;
  /** The count of arrivals by which the pass 2s on their way when it came will have come. */
  until: number;
  resolve(ok: boolean): void;
  reject(e: unknown): void;
}

/** Something that checks one batch at a time: a worker thread, or the event loop itself. */
interface Checker {
  busy: boolean;
  run(items: VerifyInput[], batch: boolean): Promise<boolean[]>;
  close(): Promise<void>;
}

/**
 * One per core, less the one the event loop needs, at least one: the event loop (HTTP, storage) is busy whenever the
 * checkers are. On the 2-core VM, two checker threads gave no more sign-ins per second than one, with a higher p99
 * (bench:server, `on/VERIFY_WORKERS=2`).
 */
export const defaultWorkers = () => Math.max(1, availableParallelism() - 1);

/**
 * Measured on the 2-core VM at 50 clients: batches of about 16; 20 ms left them smaller and cost the checker more CPU
 * per sign-in, 100 and 150 ms gained nothing (waits mostly end earlier, when the announced pass 2s have come).
 */
const DEFAULT_MAX_WAIT_MS = 50;
const DEFAULT_MAX_BATCH = 32;
/**
 * A pass 1 whose pass 2 has not come after this long is no longer waited for (its client gave up, or went to
 * another server process).
 */
const EXPECTATION_MS = 1000;

/** The worker's entry: plain JavaScript, which loads the TypeScript worker through tsx. */
const WORKER_ENTRY = join(dirname(fileURLToPath(import.meta.url)), 'worker-entry.mjs');

const toWire = ({ mpinId, date, y, u, ut, v }: VerifyInput): WireInput => ({ mpinId, date, y, u, ut, v });

export function createPass2Verifier(options: Pass2VerifierOptions): Pass2Verifier {
  const batch = options.batch ?? true;
  const maxBatch = batch ? Math.max(1, options.maxBatch ?? DEFAULT_MAX_BATCH) : 1;
  const maxWaitMs = batch ? (options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS) : 0;
  const workerCount = options.workers ?? defaultWorkers();
  const counts = { checks: 0, batches: 0 };
  const queue: Job[] = [];
  /** When each pass 2 now on its way was announced, oldest first. */
  const expected: number[] = [];
  /** Sign-ins that reached verify() so far. */
  let arrivals = 0;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const checkers: Checker[] =
    workerCount === 0
      ? [eventLoopChecker(options.serverSecret)]
      : Array.from({ length: workerCount }, () => workerChecker(options.serverSecret, onCheckerDeath));

  function onCheckerDeath(checker: Checker, e: unknown) {
    checkers.splice(checkers.indexOf(checker), 1);
    if (checkers.length === 0) for (const job of queue.splice(0)) job.reject(e);
    else dispatch();
  }

  const forgetStale = (now: number) => {
    while (expected.length && now - expected[0]! > EXPECTATION_MS) expected.shift();
  };

  /** Whether the head of the queue should wait for the sign-ins that were on their way when it came. */
  function shouldWait(now: number): boolean {
    const head = queue[0]!;
    return queue.length < maxBatch && arrivals < head.until && now - head.queued < maxWaitMs;
  }

  function dispatch() {
    clearTimeout(timer);
    timer = undefined;
    for (const checker of checkers) {
      if (queue.length === 0) return;
      if (checker.busy) continue;
      const now = performance.now();
      if (shouldWait(now)) {
        timer = setTimeout(dispatch, Math.max(1, queue[0]!.queued + maxWaitMs - now));
        timer.unref();
        return;
      }
      const jobs = queue.splice(0, maxBatch);
      counts.batches++;
      counts.checks += jobs.length;
      checker
        .run(
          jobs.map((j) => j.input),
          batch,
        )
        .then(
          (verdicts) => {
            jobs.forEach((job, k) => job.resolve(verdicts[k] === true));
            dispatch();
          },
          (e: unknown) => {
            // a checker that dies fails its own batch (the caller answers 503); the others carry on
            for (const job of jobs) job.reject(e);
            dispatch();
          },
        );
    }
  }

  return {
    verify(input) {
      if (closed || checkers.length === 0) return Promise.reject(new Error('the pass-2 checkers are not running'));
      const queued = performance.now();
      expected.shift(); // this one's announcement (or another's: only the count matters)
      forgetStale(queued);
      arrivals++;
      // later announcements do not make it wait longer: with many users, one has always just had its pass 1
      const until = maxWaitMs > 0 ? arrivals + expected.length : 0;
      return new Promise<boolean>((resolve, reject) => {
        queue.push({ input, queued, until, resolve, reject });
        dispatch();
      });
    },
    expect() {
      if (maxWaitMs <= 0) return;
      const now = performance.now();
      forgetStale(now); // pass 1s without a pass 2 must not pile up
      expected.push(now);
    },
    stats: () => ({ ...counts }),
    async close() {
      closed = true;
      clearTimeout(timer);
      for (const job of queue.splice(0)) job.reject(new Error('the server is stopping'));
      await Promise.all(checkers.splice(0).map((c) => c.close()));
    },
  };
}

/** Checks on the event loop, in the next turn (so that a batch can take what arrives in this one). */
function eventLoopChecker(serverSecret: Uint8Array): Checker {
  const verifier = mpin.createVerifier(serverSecret);
  const checker: Checker = {
    busy: false,
    async run(items, batch) {
      checker.busy = true;
      await new Promise((resolve) => setImmediate(resolve));
      try {
        return checkItems(verifier, items, batch);
      } finally {
        checker.busy = false;
      }
    },
    close: async () => {},
  };
  return checker;
}

/** A checker thread; `onDeath` is told when it fails (after its own batch has been failed). */
function workerChecker(serverSecret: Uint8Array, onDeath: (c: Checker, e: unknown) => void): Checker {
  const worker = new Worker(WORKER_ENTRY, { workerData: { serverSecret } });
  let pending: { resolve(v: boolean[]): void; reject(e: unknown): void } | undefined;
  const checker: Checker = {
    busy: false,
    run(items, batch) {
      checker.busy = true;
      const request: CheckRequest = { batch, items: items.map(toWire) };
      worker.postMessage(request);
      return new Promise((resolve, reject) => (pending = { resolve, reject }));
    },
    close: () => worker.terminate().then(() => undefined),
  };
  worker.on('message', (reply: CheckReply) => {
    const p = pending;
    pending = undefined;
    checker.busy = false;
    p?.resolve(reply.verdicts);
  });
  worker.on('error', (e) => {
    const p = pending;
    pending = undefined;
    checker.busy = true; // never again
    p?.reject(e);
    onDeath(checker, e);
  });
  // Idle checkers must not keep the process alive on their own.
  worker.unref();
  return checker;
}

type Verifier = ReturnType<typeof mpin.createVerifier>;

/** Verdicts for `items`, batched when asked and there are several; an input the codecs refuse is a failed check. */
export function checkItems(verifier: Verifier, items: readonly VerifyInput[], batch: boolean): boolean[] {
  if (batch && items.length > 1) {
    try {
      return verifier.verifyBatch(items);
    } catch {
      // One malformed item refuses the whole batch: check them one by one instead.
    }
  }
  return items.map((item) => {
    try {
      return verifier.verify(item);
    } catch {
      return false;
    }
  });
}
