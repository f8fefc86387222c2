/**
 * Text that came from a request and is kept: user ids, device names, relying-party messages. Such text is later
 * written into e-mails, the server's console and the administrator's terminal, where a control character is not
 * text but a command (ESC starts terminal escape sequences, a newline forges a log line or an e-mail header-like
 * line, the 8-bit C1 CSI is ESC [ on some terminals) and a bidi override makes "moc.elpmaxe@eve" read as
 * something else. So every stored string refuses them on the way in (`storedText`, `hasUnsafeChars`), and what
 * is printed to a terminal is escaped on the way out (`terminalSafe`), for rows stored before that rule existed.
 */
import { z } from 'zod';

/**
 * C0 controls and DEL, C1 controls, the Unicode line and paragraph separators (line breaks to some readers),
 * and the bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069).
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'g');

/** True when `s` holds a character that must not be stored (see UNSAFE). */
export function hasUnsafeChars(s: string): boolean {
  return UNSAFE.test(s);
}

/** `s` with every unsafe character shown as a visible \uXXXX escape, so that printing it cannot steer a terminal. */
export function terminalSafe(s: string): string {
  return s.replace(UNSAFE_ALL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A request string the server keeps and later shows (e-mail, console, admin terminal): at most `max`, nothing unsafe. */
export const storedText = (max: number, what: string) =>
  z
    .string()
    .max(max)
    .refine((s) => !hasUnsafeChars(s), `${what} has control or bidi characters`);

/** A request string of hex digit pairs (an mpin_id, a key), at most `max` characters. */
export const hexString = (what: string, max: number) =>
  z
    .string()
    .min(2)
    .max(max)
    .regex(/^(?:[0-9a-fA-F]{2})+$/, `${what} must be hex`);
