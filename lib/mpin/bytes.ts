/**
 * Byte, hex and integer helpers for the M-Pin core, with the argument checks every public
 * function of lib/mpin relies on. Errors name the argument, so a caller sees which input was bad.
 * @module
 */
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';

export { concatBytes, utf8ToBytes };

/** Thrown for every invalid input to lib/mpin; `message` says which argument and why. */
export class MpinInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MpinInputError';
  }
}

export function fail(message: string): never {
  throw new MpinInputError(message);
}

/** Asserts `value` is a Uint8Array, of `length` bytes when given. */
export function assertBytes(value: unknown, title: string, length?: number): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) fail(`${title}: expected Uint8Array, got ${describe(value)}`);
  if (length !== undefined && value.length !== length) fail(`${title}: expected ${length} bytes, got ${value.length}`);
}

/** Asserts `value` is a safe integer in [min, max]. */
export function assertInt(value: unknown, title: string, min: number, max: number): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value))
    fail(`${title}: expected an integer, got ${describe(value)}`);
  if (value < min || value > max) fail(`${title}: expected ${min}..${max}, got ${value}`);
}

export function assertString(value: unknown, title: string): asserts value is string {
  if (typeof value !== 'string') fail(`${title}: expected a string, got ${describe(value)}`);
}

const HEX = /^(?:[0-9a-fA-F]{2})*$/;

/** Decodes hex (either case, as Milagro accepts); odd length or a non-hex character is an error. */
export function fromHex(hex: unknown, title = 'hex', length?: number): Uint8Array {
  assertString(hex, title);
  if (!HEX.test(hex)) fail(`${title}: expected an even number of hex digits`);
  const bytes = hexToBytes(hex.toLowerCase());
  if (length !== undefined && bytes.length !== length)
    fail(`${title}: expected ${length} bytes (${2 * length} hex digits), got ${bytes.length}`);
  return bytes;
}

/** Lowercase hex, as Milagro sends it on the wire. */
export function toHex(bytes: Uint8Array): string {
  assertBytes(bytes, 'bytes');
  return bytesToHex(bytes);
}

export function bytesToBigInt(bytes: Uint8Array): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
}

/** Big-endian, left-padded to `length` bytes. */
export function bigIntToBytes(n: bigint, length: number): Uint8Array {
  if (n < 0n || n >= 1n << BigInt(8 * length)) fail(`integer does not fit in ${length} bytes`);
  const out = new Uint8Array(length);
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return out;
}

/** 4-byte big-endian, as AMCL's hash `process_num`. */
export function uint32ToBytes(n: number): Uint8Array {
  return new Uint8Array([(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value instanceof Uint8Array) return `Uint8Array(${value.length})`;
  return Array.isArray(value) ? 'array' : typeof value;
}
