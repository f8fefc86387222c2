/**
 * The demo relying party's sessions. The browser holds a random secret in an HttpOnly, SameSite=Lax cookie;
 * the session record is stored (kind 'session') under the SHA-256 of that secret, the "session id". The id,
 * not the secret, is what travels as logoutData.sessionToken to the RPS and the phone, so a phone that may sign
 * the PC out can never become that session, and neither can someone who reads the database.
 * Sign-in always starts a new session (no session fixation). Sign-out deletes the record and wakes the
 * browser's /logoutWait long poll (in this process at once; other processes see it within a second or two).
 */
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RecordKinds, Storage } from '../storage/types.ts';
import { randomHex } from '../util/random.ts';

export const SESSION_COOKIE = 'mpin_demo_session';
/** How long a session lives on the server (the cookie itself is a browser-session cookie). */
export const SESSION_TTL_MS = 8 * 3600_000;

export type Session = RecordKinds['session'];

export function sessionIdOf(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** The value of cookie `name` in the request, if any. */
export function readCookie(req: FastifyRequest, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export class Sessions {
  private readonly waiters = new Map<string, Set<(signedOut: boolean) => void>>();

  constructor(
    private readonly storage: Storage,
    private readonly now: () => number,
    /** Whether cookies get `Secure` (the site is reached over https); asked per response. */
    private readonly secureCookie: () => boolean,
  ) {}

  /** The request's session (by its cookie), or undefined. */
  current(req: FastifyRequest): { id: string; value: Session } | undefined {
    const secret = readCookie(req, SESSION_COOKIE);
    if (!secret || !/^[0-9a-f]{64}$/.test(secret)) return undefined;
    const id = sessionIdOf(secret);
    const value = this.storage.get('session', id);
    return value ? { id, value } : undefined;
  }

  /** The signed-in session of the request, or undefined. */
  signedIn(req: FastifyRequest): { id: string; value: Session & { userId: string } } | undefined {
    const s = this.current(req);
    return s && s.value.userId ? (s as { id: string; value: Session & { userId: string } }) : undefined;
  }

  /** A fresh secret and its session id, before the session is stored (the id goes into logoutData first). */
  mint(): { secret: string; id: string } {
    const secret = randomHex(32);
    return { secret, id: sessionIdOf(secret) };
  }

  /** Stores a signed-in session under `id`, sets its cookie, and ends the request's previous session. */
  signIn(
    req: FastifyRequest,
    reply: FastifyReply,
    minted: { secret: string; id: string },
    userId: string,
    mpinId: string,
  ): void {
    const previous = this.current(req);
    if (previous && previous.id !== minted.id) this.end(previous.id);
    this.storage.put('session', minted.id, { userId, mpinId, loggedInAt: this.now() }, this.now() + SESSION_TTL_MS);
    reply.header('set-cookie', this.cookie(minted.secret, false));
  }

  /** Ends the request's own session and clears its cookie. */
  signOutRequest(req: FastifyRequest, reply: FastifyReply): void {
    const s = this.current(req);
    if (s) this.end(s.id);
    if (readCookie(req, SESSION_COOKIE) !== undefined) reply.header('set-cookie', this.cookie('', true));
  }

  /** Deletes session `id` and wakes its long polls. */
  end(id: string): void {
    this.storage.delete('session', id);
    const set = this.waiters.get(id);
    if (set) for (const wake of [...set]) wake(true);
  }

  /**
   * Resolves true once session `id` is no longer signed in, false after `timeoutMs` or when `cancel` fires
   * (the browser went away, the server is closing).
   */
  waitForSignOut(id: string, timeoutMs: number, onCancel: (cancel: () => void) => void): Promise<boolean> {
    return new Promise((resolve) => {
      let set = this.waiters.get(id);
      if (!set) this.waiters.set(id, (set = new Set()));
      const stillIn = () => Boolean(this.storage.get('session', id)?.userId);
      let done = false;
      const finish = (result: boolean) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        clearInterval(check);
        set.delete(wake);
        if (set.size === 0 && this.waiters.get(id) === set) this.waiters.delete(id);
        resolve(result);
      };
      const wake = (signedOut: boolean) => finish(signedOut);
      set.add(wake);
      const timer = setTimeout(() => finish(false), timeoutMs);
      // another server process may have ended it
      const check = setInterval(() => {
        if (!stillIn()) finish(true);
      }, 1500);
      onCancel(() => finish(false));
      if (!stillIn()) finish(true);
    });
  }

  /** Cancels every pending long poll (server shutdown). */
  cancelAll(): void {
    for (const set of [...this.waiters.values()]) for (const wake of [...set]) wake(false);
  }

  private cookie(secret: string, clear: boolean): string {
    const parts = [`${SESSION_COOKIE}=${secret}`, 'Path=/', 'HttpOnly', 'SameSite=Lax'];
    if (this.secureCookie()) parts.push('Secure');
    if (clear) parts.push('Max-Age=0');
    return parts.join('; ');
  }
}
