/**
 * Secrets kept on disk, created on first start: each D-TA's master-secret share and the RPS credentials
 * (app_id and the HMAC app_key shared with the D-TAs, Milagro's credentials.json). Files are written with
 * mode 0600 into DATA_DIR, atomically (write then rename), and never logged.
 *
 * Created on the FIRST start only: once identities are registered, a missing file is a lost secret, and a new one
 * would silently turn every user's right PIN into a wrong one (their tokens hold the old shares). Callers run
 * `refuseLostSecrets` first, which stops the start with a message saying what to restore.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { fromHex, mpin, toHex } from '../../lib/mpin/index.ts';
import { randomHex } from './random.ts';

function writeSecret(file: string, content: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, content, { mode: 0o600 });
  renameSync(tmp, file);
  chmodSync(file, 0o600);
}

function readSecret(file: string): string {
  const mode = statSync(file).mode & 0o777;
  if (mode & 0o077) chmodSync(file, 0o600); // tighten a copy made with looser permissions
  return readFileSync(file, 'utf8');
}

/** The RPS credentials' file name in DATA_DIR. */
export const CREDENTIALS_FILE = 'credentials.json';
/** A D-TA's master-secret file name in DATA_DIR. */
export const masterSecretFile = (name: string) => `${name}.master-secret`;

/**
 * Throws, naming each missing file and what to do, when `identitiesExist` and any of `files` is missing from
 * `dataDir`; does nothing otherwise (a first start creates them).
 */
export function refuseLostSecrets(dataDir: string, files: string[], identitiesExist: boolean): void {
  if (!identitiesExist) return;
  const missing = files.filter((f) => !existsSync(join(dataDir, f)));
  if (missing.length === 0) return;
  const names = missing.join(' and ');
  throw new Error(
    [
      `${names} ${missing.length > 1 ? 'are' : 'is'} missing from ${dataDir}, but its database (mpin.sqlite) holds registered identities.`,
      `Not creating ${missing.length > 1 ? 'new ones' : 'a new one'}: every registered user's right PIN would count as wrong (401, 401, then 410).`,
      `Restore ${names} from a backup of ${dataDir} (the copy that was there when the identities were registered), then start again.`,
      `To start over instead, remove ${join(dataDir, 'mpin.sqlite')} as well: every user must then register again.`,
    ].join('\n'),
  );
}

/** A D-TA's master-secret share: 32 bytes, hex in the file; created when missing (see refuseLostSecrets). */
export function loadMasterSecret(dataDir: string, name: string): Uint8Array {
  const file = join(dataDir, masterSecretFile(name));
  if (!existsSync(file)) writeSecret(file, toHex(mpin.randomMasterSecret()) + '\n');
  const bytes = fromHex(readSecret(file).trim(), file, 32);
  mpin.scalarFromBytes(bytes, file); // refuse a corrupt or zero share at start-up
  return bytes;
}

const Credentials = z.object({ app_id: z.string().regex(/^[0-9a-f]{32}$/), app_key: z.string().min(32) });
export type Credentials = z.infer<typeof Credentials>;

/** The RPS credentials shared with the D-TAs; created when missing (see refuseLostSecrets). */
export function loadCredentials(dataDir: string): Credentials {
  const file = join(dataDir, CREDENTIALS_FILE);
  if (!existsSync(file))
    writeSecret(file, JSON.stringify({ app_id: randomHex(16), app_key: randomHex(32) }, null, 2) + '\n');
  return Credentials.parse(JSON.parse(readSecret(file)));
}
