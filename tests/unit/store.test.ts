// The identity store: migrations from the first schema, records validated on the way in and out, and one
// transaction per state change (a failure between two writes leaves the previous state whole).
import { openDB } from 'idb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DB_VERSION, openStore, type Store } from '@/lib/store/db';
import type { FlowRecord, IdentityRecord } from '@/lib/store/records';

const settings = {
  registerURL: '/rps/user',
  signatureURL: '/rps/signature',
  certivoxURL: '/dta2/',
  timePermitsURL: '/rps/timePermit',
  mpinAuthServerURL: '/rps',
  mobileAuthenticateURL: '/rps/authenticate',
  appID: 'abc',
  accessNumberDigits: 7,
  accessNumberUseCheckSum: true,
  cSum: 1,
  setDeviceName: false,
};

const identity = (id: string, extra: Partial<IdentityRecord> = {}): IdentityRecord => ({
  id,
  origin: 'http://rp.test:8080',
  clientSettings: settings,
  userId: `${id}@example.com`,
  deviceName: 'linChrome',
  mpinIdHex: '7b7d',
  state: 'started',
  regOTT: 'ott',
  created: 1000,
  lastUsed: 1000,
  ...extra,
});

let n = 0;
let name: string;
let store: Store | undefined;
beforeEach(() => {
  name = `store-test-${++n}`;
  vi.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(() => {
  store?.close();
  store = undefined;
  vi.restoreAllMocks();
});

describe('store', () => {
  it('migrates a version-1 database: services built from the identities, lastUsed filled in', async () => {
    const v1 = await openDB(name, 1, {
      upgrade(db) {
        db.createObjectStore('identities', { keyPath: 'id' });
        db.createObjectStore('meta');
      },
    });
    const { lastUsed: _l, ...old } = identity('a', { state: 'registered', token: 'abcd', regOTT: undefined });
    delete (old as Partial<IdentityRecord>).regOTT;
    await v1.put('identities', old);
    await v1.put('meta', { screen: 'home', identityId: 'a' }, 'flow');
    await v1.put('meta', 'a', 'selected');
    v1.close();

    store = await openStore(name);
    expect(DB_VERSION).toBe(2);
    expect(await store.getIdentity('a')).toMatchObject({ id: 'a', lastUsed: 1000, token: 'abcd', state: 'registered' });
    expect(await store.listServices()).toEqual([
      { origin: 'http://rp.test:8080', clientSettings: settings, added: 1000 },
    ]);
    expect(await store.getFlow()).toEqual({ screen: 'home', identityId: 'a' });
    expect(await store.getSelected()).toBe('a');
  });

  it('opens a fresh database at the current version', async () => {
    store = await openStore(name);
    expect(await store.listIdentities()).toEqual([]);
    expect(await store.getFlow()).toBeUndefined();
  });

  it('skips a stored record that does not validate (and logs it by reason only)', async () => {
    store = await openStore(name);
    await store.commit({ putIdentities: [identity('good')] });
    store.close();
    const raw = await openDB(name, DB_VERSION);
    await raw.put('identities', { id: 'bad', origin: 'not a url', pin: '1234' });
    await raw.put('meta', { screen: 'nonsense' }, 'flow');
    raw.close();
    store = await openStore(name);
    expect((await store.listIdentities()).map((i) => i.id)).toEqual(['good']);
    expect(await store.getIdentity('bad')).toBeUndefined();
    expect(await store.getFlow()).toBeUndefined();
    expect(console.warn).toHaveBeenCalledWith('[mpin] store: invalid identity record skipped');
    expect(JSON.stringify(vi.mocked(console.warn).mock.calls)).not.toContain('1234');
  });

  it('keeps a flow stored with a worded problem (before problems were codes only), without its words', async () => {
    const raw = await openDB(name, DB_VERSION, {
      upgrade(db) {
        db.createObjectStore('identities', { keyPath: 'id' }).createIndex('byOrigin', 'origin');
        db.createObjectStore('meta');
        db.createObjectStore('services', { keyPath: 'origin' });
      },
    });
    const problem = { code: 'unknown-access-number', message: 'Invalid access number!', retry: false };
    await raw.put('meta', { screen: 'wrong-access-number', identityId: 'a', problem }, 'flow');
    raw.close();
    store = await openStore(name);
    expect(await store.getFlow()).toEqual({
      screen: 'wrong-access-number',
      identityId: 'a',
      problem: { code: 'unknown-access-number', retry: false },
    });
  });

  it('refuses a problem with a detail of another code, or a status without service-error', async () => {
    store = await openStore(name);
    const flow = (problem: object) => ({ screen: 'home', identityId: 'a', problem }) as unknown as FlowRecord;
    await expect(
      store.commit({ flow: flow({ code: 'network', retry: true, detail: 'page-refused' }) }),
    ).rejects.toThrow();
    await expect(store.commit({ flow: flow({ code: 'network', retry: true, status: 503 }) })).rejects.toThrow();
    await expect(store.commit({ flow: flow({ code: 'service-error', retry: true }) })).rejects.toThrow();
    await store.commit({ flow: flow({ code: 'service-error', retry: true, status: 503 }) });
    await store.commit({ flow: flow({ code: 'network', retry: true, detail: 'timeout' }) });
  });

  it('refuses to write a record that does not validate', async () => {
    store = await openStore(name);
    await expect(
      store.commit({ putIdentities: [{ ...identity('x'), pin: '1234' } as IdentityRecord] }),
    ).rejects.toThrow();
    expect(await store.listIdentities()).toEqual([]);
  });

  it('a failure between two writes of one change loses nothing: the old state stays whole', async () => {
    store = await openStore(name);
    const before: FlowRecord = { screen: 'email-sent', identityId: 'old', resent: false };
    await store.commit({ putIdentities: [identity('old')], flow: before, selected: 'old' });

    // the new identity is written first, then the flow fails: the whole transaction is rolled back
    const broken = { screen: 'setup-pin' } as unknown as FlowRecord;
    await expect(
      store.commit({ deleteIdentities: ['old'], putIdentities: [identity('new')], flow: broken, selected: 'new' }),
    ).rejects.toThrow();

    expect((await store.listIdentities()).map((i) => i.id)).toEqual(['old']);
    expect(await store.getFlow()).toEqual(before);
    expect(await store.getSelected()).toBe('old');
  });

  it('an aborted transaction (the worker stopped mid-change) leaves the old state', async () => {
    store = await openStore(name);
    await store.commit({ putIdentities: [identity('a')], flow: { screen: 'home', identityId: 'a' } });
    const raw = await openDB(name, DB_VERSION);
    const tx = raw.transaction(['identities', 'meta'], 'readwrite');
    await tx.objectStore('identities').delete('a');
    tx.abort();
    await tx.done.catch(() => {});
    raw.close();
    expect(await store.getIdentity('a')).toMatchObject({ id: 'a' });
    expect(await store.getFlow()).toEqual({ screen: 'home', identityId: 'a' });
  });

  it('never stores an intent that carries a PIN as the retry of a flow', async () => {
    store = await openStore(name);
    const flow = { screen: 'home', identityId: 'a', retry: { kind: 'login', pin: '1234' } } as unknown as FlowRecord;
    await expect(store.commit({ flow })).rejects.toThrow();
    await store.commit({ flow: { screen: 'home', identityId: 'a', retry: { kind: 'startSignIn' } } });
  });
});
