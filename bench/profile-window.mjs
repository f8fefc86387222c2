/**
 * CPU profiles of the timed windows only, not of start-up, enrolment or the pools' preparation: with
 * BENCH_PROFILE_DIR set, bench/server.bench.ts loads this module into each server process (node --import) and
 * signals it, and profiles itself with it too. Each window becomes <BENCH_PROFILE_DIR>/<pid>-<n>.cpuprofile (open
 * it in Chrome DevTools). In a server process, the first SIGUSR2 starts the profiler and the next writes the
 * profile, and so on.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';

const dir = process.env.BENCH_PROFILE_DIR;
let session;
let count = 0;

const post = (method) =>
  new Promise((resolve, reject) => session.post(method, (err, result) => (err ? reject(err) : resolve(result))));

/** Starts profiling this thread. */
export async function startProfile() {
  if (!session) {
    session = new Session();
    session.connect();
  }
  await post('Profiler.enable');
  await post('Profiler.start');
}

/** Stops profiling and writes the profile; returns its path. */
export async function stopProfile() {
  const { profile } = await post('Profiler.stop');
  const file = join(dir, `${process.pid}-${++count}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));
  return file;
}

// In a server process (BENCH_PROFILE_SIGNALS, which the bench sets for its children only), on its event loop: the
// checker threads inherit --import too (which is why this file is plain JavaScript: they load it before their
// TypeScript loader), but signals reach the main thread.
if (isMainThread && process.env.BENCH_PROFILE_SIGNALS === '1') {
  let running = false;
  process.on('SIGUSR2', () => {
    running = !running;
    void (running ? startProfile() : stopProfile());
  });
}
