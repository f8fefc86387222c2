/**
 * Secrets kept on disk, created on first start: each D-TA's master-secret share and the RPS credentials
 * (app_id and the HMAC app_key shared with the D-TAs, Milagro's credentials.json). Files are written with
 * mode 0600 into DATA_DIR, atomically (write then rename), and never logged.
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

/** A D-TA's master-secret share: 32 bytes, hex in the file; created on first use. */
export function loadMasterSecret(dataDir: string, name: string): Uint8Array {
  const file = join(dataDir, `${name}.master-secret`);
  if (!existsSync(file)) writeSecret(file, toHex(mpin.randomMasterSecret()) + '\n');
  const bytes = fromHex(readSecret(file).trim(), file, 32);
  mpin.scalarFromBytes(bytes, file); // refuse a corrupt or zero share at start-up
  return bytes;
}

const Credentials = z.object({ app_id: z.string().regex(/^[0-9a-f]{32}$/), app_key: z.string().min(32) });
export type Credentials = z.infer<typeof Credentials>;

/** The RPS credentials shared with the D-TAs; created on first use. */
export function loadCredentials(dataDir: string): Credentials {
  const file = join(dataDir, 'credentials.json');
  if (!existsSync(file))
    writeSecret(file, JSON.stringify({ app_id: randomHex(16), app_key: randomHex(32) }, null, 2) + '\n');
  return Credentials.parse(JSON.parse(readSecret(file)));
}
