/**
 * The RPS's pass-2 check, off the event loop and in batches: sign-ins that arrive while the checkers are busy are
 * checked together (lib/mpin's verifyBatch: one pairing check for the batch, every item still gets its own
 * verdict), in a pool of worker threads, one per core by default. Nothing waits on a timer: a sign-in that finds a
 * checker idle is checked at once, alone; batches form only under load, from what queued meanwhile.
 *
 * VERIFY_WORKERS=0 keeps the checks on the event loop (batched per tick, or one by one with BATCH_VERIFY=off), as
 * the server did before; the benchmark compares the two.
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
  /** Worker threads; 0 checks on the event loop. Default: one per core. */
  workers?: number;
  /** Check queued sign-ins together (default true). */
  batch?: boolean;
  /** The largest batch handed to one checker. */
  maxBatch?: number;
}

export interface Pass2Verifier {
  /** True when the PIN was right; false for a wrong PIN or a proof that does not check. */
  verify(input: VerifyInput): Promise<boolean>;
  /** Sign-ins checked so far and the batches they were checked in (for tests and the benchmark). */
  stats(): { checks: number; batches: number };
  close(): Promise<void>;
}

interface Job {
  input: VerifyInput;
  resolve(ok: boolean): void;
  reject(e: unknown): void;
}

export const defaultWorkers = () => availableParallelism();

/** The worker's entry: plain JavaScript, which loads the TypeScript worker through tsx. */
const WORKER_ENTRY = join(dirname(fileURLToPath(import.meta.url)), 'worker-entry.mjs');

const toWire = ({ mpinId, date, y, u, ut, v }: VerifyInput): WireInput => ({ mpinId, date, y, u, ut, v });

export function createPass2Verifier(options: Pass2VerifierOptions): Pass2Verifier {
  const batch = options.batch ?? true;
  const maxBatch = batch ? Math.max(1, options.maxBatch ?? 32) : 1;
  const workerCount = options.workers ?? defaultWorkers();
  const counts = { checks: 0, batches: 0 };
  const queue: Job[] = [];

  if (workerCount === 0) {
    const verifier = mpin.createVerifier(options.serverSecret);
    let scheduled = false;
    // On the event loop: the sign-ins that reached this point in the same turn are checked together.
    const drain = () => {
      scheduled = false;
      while (queue.length) {
        const jobs = queue.splice(0, maxBatch);
        counts.batches++;
        counts.checks += jobs.length;
        settle(jobs, () =>
          checkItems(
            verifier,
            jobs.map((j) => j.input),
            batch,
          ),
        );
      }
    };
    return {
      verify: (input) =>
        new Promise<boolean>((resolve, reject) => {
          queue.push({ input, resolve, reject });
          if (!scheduled) {
            scheduled = true;
            setImmediate(drain);
          }
        }),
      stats: () => ({ ...counts }),
      close: async () => {},
    };
  }

  interface Checker {
    worker: Worker;
    busy: Job[] | null;
  }
  const checkers: Checker[] = [];
  let closed = false;

  const dispatch = () => {
    for (const c of checkers) {
      if (queue.length === 0) return;
      if (c.busy) continue;
      const jobs = queue.splice(0, maxBatch);
      c.busy = jobs;
      counts.batches++;
      counts.checks += jobs.length;
      const request: CheckRequest = { batch, items: jobs.map((j) => toWire(j.input)) };
      c.worker.postMessage(request);
    }
  };

  for (let i = 0; i < workerCount; i++) {
    const worker = new Worker(WORKER_ENTRY, { workerData: { serverSecret: options.serverSecret } });
    const checker: Checker = { worker, busy: null };
    worker.on('message', (reply: CheckReply) => {
      const jobs = checker.busy ?? [];
      checker.busy = null;
      jobs.forEach((job, k) => job.resolve(reply.verdicts[k] === true));
      dispatch();
    });
    worker.on('error', (e) => {
      // A checker that dies fails its own batch (the caller answers 503); the others carry on.
      const jobs = checker.busy ?? [];
      checker.busy = null;
      checkers.splice(checkers.indexOf(checker), 1);
      for (const job of jobs) job.reject(e);
      if (checkers.length === 0) for (const job of queue.splice(0)) job.reject(e);
      dispatch();
    });
    // Idle checkers must not keep the process alive on their own.
    worker.unref();
    checkers.push(checker);
  }

  return {
    verify(input) {
      if (closed || checkers.length === 0) return Promise.reject(new Error('the pass-2 checkers are not running'));
      return new Promise<boolean>((resolve, reject) => {
        queue.push({ input, resolve, reject });
        dispatch();
      });
    },
    stats: () => ({ ...counts }),
    async close() {
      closed = true;
      for (const job of queue.splice(0)) job.reject(new Error('the server is stopping'));
      await Promise.all(checkers.splice(0).map((c) => c.worker.terminate()));
    },
  };
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

function settle(jobs: Job[], run: () => boolean[]): void {
  try {
    const verdicts = run();
    jobs.forEach((job, k) => job.resolve(verdicts[k] === true));
  } catch (e) {
    for (const job of jobs) job.reject(e);
  }
}
