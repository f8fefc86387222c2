// The background's use cases as the app-level tests drive them: an App on a fresh fake-indexeddb database per test
// (WXT's fake browser reset), its intents checked against the UiState contract, the stored records as text, an
// identity enrolled on a real server, and the PC's side of an access-number sign-in played with plain fetch.
import { openDB } from 'idb';
import { afterEach, beforeEach, expect, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { createApp, type App } from '@/lib/app/app';
import type { Platform } from '@/lib/app/platform';
import { DB_VERSION, openStore } from '@/lib/store/db';
import { UiState } from '@/lib/ui-state';
import { HttpClient } from '../support/milagro-http-client';

export type Act = (intent: Parameters<App['dispatch']>[0]) => Promise<UiState>;

/** Registers the per-test set-up (a fresh database named `prefix`-n, warnings silenced) and returns its tools. */
export function useAppFixture(prefix: string) {
  let n = 0;
  let dbName = '';
  beforeEach(() => {
    fakeBrowser.reset();
    dbName = `${prefix}-${++n}`;
    vi.spyOn(console, 'warn').mockImplementation(() => {});
  });
  afterEach(() => vi.restoreAllMocks());

  return {
    /** An App (a new one on the same database plays a restarted service worker). */
    makeApp(platform: Partial<Platform> = {}, now?: () => number) {
      const syncContentScripts = vi.fn(async (_origins: string[]) => {});
      const app = createApp({
        openStore: () => openStore(dbName),
        ...(now ? { now } : {}),
        platform: {
          hasHostPermission: async () => true,
          syncContentScripts,
          detectPinpad: async () => undefined,
          openPopup: async () => {},
          deviceNameSuggestion: () => 'linNode',
          ...platform,
        },
        rps: { timeoutMs: 15_000 },
      });
      const act: Act = async (intent) => UiState.parse(await app.dispatch(intent));
      return { app, act, syncContentScripts };
    },

    /** This test's store, opened anew (close it after use). */
    store: () => openStore(dbName),

    /** Everything in the database, as JSON text. */
    async dump(): Promise<string> {
      const db = await openDB(dbName, DB_VERSION);
      const out = {
        identities: await db.getAll('identities'),
        services: await db.getAll('services'),
        meta: await db.getAll('meta'),
      };
      db.close();
      return JSON.stringify(out);
    },
  };
}

/** Adds the service at `origin` (no activation needed there), registers `email` and sets `pin`; ends home. */
export async function enrol(act: Act, origin: string, email: string, pin: string) {
  expect((await act({ kind: 'addService', url: `${origin}/setup-phone` })).screen).toBe('register');
  const s = await act({ kind: 'register', email, deviceName: 'myLaptop' });
  expect(s).toMatchObject({ screen: 'setup-pin', identity: { userId: email, state: 'activated' } });
  const home = await act({ kind: 'setPin', pin });
  expect(home).toMatchObject({ screen: 'home', identity: { userId: email, state: 'registered' } });
  return home;
}

/** The PC: an access number (asked for with `headers`, e.g. its User-Agent), then the browser's own sign-in. */
export async function pcSession(origin: string, headers: Record<string, string> = {}) {
  const pc = new HttpClient(origin);
  const an = (await pc.request('POST', '/rps/getAccessNumber', undefined, headers)).body as {
    accessNumber: string;
    webOTT: string;
  };
  return {
    pc,
    accessNumber: an.accessNumber,
    webOTT: an.webOTT,
    /** The PC's state once it is no longer `seen` (a long-poll of up to 10 s): status, userId. */
    async stateAfter(seen: string): Promise<{ status: string; userId: string }> {
      return (await pc.request('POST', '/rps/access', { webOTT: an.webOTT, wait: 10, status: seen })).body as {
        status: string;
        userId: string;
      };
    },
    /** Polls until the phone has authenticated, then posts the authOTT as the PIN pad page does. */
    async complete(): Promise<number> {
      for (let i = 0; i < 100; i++) {
        const poll = await pc.request('POST', '/rps/access', { webOTT: an.webOTT });
        if (poll.body.status === 'authenticate') {
          return (await pc.request('POST', '/mpinAuthenticate', { mpinResponse: { authOTT: poll.body.authOTT } }))
            .status;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      return 0;
    },
  };
}

/** A live access number, as a PC shows it (the check at "Next" lets only such a number through to the PIN). */
export async function liveAccessNumber(origin: string): Promise<string> {
  return (await pcSession(origin)).accessNumber;
}

/**
 * A well-formed number (7 digits, check digit right: the extension would refuse it before the service otherwise)
 * that the server never issued.
 */
export const UNKNOWN_ACCESS_NUMBER = '1234560';
