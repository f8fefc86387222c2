// The identity store: IndexedDB through idb, a versioned schema with migrations, one transaction per state change.
//   v1: `identities` (keyPath id), `meta` (the flow in progress, the selected identity).
//   v2: `services` (keyPath origin), built from the identities' settings snapshots; index `byOrigin` on identities;
//       identities get `lastUsed` (= created).
//   Fields added later as optional need no migration: a record without them is valid (identities' `deviceKey`,
//   issue 11: those registered before it simply have none).
// Records are validated with zod on the way in (inside the transaction: a bad record aborts the whole change, so a
// failure between two writes leaves the previous state) and on the way out (a bad record is skipped and logged).
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { FlowRecord, IdentityRecord, ServiceRecord } from './records';

export const DB_NAME = 'mpin-authenticator';
export const DB_VERSION = 2;

interface Schema extends DBSchema {
  identities: { key: string; value: IdentityRecord; indexes: { byOrigin: string } };
  services: { key: string; value: ServiceRecord };
  meta: { key: string; value: unknown };
}

/** One state change: everything in it is written in one transaction, or nothing is. */
export interface Change {
  putIdentities?: IdentityRecord[];
  deleteIdentities?: string[];
  putServices?: ServiceRecord[];
  deleteServices?: string[];
  /** The new flow; `undefined` leaves it as it is. */
  flow?: FlowRecord;
  /** The selected identity; `null` clears it. */
  selected?: string | null;
}

function valid<T>(
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } },
  value: unknown,
  what: string,
): T | undefined {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  console.warn(`[mpin] store: invalid ${what} record skipped`);
  return undefined;
}

export class Store {
  constructor(private readonly db: IDBPDatabase<Schema>) {}

  async getIdentity(id: string): Promise<IdentityRecord | undefined> {
    const raw = await this.db.get('identities', id);
    return raw === undefined ? undefined : valid(IdentityRecord, raw, 'identity');
  }

  async listIdentities(): Promise<IdentityRecord[]> {
    const all = await this.db.getAll('identities');
    return all.flatMap((r) => valid(IdentityRecord, r, 'identity') ?? []).sort((a, b) => a.created - b.created);
  }

  async getService(origin: string): Promise<ServiceRecord | undefined> {
    const raw = await this.db.get('services', origin);
    return raw === undefined ? undefined : valid(ServiceRecord, raw, 'service');
  }

  async listServices(): Promise<ServiceRecord[]> {
    return (await this.db.getAll('services')).flatMap((r) => valid(ServiceRecord, r, 'service') ?? []);
  }

  async getFlow(): Promise<FlowRecord | undefined> {
    const raw = await this.db.get('meta', 'flow');
    return raw === undefined ? undefined : valid(FlowRecord, raw, 'flow');
  }

  async getSelected(): Promise<string | undefined> {
    const raw = await this.db.get('meta', 'selected');
    return typeof raw === 'string' ? raw : undefined;
  }

  /** Applies a change in one transaction; throws (and writes nothing) if any record is invalid. */
  async commit(change: Change): Promise<void> {
    const tx = this.db.transaction(['identities', 'services', 'meta'], 'readwrite');
    const done = tx.done;
    try {
      for (const id of change.deleteIdentities ?? []) await tx.objectStore('identities').delete(id);
      for (const r of change.putIdentities ?? []) await tx.objectStore('identities').put(IdentityRecord.parse(r));
      for (const o of change.deleteServices ?? []) await tx.objectStore('services').delete(o);
      for (const r of change.putServices ?? []) await tx.objectStore('services').put(ServiceRecord.parse(r));
      if (change.flow !== undefined) await tx.objectStore('meta').put(FlowRecord.parse(change.flow), 'flow');
      if (change.selected === null) await tx.objectStore('meta').delete('selected');
      else if (change.selected !== undefined) await tx.objectStore('meta').put(change.selected, 'selected');
    } catch (e) {
      try {
        tx.abort();
      } catch {
        /* already finished */
      }
      await done.catch(() => {});
      throw e;
    }
    await done;
  }

  close(): void {
    this.db.close();
  }
}

export async function openStore(name = DB_NAME): Promise<Store> {
  const db = await openDB<Schema>(name, DB_VERSION, {
    // idb runs the upgrade inside the version-change transaction; the promise only orders its own awaits.
    // eslint-disable-next-line @typescript-eslint/no-misused-promises
    async upgrade(db, oldVersion, _newVersion, tx) {
      if (oldVersion < 1) {
        db.createObjectStore('identities', { keyPath: 'id' });
        db.createObjectStore('meta');
      }
      if (oldVersion < 2) {
        db.createObjectStore('services', { keyPath: 'origin' });
        const identities = tx.objectStore('identities');
        identities.createIndex('byOrigin', 'origin');
        let cursor = await identities.openCursor();
        const services = tx.objectStore('services');
        while (cursor) {
          const old = cursor.value as Record<string, unknown>;
          const migrated = { ...old, lastUsed: typeof old.lastUsed === 'number' ? old.lastUsed : old.created };
          await cursor.update(migrated as IdentityRecord);
          if (typeof old.origin === 'string' && !(await services.get(old.origin))) {
            await services.put({
              origin: old.origin,
              clientSettings: old.clientSettings,
              added: old.created,
            } as ServiceRecord);
          }
          cursor = await cursor.continue();
        }
      }
    },
  });
  return new Store(db);
}
