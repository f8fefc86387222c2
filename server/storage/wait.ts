/**
 * Waiting for a record to change, in whichever process the change is made: the phone waiting for the PC to pick
 * up its sign-in, the PC waiting for the phone, the protected page waiting for a sign-out. No polling loop: the
 * storage announces changes (SQLite in this process, PostgreSQL through NOTIFY).
 */
import type { Kind, Storage } from './types.ts';

/**
 * Waits until `kind`/`key` changes or `timeoutMs` passes; true on a change. Subscribe before reading the state the
 * wait depends on (the `ready` callback runs after subscribing), so that a change between the read and the wait is
 * not missed.
 */
export async function waitForChange(
  storage: Storage,
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

/**
 * Waits until `condition` holds, re-checking it whenever `kind`/`key` changes, for at most `ms` (real time); false on
 * timeout or once `signal` aborts (the client went away, the server is closing).
 */
export async function waitUntil(
  storage: Storage,
  kind: Kind,
  key: string,
  condition: () => Promise<boolean>,
  ms: number,
  signal?: AbortSignal,
): Promise<boolean> {
  const end = Date.now() + ms;
  const aborted = new Promise<false>((resolve) =>
    signal?.addEventListener('abort', () => resolve(false), { once: true }),
  );
  while (!signal?.aborted) {
    const left = end - Date.now();
    if (left <= 0) return false;
    const changed = await Promise.race([waitForChange(storage, kind, key, left, condition), aborted]);
    // a change that does not make the condition true (another field of the record) waits on
    if (signal?.aborted || !changed) return false;
    if (await condition()) return true;
  }
  return false;
}
