/**
 * The PIN factor. Milagro's clients turn the typed digits into an integer (JSL: "1234" → 1234) and AMCL
 * multiplies H(ID) by it with `pinmul`, a ladder over PBLEN = 14 bits, the same steps for every PIN.
 * Here a PIN must already be an integer in [0, 10000): four digits, no silent `% 10000`.
 * @module
 */
import type { G1Point } from './bn-curve.ts';
import { assertInt, assertString, fail } from './bytes.ts';

export const MAX_PIN = 10000;
/** Bits of the ladder: 2¹⁴ > MAX_PIN. */
export const PIN_BITS = 14;

export function assertPin(pin: unknown): asserts pin is number {
  assertInt(pin, 'pin', 0, MAX_PIN - 1);
}

/** Parses a PIN typed as exactly `length` decimal digits ("0042" → 42). */
export function pinFromDigits(digits: string, length = 4): number {
  assertString(digits, 'pin');
  assertInt(length, 'pin length', 1, 4);
  if (!new RegExp(`^[0-9]{${length}}$`).test(digits)) fail(`pin: expected exactly ${length} digits`);
  return Number(digits);
}

/** pin·P by a Montgomery ladder over PIN_BITS bits: one addition and one doubling per bit whatever the PIN. */
export function pinMul(point: G1Point, pin: number): G1Point {
  assertPin(pin);
  let r0 = point.add(point.negate()); // the identity, built without a branch on the PIN
  let r1 = point;
  for (let i = PIN_BITS - 1; i >= 0; i--) {
    if ((pin >>> i) & 1) {
      r0 = r0.add(r1);
      r1 = r1.double();
    } else {
      r1 = r0.add(r1);
      r0 = r0.double();
    }
  }
  return r0;
}
