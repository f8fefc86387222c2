// Memory-only state in browser.storage.session (R8): the sign-out data of the last remote sign-in, and the client
// secret between "I confirmed my email" and "SETUP" (never in IndexedDB, wiped at PIN setup: R1). Lost when the
// browser closes, which is what we want; and none of it lives longer than SESSION_SECRET_TTL_MS (R23): every entry
// carries the time it was saved, a read past its lifetime removes it, and `sweep` (run by the background's expiry
// alarm) removes it even if nobody reads it. This module is the only writer of storage.session.
import { browser } from 'wxt/browser';
import { z } from 'zod';

const SignOutData = z.strictObject({
  identityId: z.string().max(64),
  origin: z.string().max(256),
  logoutURL: z.string().max(2048),
  logoutData: z.unknown(),
});
export type SignOutData = z.infer<typeof SignOutData>;
const savedAt = z.number().int().nonnegative();
const StoredSignOut = SignOutData.extend({ savedAt });
const StoredClientSecret = z.strictObject({ hex: z.string().regex(/^[0-9a-f]+$/), savedAt });
const Saved = z.object({ savedAt });

/**
 * R23: the longest any secret stays in storage.session, counted from when it was saved: the sign-out data of a
 * success screen, and the client secret of a registration waiting for its PIN.
 */
export const SESSION_SECRET_TTL_MS = 10 * 60_000;

const SIGN_OUT = 'signOut';
const csKey = (identityId: string) => `clientSecret:${identityId}`;

/** Whether an entry saved at `at` is still alive at `now` (a clock that went back counts as expired). */
const alive = (at: number, now: number) => now >= at && now - at < SESSION_SECRET_TTL_MS;

/** The sign-out data, unless it has expired: then it is cleared and undefined comes back. */
export async function getSignOut(now: number = Date.now()): Promise<SignOutData | undefined> {
  const raw = (await browser.storage.session.get(SIGN_OUT))[SIGN_OUT];
  const parsed = StoredSignOut.safeParse(raw);
  if (!parsed.success || !alive(parsed.data.savedAt, now)) {
    if (raw !== undefined) await clearSignOut();
    return undefined;
  }
  const { savedAt: _at, ...data } = parsed.data;
  return data;
}

export async function setSignOut(data: SignOutData, now: number = Date.now()): Promise<void> {
  await browser.storage.session.set({ [SIGN_OUT]: { ...data, savedAt: now } });
}

export async function clearSignOut(): Promise<void> {
  await browser.storage.session.remove(SIGN_OUT);
}

/** The client secret of a registration waiting for its PIN, unless it has expired (then it is cleared). */
export async function getClientSecret(identityId: string, now: number = Date.now()): Promise<string | undefined> {
  const raw = (await browser.storage.session.get(csKey(identityId)))[csKey(identityId)];
  const parsed = StoredClientSecret.safeParse(raw);
  if (!parsed.success || !alive(parsed.data.savedAt, now)) {
    if (raw !== undefined) await clearClientSecret(identityId);
    return undefined;
  }
  return parsed.data.hex;
}

export async function setClientSecret(identityId: string, hex: string, now: number = Date.now()): Promise<void> {
  await browser.storage.session.set({ [csKey(identityId)]: { hex, savedAt: now } });
}

export async function clearClientSecret(identityId: string): Promise<void> {
  await browser.storage.session.remove(csKey(identityId));
}

/**
 * Removes every entry that has expired (or that is not one of ours in the current form) and returns when the next
 * one expires, for the alarm; undefined when nothing is left.
 */
export async function sweep(now: number = Date.now()): Promise<number | undefined> {
  const all = await browser.storage.session.get(null);
  const expired: string[] = [];
  let next: number | undefined;
  for (const [key, value] of Object.entries(all)) {
    const parsed = Saved.safeParse(value);
    const ours = key === SIGN_OUT || key.startsWith('clientSecret:');
    if (!ours || !parsed.success || !alive(parsed.data.savedAt, now)) {
      expired.push(key);
      continue;
    }
    const until = parsed.data.savedAt + SESSION_SECRET_TTL_MS;
    next = next === undefined ? until : Math.min(next, until);
  }
  if (expired.length) await browser.storage.session.remove(expired);
  return next;
}
