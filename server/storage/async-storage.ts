/**
 * The storage interface as a network database needs it: every call returns a promise, and a change to a record
 * is announced to every process (PostgreSQL's NOTIFY), so that a request waiting on a record wakes up wherever the
 * change was made. The records and their rules are those of `types.ts`.
 */
import type { Kind, RecordKinds, StoredRecord } from './types.ts';

/** Called after a record of `kind` and `key` was written or removed, by this process or another. */
export type ChangeListener = (kind: Kind, key: string) => void;

export interface AsyncStorage {
  get<K extends Kind>(kind: K, key: string): Promise<RecordKinds[K] | undefined>;
  put<K extends Kind>(kind: K, key: string, value: RecordKinds[K], expiresAt?: number | null): Promise<void>;
  insert<K extends Kind>(kind: K, key: string, value: RecordKinds[K], expiresAt?: number | null): Promise<boolean>;
  update<K extends Kind>(
    kind: K,
    key: string,
    change: (value: RecordKinds[K]) => RecordKinds[K],
  ): Promise<RecordKinds[K] | undefined>;
  take<K extends Kind>(kind: K, key: string): Promise<RecordKinds[K] | undefined>;
  delete(kind: Kind, key: string): Promise<boolean>;
  list<K extends Kind>(kind: K, limit?: number): Promise<StoredRecord<K>[]>;
  expiresAt(kind: Kind, key: string): Promise<number | null | undefined>;
  purgeExpired(): Promise<number>;
  /** Subscribes to changes; returns the function that unsubscribes. */
  onChange(listener: ChangeListener): () => void;
  close(): Promise<void>;
}

/**
 * Waits until `kind`/`key` changes or `timeoutMs` passes; true on a change. Subscribe before reading the state the
 * wait depends on (the `ready` callback runs after subscribing), so that a change between the read and the wait is
 * not missed.
 */
export async function waitForChange(
  storage: AsyncStorage,
  kind: Kind,
  key: string,
  timeoutMs: number,
  ready?: () => Promise<boolean>,
): Promise<boolean> {
  let unsubscribe = () => {};
  let timer: ReturnType<typeof setTimeout> | undefined;
  const changed = new Promise<boolean>((resolve) => {
    unsubscribe = storage.onChange((k, id) => {
      if (k === kind && id === key) resolve(true);
    });
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    if (ready && (await ready())) return true;
    return await changed;
  } finally {
    unsubscribe();
    clearTimeout(timer);
  }
}
