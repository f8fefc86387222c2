/**
 * CPU time of the server processes the benchmark started, read from Linux's /proc: the event loop (the main
 * thread) apart from the whole process (the pass-2 checker threads, libuv's pool, the garbage collector). The
 * machine is shared, so sign-ins per second move with everyone else's load; CPU per sign-in does much less, and
 * it is what the model of the issue is in (E on the event loop, C_b in the checkers). Elsewhere: zeros.
 */
import { readFileSync } from 'node:fs';

export interface ProcessCpu {
  /** ms of CPU of the main thread. */
  eventLoop: number;
  /** ms of CPU of every thread. */
  total: number;
}

/** utime + stime of one /proc stat line, in ms (the fields after the command name, which may hold spaces). */
function statMs(path: string): number {
  const fields = readFileSync(path, 'utf8').split(') ')[1]!.split(' ');
  // fields[0] is the state (field 3 of proc(5)); utime and stime are fields 14 and 15
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_MS;
}

/** Linux's USER_HZ is 100 on every architecture Node runs on. */
const TICKS_PER_MS = 0.1;

export function processCpu(pids: readonly number[]): ProcessCpu {
  const sum: ProcessCpu = { eventLoop: 0, total: 0 };
  for (const pid of pids) {
    try {
      sum.total += statMs(`/proc/${pid}/stat`);
      sum.eventLoop += statMs(`/proc/${pid}/task/${pid}/stat`);
    } catch {
      // not Linux, or the process is gone: nothing to add
    }
  }
  return sum;
}
