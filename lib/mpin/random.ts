/**
 * Randomness for the M-Pin core: only `crypto.getRandomValues` (Web Crypto, present in browsers,
 * service workers and Node), never Math.random. AMCL's own JS RNG was left unseeded by Milagro's
 * clients (docs/protocol.md §3.6); this module has no such state to forget.
 * @module
 */
import { assertInt, bytesToBigInt } from './bytes.ts';

interface RandomSource {
  getRandomValues<T extends ArrayBufferView>(array: T): T;
}

function source(): RandomSource {
  const c = (globalThis as { crypto?: RandomSource }).crypto;
  if (!c || typeof c.getRandomValues !== 'function') throw new Error('crypto.getRandomValues is not available');
  return c;
}

export function randomBytes(length: number): Uint8Array {
  assertInt(length, 'length', 1, 65536);
  return source().getRandomValues(new Uint8Array(length));
}

/** Uniform in [1, order): 64 extra bits before the reduction make the bias negligible (< 2⁻⁶⁴). */
export function randomBelow(order: bigint): bigint {
  const len = Math.ceil(order.toString(2).length / 8) + 8;
  for (;;) {
    const k = bytesToBigInt(randomBytes(len)) % order;
    if (k !== 0n) return k;
  }
}

/** A uniform integer in [0, bound), bound ≤ 2³², by rejection sampling (no modulo bias). */
export function randomInt(bound: number): number {
  assertInt(bound, 'bound', 1, 2 ** 32);
  const limit = 2 ** 32 - (2 ** 32 % bound);
  const buf = new Uint32Array(1);
  for (;;) {
    source().getRandomValues(buf);
    const v = buf[0]!;
    if (v < limit) return v % bound;
  }
}
