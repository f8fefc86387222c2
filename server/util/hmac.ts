/**
 * HMAC-SHA256 as Milagro signs with it (`signMessage`): lowercase hex of HMAC(app_key, message as UTF-8),
 * and a constant-time check of a presented signature.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export function signMessage(message: string, key: string): string {
  return createHmac('sha256', key).update(message, 'utf8').digest('hex');
}

/** True when `signature` is the HMAC of `message`; compares in constant time whatever `signature` holds. */
export function verifySignature(message: string, signature: unknown, key: string): boolean {
  if (typeof signature !== 'string') return false;
  const expected = Buffer.from(signMessage(message, key), 'utf8');
  const given = Buffer.from(signature.toLowerCase(), 'utf8');
  if (given.length !== expected.length) return false;
  return timingSafeEqual(given, expected);
}

/** Constant-time comparison of two strings (OTTs, activation keys). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
