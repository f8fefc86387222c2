/**
 * The demo relying party's sessions. The browser holds a random secret in an HttpOnly, SameSite=Lax cookie;
 * the session record is stored (kind 'session') under the SHA-256 of that secret, the "session id". The id,
 * not the secret, is what travels as logoutData.sessionToken to the RPS and the phone, so a phone that may sign
 * the PC out can never become that session, and neither can someone who reads the database.
 * Sign-in always starts a new session (no session fixation). Sign-out deletes the record, which wakes the
 * browser's /logoutWait long poll at once, whichever server process it waits in.
 * Cookies are read and written by @fastify/cookie, which the demo site registers (site.ts). The secret is opaque and
 * random, so it needs no signature: a forged one names no stored session.
 */
import { createHash } from 'node:crypto';
import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RecordKinds, Storage } from '../storage/types.ts';
import { randomHex } from '../util/random.ts';
import { waitUntil } from '../storage/wait.ts';

export const SESSION_COOKIE = 'mpin_demo_session';
/** How long a session lives on the server (the cookie itself is a browser-session cookie). */
export const SESSION_TTL_MS = 8 * 3600_000;

export type Session = RecordKinds['session'];

export function sessionIdOf(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export class Sessions {
  /** Long polls in progress, so that a closing server can answer them at once. */
  private readonly cancels = new Set<AbortController>();

  constructor(
    private readonly storage: Storage,
    private readonly now: () => number,
    /** Whether cookies get `Secure` (the site is reached over https); asked per response. */
    private readonly secureCookie: () => boolean,
  ) {}

  /** The request's session (by its cookie), or undefined. */
  async current(req: FastifyRequest): Promise<{ id: string; value: Session } | undefined> {
    const secret = req.cookies[SESSION_COOKIE];
    if (!secret || !/^[0-9a-f]{64}$/.test(secret)) return undefined;
    const id = sessionIdOf(secret);
    const value = await this.storage.get('session', id);
    return value ? { id, value } : undefined;
  }

  /** The signed-in session of the request, or undefined. */
  async signedIn(req: FastifyRequest): Promise<{ id: string; value: Session & { userId: string } } | undefined> {
    const s = await this.current(req);
    return s && s.value.userId ? (s as { id: string; value: Session & { userId: string } }) : undefined;
  }

  /** A fresh secret and its session id, before the session is stored (the id goes into logoutData first). */
  mint(): { secret: string; id: string } {
    const secret = randomHex(32);
    return { secret, id: sessionIdOf(secret) };
  }

  /** Stores a signed-in session under `id`, sets its cookie, and ends the request's previous session. */
  async signIn(
    req: FastifyRequest,
    reply: FastifyReply,
    minted: { secret: string; id: string },
    userId: string,
    mpinId: string,
  ): Promise<void> {
    const previous = await this.current(req);
    if (previous && previous.id !== minted.id) await this.end(previous.id);
    await this.storage.put(
      'session',
      minted.id,
      { userId, mpinId, loggedInAt: this.now() },
      this.now() + SESSION_TTL_MS,
    );
    reply.setCookie(SESSION_COOKIE, minted.secret, this.cookieOptions());
  }

  /** Ends the request's own session and clears its cookie. */
  async signOutRequest(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const s = await this.current(req);
    if (s) await this.end(s.id);
    if (req.cookies[SESSION_COOKIE] !== undefined)
      reply.setCookie(SESSION_COOKIE, '', { ...this.cookieOptions(), maxAge: 0 });
  }

  /** Deletes session `id`; its long polls wake through the storage's change announcement, in any process. */
  async end(id: string): Promise<void> {
    await this.storage.delete('session', id);
  }

  /**
   * Resolves true once session `id` is no longer signed in, false after `timeoutMs` or when `cancel` fires
   * (the browser went away, the server is closing).
   */
  async waitForSignOut(id: string, timeoutMs: number, onCancel: (cancel: () => void) => void): Promise<boolean> {
    const ctrl = new AbortController();
    this.cancels.add(ctrl);
    onCancel(() => ctrl.abort());
    try {
      const signedOut = async () => !(await this.storage.get('session', id))?.userId;
      return await waitUntil(this.storage, 'session', id, signedOut, timeoutMs, ctrl.signal);
    } finally {
      this.cancels.delete(ctrl);
    }
  }

  /** Cancels every pending long poll (server shutdown). */
  cancelAll(): void {
    for (const ctrl of [...this.cancels]) ctrl.abort();
  }

  /** A browser-session cookie for the whole site, out of reach of scripts, not sent by other sites' subrequests. */
  private cookieOptions(): CookieSerializeOptions {
    return { path: '/', httpOnly: true, sameSite: 'lax', secure: this.secureCookie() };
  }
}
