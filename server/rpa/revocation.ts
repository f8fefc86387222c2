/**
 * Device revocation as the relying party keeps it: 'revoked' records keyed by an mpin_id (lowercase hex:
 * one identity on one device) or by a user id (lowercase: every identity of that user). A revocation takes
 * effect at once: the RPS asks /rpa/mpinPermitUser before every time permit, at pass 2 and at the phone's
 * /rps/authenticate, and the demo site checks again (`revokedAtSignIn`) before it opens a session, so a
 * permit fetched earlier that day signs nobody in.
 */
import { parseMpinId } from '../../lib/mpin/index.ts';
import type { Storage } from '../storage/types.ts';
import { hasUnsafeChars } from '../util/text.ts';

export type RevocationTarget = { kind: 'mpinId'; key: string; userId: string } | { kind: 'userId'; key: string };

/** Reads an admin's argument: an mpin_id in hex, or a user id (an e-mail address). Throws a readable error otherwise. */
export function revocationTarget(arg: string): RevocationTarget {
  const value = arg.trim();
  if (/^(?:[0-9a-fA-F]{2})+$/.test(value) && value.length >= 16) {
    try {
      return { kind: 'mpinId', key: value.toLowerCase(), userId: parseMpinId(value).fields.userID };
    } catch (e) {
      throw new Error(`"${value.slice(0, 24)}…" looks like hex but is not an mpin_id (${(e as Error).message})`, {
        cause: e,
      });
    }
  }
  if (value.length === 0 || value.length > 254 || /\s/.test(value) || hasUnsafeChars(value))
    throw new Error(`"${value}" is neither a user id nor an mpin_id`);
  return { kind: 'userId', key: value.toLowerCase() };
}

/** Why `mpinIdHex` may not get a time permit, or null when it may. A malformed id counts as revoked. */
export async function revocationOf(storage: Storage, mpinIdHex: string): Promise<string | null> {
  const key = mpinIdHex.toLowerCase();
  const byId = await storage.get('revoked', key);
  if (byId) return byId.reason;
  let userId: string;
  try {
    userId = parseMpinId(key).fields.userID;
  } catch {
    return 'malformed mpin_id';
  }
  const byUser = await storage.get('revoked', userId.toLowerCase());
  return byUser ? byUser.reason : null;
}

/**
 * Why the sign-in the RPS just accepted must still be refused, or null: the identity, or the user (by the
 * mpin_id's user id or the one the RPS named), was revoked. An absent mpin_id is checked by user id only.
 */
export async function revokedAtSignIn(storage: Storage, mpinIdHex: string, userId: string): Promise<string | null> {
  if (mpinIdHex) {
    const reason = await revocationOf(storage, mpinIdHex);
    if (reason !== null) return reason;
  }
  return userId ? ((await storage.get('revoked', userId.toLowerCase()))?.reason ?? null) : null;
}
