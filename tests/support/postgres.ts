/**
 * A throwaway PostgreSQL server for tests: Debian's own binaries (initdb, pg_ctl) on a free port, its data and
 * socket in a temporary folder, stopped and deleted afterwards. As root the server runs as the `postgres` user
 * (PostgreSQL refuses to run as root). `.ci/run` installs the package when it is missing. Test support only.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPostgres {
  /** postgres://… for a fresh, empty database. */
  url: string;
  /** A further empty database on the same server. */
  createDatabase(name: string): string;
  stop(): void;
}

/** The bin folder of the newest PostgreSQL that Debian's packages installed, or undefined. */
export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      s.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export async function startTestPostgres(): Promise<TestPostgres> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL is not installed (Debian package postgresql); .ci/run installs it');
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'mpin-pg-'));
  const data = join(dir, 'data');
  const port = await freePort();
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o700);
  const run = (tool: string, args: string[]) =>
    asRoot
      ? execFileSync('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args], { stdio: 'pipe' })
      : execFileSync(join(bin, tool), args, { stdio: 'pipe' });
  const pwfile = join(dir, 'pw');
  writeFileSync(pwfile, 'test\n', { mode: 0o600 });
  if (asRoot) chownSync(pwfile, Number(execFileSync('id', ['-u', 'postgres']).toString().trim()), 0);
  // The socket (in our 0700 folder) trusts its local user, for psql below; TCP asks for the password.
  const auth = ['--auth-local=trust', '--auth-host=scram-sha-256'];
  run('initdb', ['-D', data, '-U', 'mpin', '--pwfile', pwfile, ...auth, '-E', 'UTF8', '--no-sync']);
  // Loopback TCP only, the socket in our folder, fsync off: a test database need not survive a power cut.
  const options = `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${dir} -c fsync=off -c max_connections=200`;
  run('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-o', options, '-w', '-t', '120', 'start']);
  let stopped = false;
  const url = (db: string) => `postgres://mpin:test@127.0.0.1:${port}/${db}`;
  const createDatabase = (name: string) => {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
    run('psql', ['-h', dir, '-p', String(port), '-U', 'mpin', '-d', 'postgres', '-qc', `CREATE DATABASE ${name}`]);
    return url(name);
  };
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try {
      run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  try {
    return { url: createDatabase('mpin_test'), createDatabase, stop };
  } catch (e) {
    stop();
    throw e;
  }
}
