/**
 * The administrator's command line for the demo relying party's device revocation:
 *   npm run admin -- list                          registered devices, and what is revoked
 *   npm run admin -- revoke <userId|mpinIdHex> [reason…]
 *   npm run admin -- unrevoke <userId|mpinIdHex>
 * A revoked user id covers every identity of that user; an mpin_id one identity on one device. The RPS asks
 * the relying party before every time permit, at pass 2 and at /rps/authenticate, and the demo site checks before
 * it opens a session, so a revocation takes effect at once, also while the server runs (it opens the same SQLite
 * database in DATA_DIR). Everything it prints
 * that came from a database row or an argument goes through terminalSafe: a device name stored with an escape
 * sequence (before the server refused them) shows as text and does not drive the administrator's terminal.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseMpinId } from '../lib/mpin/index.ts';
import { loadConfig } from './config.ts';
import { revocationOf, revocationTarget } from './rpa/revocation.ts';
import { openStorage, SQLITE_FILE } from './storage/open.ts';
import type { Storage } from './storage/types.ts';
import { terminalSafe as safe } from './util/text.ts';

export const USAGE = `Usage: npm run admin -- <command>
  list                                 registered devices and revocations
  revoke <userId|mpinIdHex> [reason]   refuse time permits to a user (all devices) or one identity
  unrevoke <userId|mpinIdHex>          undo a revocation
The database is DATA_DIR/mpin.sqlite (DATA_DIR defaults to ./data).`;

export class UsageError extends Error {}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Runs one admin command against `storage`; returns the lines to print. Throws UsageError for bad arguments. */
export async function runAdmin(args: string[], storage: Storage, now: () => number = Date.now): Promise<string[]> {
  const [command, target, ...rest] = args;
  switch (command) {
    case 'list': {
      if (target !== undefined) throw new UsageError('list takes no arguments');
      const out: string[] = [];
      const devices = await storage.list('device', 10_000);
      out.push(`Devices (${devices.length}):`);
      for (const d of devices) {
        let issued: string;
        try {
          issued = parseMpinId(d.key).fields.issued;
        } catch {
          issued = '?';
        }
        const revoked = (await revocationOf(storage, d.key)) !== null ? '  [REVOKED]' : '';
        out.push(
          `  ${safe(d.value.userId)}  ${d.value.mobile ? 'Mobile' : 'PC'}  "${safe(d.value.deviceName)}"  issued ${safe(issued)}${revoked}`,
        );
        out.push(`    mpin_id ${safe(d.key)}`);
      }
      const revoked = await storage.list('revoked', 10_000);
      out.push(`Revoked (${revoked.length}):`);
      for (const r of revoked)
        out.push(
          `  ${safe(r.key.length > 80 ? `mpin_id ${r.key}` : r.key)}  since ${iso(r.created)}${r.value.reason ? `  (${safe(r.value.reason)})` : ''}`,
        );
      return out;
    }
    case 'revoke':
    case 'unrevoke': {
      if (!target) throw new UsageError(`${command} needs a user id or an mpin_id (hex)`);
      if (command === 'unrevoke' && rest.length) throw new UsageError('unrevoke takes one argument');
      let t;
      try {
        t = revocationTarget(target);
      } catch (e) {
        throw new UsageError(safe((e as Error).message));
      }
      const what =
        t.kind === 'mpinId'
          ? `the identity of ${safe(t.userId)} (mpin_id ${t.key.slice(0, 16)}…)`
          : `every identity of ${safe(t.key)}`;
      if (command === 'revoke') {
        const reason = rest.join(' ').slice(0, 200) || `revoked by the administrator on ${iso(now())}`;
        await storage.put('revoked', t.key, { reason });
        const known =
          t.kind === 'mpinId'
            ? (await storage.get('device', t.key)) !== undefined
            : (await storage.list('device', 10_000)).some((d) => d.value.userId.toLowerCase() === t.key);
        return [
          `Revoked ${what}: time permits are refused from now on.`,
          ...(known ? [] : ['(Note: no registered device matches it yet; the revocation applies when one does.)']),
        ];
      }
      if (!(await storage.delete('revoked', t.key))) return [`${what} was not revoked.`];
      return [`Unrevoked ${what}.`];
    }
    default:
      throw new UsageError(`unknown command "${safe(String(command))}"`);
  }
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const command = args[0];
  if (command === undefined || ['help', '--help', '-h'].includes(command)) {
    (command ? console.log : console.error)(USAGE);
    return command ? 0 : 2;
  }
  if (!['list', 'revoke', 'unrevoke'].includes(command)) {
    console.error(`Error: unknown command "${safe(command)}"\n\n${USAGE}`);
    return 2;
  }
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    console.error((e as Error).message);
    return 2;
  }
  const file = join(config.dataDir, SQLITE_FILE);
  if (!config.DATABASE_URL && !existsSync(file)) {
    console.error(`No database at ${file}: start the server once (npm start), or set DATA_DIR to its data folder.`);
    return 1;
  }
  const storage = await openStorage(config);
  try {
    for (const line of await runAdmin(args, storage)) console.log(line);
    return 0;
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`Error: ${e.message}\n\n${USAGE}`);
    return 2;
  } finally {
    await storage.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = await main();
