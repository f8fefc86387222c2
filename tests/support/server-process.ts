/**
 * Runs a server script (server/main.ts, server/dta/main.ts…) as its own Node process, as `npm run …` does, for tests
 * of what only a process shows: its console, its refusal to start, its behaviour under a resource limit. Test
 * support only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(__dirname, '../..');

export interface ServerProcess {
  child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with the exit code once it has ended. */
  exited: Promise<number | null>;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
}

export interface RunOptions {
  /** `ulimit -f` for the process, in KiB: its files cannot grow beyond this (writes fail, as on a full disk). */
  fileSizeLimitKiB?: number;
}

/** Starts `node --import tsx <script> args…` in the repository with `env` added to this process's environment. */
export function startScript(
  script: string,
  args: string[],
  env: Record<string, string>,
  opts: RunOptions = {},
): ServerProcess {
  const node = [process.execPath, '--import', 'tsx', script, ...args];
  const child =
    opts.fileSizeLimitKiB === undefined
      ? spawn(node[0]!, node.slice(1), {
          cwd: root,
          env: { ...process.env, ...env },
          stdio: ['ignore', 'pipe', 'pipe'],
        })
      : spawn('/bin/sh', ['-c', `ulimit -f ${Math.floor(opts.fileSizeLimitKiB)} && exec "$@"`, 'sh', ...node], {
          cwd: root,
          env: { ...process.env, ...env },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  return {
    child,
    output: () => out,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Resolves with the first match of `ready` in the process's output; rejects with its output if it exits first. */
export function waitForOutput(proc: ServerProcess, ready: RegExp): Promise<RegExpMatchArray> {
  return new Promise((res, rej) => {
    const check = () => {
      const m = proc.output().match(ready);
      if (m) {
        proc.child.stdout!.off('data', check);
        proc.child.stderr!.off('data', check);
        res(m);
      }
    };
    proc.child.stdout!.on('data', check);
    proc.child.stderr!.on('data', check);
    void proc.exited.then((code) => {
      if (!proc.output().match(ready)) rej(new Error(`exited with ${code}:\n${proc.output()}`));
    });
    check();
  });
}

/** The demo site's URL that server/main.ts prints once it listens. */
export const SERVER_READY = /Demo site \(relying party\):\s+(\S+?)\/\s/;
