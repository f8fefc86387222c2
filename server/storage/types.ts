/**
 * The server's storage interface: typed records by kind and key, each with an optional expiry, like the
 * record store of Milagro's RPS. Small on purpose, so that a multi-instance deployment can put the shared
 * state (registrations, attempt counters, access numbers, pass-1 records, sessions) in PostgreSQL by
 * implementing these few methods. The SQLite implementation (sqlite.ts) is the embedded default.
 */

import type { PcContext } from '../rps/pc-context.ts';

/** Every kind of record the server keeps, with the shape of its value. */
export interface RecordKinds {
  /** PUT /rps/user until the signature is fetched (single use). */
  registration: {
    mpinId: string;
    userId: string;
    regOTT: string;
    activateKey: string | null;
    mobile: 0 | 1;
    deviceName: string;
    expireTime: string;
  };
  /** Pass-1 values, 15 s. */
  pass1: { u: string; ut: string | null; y: string };
  /** An authentication result awaiting /authenticate: keyed by authOTT. */
  auth: { mpinId: string; userId: string; ok: boolean; wid: string; date: number; claimed: boolean };
  /** An access number (keyed by the number), and its poll handle (webOTT → number). */
  access: {
    webOTT: string;
    /** 'user': a proven identity is signing in (userId); 'refused': "This wasn't me" on the phone (also used). */
    status: 'new' | 'user' | 'refused' | 'authenticate';
    userId: string;
    authOTT: string;
    /** The phone's result: 200, 401, 410… 0 while pending. */
    authStatus: number;
    message: string;
    logoutURL: string;
    logoutData: Record<string, string> | null;
    browserReady: boolean;
    used: boolean;
    /** The computer that asked for the number, told to the phone at its check (absent on older records). */
    pc?: PcContext;
  };
  webott: { wid: string };
  /** Wrong PINs in a row, per mpin_id; never expires. */
  attempts: { count: number };
  /** Revoked user ids and mpin_ids (key), with when and why. */
  revoked: { reason: string };
  /**
   * The RPS's device key of an identity, per mpin_id: SHA-256 of the key the client sent at registration, pending
   * (expiring with the registration) until the client fetched its share, then kept. It proves a "user" claim.
   */
  devicekey: { hash: string; registered: boolean };
  /** Registered devices, per mpin_id: the RP's record of device names (setDeviceName). */
  device: { userId: string; deviceName: string; mobile: 0 | 1 };
  /** The first D-TA's time permits cached by the RPS, key `${hashMpinId}/${day}`. */
  permit: { timePermit: string };
  /** Demo relying-party sessions, keyed by session id. */
  session: { userId: string | null; mpinId: string | null; loggedInAt: number | null };
  /** The built-in mailbox. */
  mail: { to: string; from: string; subject: string; text: string; html: string };
}

export type Kind = keyof RecordKinds;

export interface StoredRecord<K extends Kind> {
  key: string;
  value: RecordKinds[K];
  created: number;
  expires: number | null;
}

/** Called after a record of `kind` and `key` was written or removed, by this process or (PostgreSQL) another. */
export type ChangeListener = (kind: Kind, key: string) => void;

/**
 * Every call returns a promise, so that the same server code runs on the embedded SQLite file and on a PostgreSQL
 * shared by several processes. A change to a record is announced to every listener (PostgreSQL: in every process,
 * through NOTIFY), so a request waiting on a record wakes wherever the change was made (`waitForChange`).
 */
export interface Storage {
  /** The value, or undefined when absent or expired. */
  get<K extends Kind>(kind: K, key: string): Promise<RecordKinds[K] | undefined>;
  /** Inserts or replaces; `expiresAt` in ms since the epoch, null for never. */
  put<K extends Kind>(kind: K, key: string, value: RecordKinds[K], expiresAt?: number | null): Promise<void>;
  /** Inserts only when no live record has that key; false when one does. */
  insert<K extends Kind>(kind: K, key: string, value: RecordKinds[K], expiresAt?: number | null): Promise<boolean>;
  /**
   * Applies `change` to the live record atomically (no other process can change it in between) and keeps its
   * expiry; undefined when absent. `change` must be synchronous and free of side effects: it may run again.
   */
  update<K extends Kind>(
    kind: K,
    key: string,
    change: (value: RecordKinds[K]) => RecordKinds[K],
  ): Promise<RecordKinds[K] | undefined>;
  /** Removes and returns the live record, to exactly one caller: the primitive behind every single-use token. */
  take<K extends Kind>(kind: K, key: string): Promise<RecordKinds[K] | undefined>;
  delete(kind: Kind, key: string): Promise<boolean>;
  /** Live records of a kind, newest first. */
  list<K extends Kind>(kind: K, limit?: number): Promise<StoredRecord<K>[]>;
  /** Expiry time of a live record (ms), null for never, undefined when absent. */
  expiresAt(kind: Kind, key: string): Promise<number | null | undefined>;
  purgeExpired(): Promise<number>;
  /** Subscribes to changes; returns the function that unsubscribes. */
  onChange(listener: ChangeListener): () => void;
  close(): Promise<void>;
}
