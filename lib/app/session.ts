// Memory-only state in browser.storage.session (R8): the sign-out data of the last remote sign-in, and the client
// secret between "I confirmed my email" and "SETUP" (never in IndexedDB, wiped at PIN setup: R1). Lost when the
// browser closes, which is what we want.
import { browser } from 'wxt/browser';
import { z } from 'zod';

const SignOutData = z.strictObject({
  identityId: z.string().max(64),
  origin: z.string().max(256),
  logoutURL: z.string().max(2048),
  logoutData: z.unknown(),
});
export type SignOutData = z.infer<typeof SignOutData>;
const StoredSignOut = SignOutData.extend({ savedAt: z.number().int() });

/** R23: sign-out data left alone this long is forgotten (the other browser's session then ends on its own terms). */
export const SIGN_OUT_IDLE_MS = 15 * 60_000;

const SIGN_OUT = 'signOut';
const csKey = (identityId: string) => `clientSecret:${identityId}`;

/** The sign-out data, unless it is older than SIGN_OUT_IDLE_MS: then it is cleared and undefined comes back. */
export async function getSignOut(now: number = Date.now()): Promise<SignOutData | undefined> {
  const raw = (await browser.storage.session.get(SIGN_OUT))[SIGN_OUT];
  const parsed = StoredSignOut.safeParse(raw);
  if (!parsed.success) return undefined;
  const { savedAt, ...data } = parsed.data;
  if (now - savedAt > SIGN_OUT_IDLE_MS || now < savedAt) {
    await clearSignOut();
    return undefined;
  }
  return data;
}

export async function setSignOut(data: SignOutData, now: number = Date.now()): Promise<void> {
  await browser.storage.session.set({ [SIGN_OUT]: { ...data, savedAt: now } });
}

export async function clearSignOut(): Promise<void> {
  await browser.storage.session.remove(SIGN_OUT);
}

export async function getClientSecret(identityId: string): Promise<string | undefined> {
  const raw = (await browser.storage.session.get(csKey(identityId)))[csKey(identityId)];
  return typeof raw === 'string' && /^[0-9a-f]+$/.test(raw) ? raw : undefined;
}

export async function setClientSecret(identityId: string, hex: string): Promise<void> {
  await browser.storage.session.set({ [csKey(identityId)]: hex });
}

export async function clearClientSecret(identityId: string): Promise<void> {
  await browser.storage.session.remove(csKey(identityId));
}
