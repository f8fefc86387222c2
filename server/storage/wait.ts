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
