/**
 * What the phone is told about the computer that asked for an access number, so that the user can tell their own
 * computer from an attacker's relaying the number (a phishing page shows the victim a number that the attacker's
 * computer requested): the browser and operating system from its User-Agent, its IP address, and when it asked.
 * The User-Agent is the computer's own claim; the IP address is what this server saw.
 */
import Bowser from 'bowser';

export interface PcContext {
  /** Browser name, e.g. "Chrome", "Firefox", "Safari"; "" when the User-Agent says nothing usable. */
  browser: string;
  /** Operating system name, e.g. "Windows", "macOS", "Android"; "" when unknown. */
  os: string;
  /** The address the request came from (after the trusted proxy, if one is configured). */
  ip: string;
  /** When the number was requested, ms since the epoch. */
  requestedAt: number;
}

/** Names are shown in trusted extension UI: keep them short and printable whatever the User-Agent holds. */
const clean = (name: string | undefined) =>
  (name ?? '')
    .replace(/[^\p{L}\p{N} ._-]/gu, '')
    .slice(0, 40)
    .trim();

export function pcContext(userAgent: string | undefined, ip: string, requestedAt: number): PcContext {
  const ua = String(userAgent ?? '').slice(0, 512);
  // bowser refuses an empty string; a missing User-Agent simply tells the phone nothing
  const parsed = ua.trim() === '' ? undefined : Bowser.parse(ua);
  return {
    browser: clean(parsed?.browser.name),
    os: clean(parsed?.os.name),
    ip: ip.slice(0, 64),
    requestedAt,
  };
}
