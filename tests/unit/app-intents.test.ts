// The intent table (lib/app/intents.ts): every intent kind has a screen that accepts it, and an intent the current
// screen does not accept is refused: the same screen comes back, nothing is stored, the refusal is logged.
import { openDB } from 'idb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { createApp } from '@/lib/app/app';
import { routeFor } from '@/lib/app/intents';
import { DB_VERSION, openStore } from '@/lib/store/db';
import { FlowRecord } from '@/lib/store/records';
import { Intent } from '@/lib/ui-state';

const KINDS = Intent.options.map((o) => o.shape.kind.value);
const SCREENS = FlowRecord.options.map((o) => o.shape.screen.value);

let n = 0;
let dbName: string;
beforeEach(() => {
  fakeBrowser.reset();
  dbName = `intents-${++n}`;
});
afterEach(() => vi.restoreAllMocks());

describe('the intent table', () => {
  it.each(KINDS)('%s is accepted on some screen', (kind) => {
    expect(SCREENS.some((screen) => routeFor(screen, kind) !== undefined)).toBe(true);
  });

  it('sends each PIN only to the screen that asks for it', () => {
    expect(SCREENS.filter((screen) => routeFor(screen, 'setPin'))).toEqual(['setup-pin']);
    expect(SCREENS.filter((screen) => routeFor(screen, 'login'))).toEqual(['pin']);
  });

  it('"Cancel" on the registration form is the form\'s own; elsewhere it goes home', () => {
    expect(routeFor('register', 'cancel')).not.toBe(routeFor('home', 'cancel'));
    expect(routeFor('email-sent', 'cancel')).not.toBe(routeFor('home', 'cancel'));
    expect(routeFor('pin', 'cancel')).toBe(routeFor('home', 'cancel'));
  });

  it.each([
    { kind: 'login', pin: '1234' },
    { kind: 'setPin', pin: '1234' },
    { kind: 'confirmRemove' },
    { kind: 'signOut' },
    { kind: 'registerAgain' },
    { kind: 'submitAccessNumber', accessNumber: '1234567' },
  ] as const)('refuses $kind on the add-service screen: same screen, nothing stored', async (intent) => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const app = createApp({
      openStore: () => openStore(dbName),
      platform: { detectPinpad: async () => undefined, scheduleExpiry: async () => {} },
    });
    expect(await app.dispatch(intent)).toEqual({ screen: 'add-service' });
    expect(warn).toHaveBeenCalledWith(`[mpin] intent ignored: ${intent.kind} on add-service`);
    const db = await openDB(dbName, DB_VERSION);
    expect(await db.getAll('meta')).toEqual([]);
    db.close();
  });
});
