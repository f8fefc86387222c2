// What every use case works with: the store, the browser APIs (lib/app/platform.ts), the clock, the RPS client, the
// time permits fetched ahead of "Login" (memory only), and the one queue that runs intents and a page's requests one
// at a time, so that two quick clicks never interleave their writes.
import { RpsClient, type RpsOptions } from '../rps/client';
import { openStore, type Change, type Store } from '../store/db';
import type { ServiceRecord } from '../store/records';
import { defaultPlatform, type Platform } from './platform';
import { PermitPrefetch } from './time-permit';

export interface AppOptions {
  /** Opens the store (default: the extension's IndexedDB). */
  openStore?: () => Promise<Store>;
  platform?: Partial<Platform>;
  rps?: RpsOptions;
  now?: () => number;
}

export interface Context {
  store(): Promise<Store>;
  /** One state change, in one store transaction. */
  commit(change: Change): Promise<void>;
  platform: Platform;
  now(): number;
  rps: RpsOptions | undefined;
  /** The RPS client of a service (or of an identity's service: both carry its origin and settings). */
  client(service: Pick<ServiceRecord, 'origin' | 'clientSettings'>): RpsClient;
  /** Time permits fetched while the user types a PIN (time-permit.ts). */
  permits: PermitPrefetch;
  /** Runs `fn` after everything queued before it (whether that failed or not). */
  serial<T>(fn: () => Promise<T>): Promise<T>;
}

export function createContext(options: AppOptions = {}): Context {
  let storePromise: Promise<Store> | undefined;
  const store = () => (storePromise ??= (options.openStore ?? (() => openStore()))());
  let queue: Promise<unknown> = Promise.resolve();
  return {
    store,
    commit: async (change) => (await store()).commit(change),
    platform: { ...defaultPlatform, ...options.platform },
    now: options.now ?? Date.now,
    rps: options.rps,
    client: (service) => new RpsClient(service.origin, service.clientSettings, options.rps),
    permits: new PermitPrefetch(),
    serial<T>(fn: () => Promise<T>): Promise<T> {
      const run = queue.then(fn, fn);
      queue = run.catch(() => {});
      return run;
    },
  };
}
