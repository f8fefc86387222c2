/**
 * Measures a wrong PIN: finds d with |d| < MAX_PIN and g = f^d in GT, the discrete log that AMCL's
 * MPIN_KANGAROO looks for. A baby-step giant-step search does it here: the range is small (2·10⁴), so
 * about 2·√(2·10⁴) ≈ 280 multiplications in Fp12 settle it, deterministically, where the kangaroo walk
 * takes a similar number of steps but can miss.
 * @module
 */
import type { Fp12 } from './bn-curve.ts';
import { MAX_PIN } from './pin.ts';

interface Fp12Ops {
  ONE: Fp12;
  mul(a: Fp12, b: Fp12): Fp12;
  pow(a: Fp12, e: bigint): Fp12;
  eql(a: Fp12, b: Fp12): boolean;
  conjugate(a: Fp12): Fp12;
}

/** A cheap key for an Fp12 element; every hit is confirmed with a full comparison. */
const key = (a: Fp12) => a.c0.c0.c0 ^ (a.c1.c1.c1 << 1n);

/** d in (−MAX_PIN, MAX_PIN) with g = f^d, or null. g and f must lie in GT (unitary: inverse = conjugate). */
export function pinDistance(Fp12: Fp12Ops, g: Fp12, f: Fp12): number | null {
  const offset = MAX_PIN - 1; // search k = d + offset in [0, 2·offset]
  const span = 2 * offset + 1;
  const m = Math.ceil(Math.sqrt(span));
  const baby = new Map<bigint, number[]>();
  let e = Fp12.ONE;
  const steps: Fp12[] = [];
  for (let j = 0; j < m; j++) {
    const k = key(e);
    baby.set(k, [...(baby.get(k) ?? []), j]);
    steps.push(e);
    e = Fp12.mul(e, f);
  }
  const giantStep = Fp12.conjugate(e); // f^(−m)
  let w = Fp12.mul(g, Fp12.pow(f, BigInt(offset))); // f^k
  for (let i = 0; i * m < span; i++) {
    for (const j of baby.get(key(w)) ?? []) {
      const k = i * m + j;
      if (k < span && Fp12.eql(w, steps[j]!)) return k - offset;
    }
    w = Fp12.mul(w, giantStep);
  }
  return null;
}
