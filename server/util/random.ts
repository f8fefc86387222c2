/** Random tokens for the server: OTTs and ids, from crypto.getRandomValues (lib/mpin's source). */
import { randomBytes, toHex } from '../../lib/mpin/index.ts';

/** `bytes` random bytes as lowercase hex (Milagro's OTTs are 16 bytes: 32 hex digits). */
export function randomHex(bytes = 16): string {
  return toHex(randomBytes(bytes));
}
