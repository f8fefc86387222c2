/**
 * Hashing into G1 as AMCL's MPIN does it.
 * - `hashit(n, B)` = SHA-256([n as 4 big-endian bytes, only when n > 0] ‖ B), right-aligned in MODBYTES.
 * - `mapToG1(h)` is AMCL `ECP.mapit`: x = h mod p, then x, x+1, … until x³+b is a non-zero square;
 *   y is the even square root (`setxi(x, 0)`). Cofactor 1 on BN curves, so no clearing.
 * - H(ID) = mapit(hashit(0, mpin_id)); the time-permit point is mapit(hashit(date, SHA-256(mpin_id))).
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js';
import type { BnCurve, G1Point } from './bn-curve.ts';
import { assertBytes, assertInt, bytesToBigInt, concatBytes, uint32ToBytes } from './bytes.ts';

/** Largest date or time value that fits AMCL's 4-byte hash prefix. */
export const MAX_UINT32 = 0xffffffff;

export function createHashing(curve: BnCurve) {
  const n = curve.fieldBytes;
  const Fp = curve.G1.Fp;
  const b = curve.G1.CURVE().b;
  // p ≡ 3 (mod 4) on every curve here, so one exponentiation gives the candidate root
  if (Fp.ORDER % 4n !== 3n) throw new Error(`${curve.name}: mapit needs p ≡ 3 (mod 4)`);
  const sqrtExponent = (Fp.ORDER + 1n) / 4n;

  function hashit(prefix: number, data: Uint8Array): Uint8Array {
    assertInt(prefix, 'hash prefix', 0, MAX_UINT32);
    assertBytes(data, 'hash input');
    const digest = sha256(prefix > 0 ? concatBytes(uint32ToBytes(prefix), data) : data);
    if (digest.length >= n) return digest.slice(0, n);
    const out = new Uint8Array(n);
    out.set(digest, n - digest.length);
    return out;
  }

  function mapToG1(h: Uint8Array): G1Point {
    assertBytes(h, 'hash', n);
    let x = Fp.create(bytesToBigInt(h));
    for (;;) {
      const rhs = Fp.add(Fp.mul(Fp.sqr(x), x), b);
      let y = Fp.pow(rhs, sqrtExponent);
      if (!Fp.is0(rhs) && Fp.eql(Fp.sqr(y), rhs)) {
        if (y & 1n) y = Fp.neg(y);
        return curve.G1.fromAffine({ x, y });
      }
      x = Fp.add(x, Fp.ONE);
    }
  }

  /** AMCL HASH_ID: SHA-256 of the mpin_id bytes (the D-TAs' only view of the user). */
  const hashId = (mpinId: Uint8Array): Uint8Array => {
    assertBytes(mpinId, 'mpinId');
    return hashit(0, mpinId);
  };

  /** H(ID), from the mpin_id's hash. */
  const hashIdToG1 = (hashedId: Uint8Array): G1Point => mapToG1(hashedId);

  /** H_T(date, ID), the point a time permit is issued on. */
  const timePermitPoint = (date: number, hashedId: Uint8Array): G1Point => {
    assertInt(date, 'date', 1, MAX_UINT32);
    assertBytes(hashedId, 'hashedId', n);
    return mapToG1(hashit(date, hashedId));
  };

  return { hashit, mapToG1, hashId, hashIdToG1, timePermitPoint };
}

export type Hashing = ReturnType<typeof createHashing>;
