/**
 * Byte codecs for M-Pin values, exactly as Apache Milagro (AMCL `toBytes` / `fromBytes`) lays them out:
 * G1 = 0x04 ‖ X ‖ Y, G2 = Xa ‖ Xb ‖ Ya ‖ Yb (no prefix byte; X = Xa + Xb·i), scalars big-endian,
 * each coordinate MODBYTES (32 for the BN254 curves) long.
 *
 * Decoding is where untrusted bytes enter the crypto, so it checks everything: length, prefix,
 * coordinates below p, the point on the curve and in the order-r subgroup, and not the point at
 * infinity. A bad input throws MpinInputError; it never yields a point.
 * @module
 */
import type { BnCurve, Fp2, G1Point, G2Point } from './bn-curve.ts';
import { assertBytes, bigIntToBytes, bytesToBigInt, concatBytes, fail } from './bytes.ts';

export interface ScalarOptions {
  /** Accept 0 (AMCL does for y and the one-pass hash); secrets such as x and master shares never allow it. */
  allowZero?: boolean;
}

export function createCodec(curve: BnCurve) {
  const n = curve.fieldBytes;
  const g1Length = 2 * n + 1;
  const g2Length = 4 * n;

  const coordinate = (bytes: Uint8Array, offset: number, title: string): bigint => {
    const v = bytesToBigInt(bytes.subarray(offset, offset + n));
    if (v >= curve.p) fail(`${title}: coordinate is not below the field prime`);
    return v;
  };

  function g1ToBytes(point: G1Point): Uint8Array {
    if (!(point instanceof curve.G1)) fail('g1ToBytes: expected a G1 point');
    if (point.is0()) fail('g1ToBytes: the point at infinity has no encoding');
    const { x, y } = point.toAffine();
    return concatBytes(Uint8Array.of(4), bigIntToBytes(x, n), bigIntToBytes(y, n));
  }

  function g1FromBytes(bytes: Uint8Array, title = 'G1 point'): G1Point {
    assertBytes(bytes, title, g1Length);
    if (bytes[0] !== 4) fail(`${title}: expected the uncompressed prefix 04`);
    const x = coordinate(bytes, 1, title);
    const y = coordinate(bytes, 1 + n, title);
    if (x === 0n && y === 0n) fail(`${title}: the point at infinity is not allowed`);
    try {
      const point = curve.G1.fromAffine({ x, y });
      point.assertValidity(); // cofactor 1: on the curve means in G1
      return point;
    } catch {
      fail(`${title}: not a point on ${curve.name}`);
    }
  }

  function g2ToBytes(point: G2Point): Uint8Array {
    if (!(point instanceof curve.G2)) fail('g2ToBytes: expected a G2 point');
    if (point.is0()) fail('g2ToBytes: the point at infinity has no encoding');
    const { x, y } = point.toAffine();
    return concatBytes(...[x.c0, x.c1, y.c0, y.c1].map((c) => bigIntToBytes(c, n)));
  }

  function g2FromBytes(bytes: Uint8Array, title = 'G2 point'): G2Point {
    assertBytes(bytes, title, g2Length);
    const [xa, xb, ya, yb] = [0, 1, 2, 3].map((i) => coordinate(bytes, i * n, title)) as [
      bigint,
      bigint,
      bigint,
      bigint,
    ];
    if (xa === 0n && xb === 0n && ya === 0n && yb === 0n) fail(`${title}: the point at infinity is not allowed`);
    const x: Fp2 = curve.Fp2.fromBigTuple([xa, xb]);
    const y: Fp2 = curve.Fp2.fromBigTuple([ya, yb]);
    // tell "not on the twist" from "not in the subgroup" for the message
    const onCurve = curve.Fp2.eql(
      curve.Fp2.sqr(y),
      curve.Fp2.add(curve.Fp2.mul(curve.Fp2.sqr(x), x), curve.G2.CURVE().b),
    );
    try {
      const point = curve.G2.fromAffine({ x, y });
      point.assertValidity();
      return point;
    } catch {
      fail(
        onCurve
          ? `${title}: not in the order-r subgroup of the twist`
          : `${title}: not a point on the ${curve.name} twist`,
      );
    }
  }

  function scalarToBytes(k: bigint): Uint8Array {
    if (typeof k !== 'bigint' || k < 0n || k >= curve.r) fail('scalarToBytes: expected an integer in [0, r)');
    return bigIntToBytes(k, n);
  }

  function scalarFromBytes(bytes: Uint8Array, title = 'scalar', opts: ScalarOptions = {}): bigint {
    assertBytes(bytes, title, n);
    const k = bytesToBigInt(bytes);
    if (k >= curve.r) fail(`${title}: not below the group order r`);
    if (k === 0n && !opts.allowZero) fail(`${title}: zero is not allowed`);
    return k;
  }

  return {
    g1Length,
    g2Length,
    scalarLength: n,
    g1ToBytes,
    g1FromBytes,
    g2ToBytes,
    g2FromBytes,
    scalarToBytes,
    scalarFromBytes,
  };
}

export type Codec = ReturnType<typeof createCodec>;
