/**
 * A factory for the BN curves that Apache Milagro's AMCL uses for M-Pin, built on the abstract
 * modules of @noble/curves 2.4.0 (pinned exactly: the final exponentiation below calls the tower's
 * semi-internal `_cyclotomicSquare` / `_cyclotomicExp`).
 *
 * AMCL's BN curves share one shape, which is not the shape of noble's `bn254` (Ethereum's alt_bn128):
 * - negative seed u; E: y² = x³ + b over Fp, G1 generator (−1, 1), cofactor 1;
 * - Fp2 = Fp[i]/(i²+1), sextic non-residue ξ = 1+i, and a D-type ("divisive") twist
 *   E′: y² = x³ + b/ξ; AMCL's tower FP4 = FP2[s]/(s²−ξ), FP12 = FP4[t]/(t³−s) is the same field
 *   as noble's Fp6 = Fp2[v]/(v³−ξ), Fp12 = Fp6[w]/(w²−v), with t = w;
 * - optimal ate pairing with loop |6u+2| and the R-ate fixup lines for u < 0, then AMCL's final
 *   exponentiation, so that GT values are the very elements AMCL computes.
 * See docs/bn254cx-on-noble.md for how each choice was checked.
 * @module
 */
import { blsBasic, type BlsCurvePair, type BlsPostPrecomputeFn } from '@noble/curves/abstract/bls.js';
import { Field } from '@noble/curves/abstract/modular.js';
import { psiFrobenius, tower12, type Fp12, type Fp2 } from '@noble/curves/abstract/tower.js';
import { weierstrass, type WeierstrassPoint, type WeierstrassPointCons } from '@noble/curves/abstract/weierstrass.js';

export type { Fp12, Fp2 };
export type G1Point = WeierstrassPoint<bigint>;
export type G2Point = WeierstrassPoint<Fp2>;

/** The parameters that tell one AMCL BN curve from another (all from AMCL's ROM files). */
export interface BnCurveParams {
  name: string;
  /** The BN seed u; must be negative (AMCL `SIGN_OF_X = NEGATIVEX`), as for every curve here. */
  u: bigint;
  p: bigint;
  r: bigint;
  /** b of E: y² = x³ + b. */
  b: bigint;
  /** G2 generator: x = xa + xb·i, y = ya + yb·i (AMCL `CURVE_Pxa` … `CURVE_Pyb`). */
  g2: { xa: bigint; xb: bigint; ya: bigint; yb: bigint };
}

export interface BnCurve {
  readonly name: string;
  readonly p: bigint;
  readonly r: bigint;
  readonly u: bigint;
  /** AMCL MODBYTES: bytes in one field element or scalar. */
  readonly fieldBytes: number;
  readonly G1: WeierstrassPointCons<bigint>;
  readonly G2: WeierstrassPointCons<Fp2>;
  readonly Fp2: BlsCurvePair['fields']['Fp2'];
  readonly Fp12: BlsCurvePair['fields']['Fp12'];
  readonly pairing: BlsCurvePair;
  /** AMCL FP12.toBytes order: a.A a.B b.A b.B c.A c.B, each Fp2 as real part then imaginary part. */
  gtToBytes(g: Fp12): Uint8Array;
}

export function createBnCurve(params: BnCurveParams): BnCurve {
  const { name, u, p, r, b } = params;
  if (u >= 0n) throw new Error(`${name}: only negative BN seeds are supported`);
  const uAbs = -u;
  const fieldBytes = Math.ceil(p.toString(16).length / 2);
  if (36n * u ** 4n + 36n * u ** 3n + 24n * u ** 2n + 6n * u + 1n !== p) throw new Error(`${name}: p does not match u`);
  if (36n * u ** 4n + 36n * u ** 3n + 18n * u ** 2n + 6n * u + 1n !== r) throw new Error(`${name}: r does not match u`);

  // Assigned once below: tower12 needs finalExponentiate, which needs the Fp12 that tower12 returns.
  // eslint-disable-next-line prefer-const
  let Fp12: ReturnType<typeof tower12>['Fp12'];
  // AMCL's BN hard part (Scott et al.), fed f^(−u) = f^|u| since u < 0: no conjugation here,
  // unlike noble's bn254 whose seed is positive.
  const powMinusU = (f: Fp12) => Fp12._cyclotomicExp(f, uAbs);
  const finalExponentiate = (m: Fp12): Fp12 => {
    // easy part: m^((p⁶−1)(p²+1))
    let f = Fp12.mul(Fp12.conjugate(m), Fp12.inv(m));
    f = Fp12.mul(Fp12.frobeniusMap(f, 2), f);
    // hard part: (p⁴−p²+1)/r
    const x0 = Fp12.frobeniusMap(Fp12.mul(Fp12.frobeniusMap(f, 2), Fp12.mul(Fp12.frobeniusMap(f, 1), f)), 1);
    const x1 = Fp12.conjugate(f);
    let x4 = powMinusU(f);
    const x3 = Fp12.frobeniusMap(x4, 1);
    let x2 = powMinusU(x4);
    const x5 = Fp12.conjugate(x2);
    let lv = powMinusU(x2);
    x2 = Fp12.frobeniusMap(x2, 1);
    x4 = Fp12.mul(x4, Fp12.conjugate(x2));
    x2 = Fp12.frobeniusMap(x2, 1);
    lv = Fp12.mul(lv, Fp12.frobeniusMap(lv, 1));
    lv = Fp12.mul(Fp12.mul(Fp12._cyclotomicSquare(lv), x4), x5);
    let t = Fp12.mul(Fp12.mul(x3, x5), lv);
    lv = Fp12.mul(lv, x2);
    t = Fp12.mul(Fp12._cyclotomicSquare(t), lv);
    t = Fp12._cyclotomicSquare(t);
    lv = Fp12._cyclotomicSquare(Fp12.mul(t, x1));
    return Fp12.mul(Fp12.mul(t, x0), lv);
  };

  const fields = tower12({
    ORDER: p,
    X_LEN: uAbs.toString(2).length,
    FP2_NONRESIDUE: [1n, 1n],
    Fp2mulByB: (n: Fp2) => fields.Fp2.mul(n, bTwist),
    Fp12finalExponentiate: finalExponentiate,
  });
  Fp12 = fields.Fp12;
  const { Fp, Fp2 } = fields;
  // b′ = b/ξ for the D-type twist
  const bTwist = Fp2.div(Fp2.fromBigTuple([b, 0n]), Fp2.NONRESIDUE);
  const frob = psiFrobenius(Fp, Fp2, Fp2.NONRESIDUE);
  const Fr = Field(r);
  const sixUSquared = 6n * u * u;

  const G1 = weierstrass({ p, n: r, h: 1n, a: 0n, b, Gx: p - 1n, Gy: 1n }, { Fp, Fn: Fr });
  const { xa, xb, ya, yb } = params.g2;
  const G2 = weierstrass(
    {
      p: Fp2.ORDER,
      n: r,
      h: 2n * p - r,
      a: Fp2.ZERO,
      b: bTwist,
      Gx: Fp2.fromBigTuple([xa, xb]),
      Gy: Fp2.fromBigTuple([ya, yb]),
    },
    // On G2, ψ acts as multiplication by p ≡ 6u² (mod r): a 127-bit check instead of [r]Q = 0.
    { Fp: Fp2, Fn: Fr, isTorsionFree: (c, Q) => Q.multiplyUnsafe(sixUSquared).equals(frob.G2psi(c, Q)) },
  );

  // R-ate fixup for u < 0: the accumulator gets conjugated afterwards, so add −πQ then +π²Q
  // (noble's bn254, with u > 0, adds πQ then −π²Q).
  const postPrecompute: BlsPostPrecomputeFn = (Rx, Ry, Rz, Qx, Qy, add) => {
    const q = frob.psi(Qx, Qy);
    ({ Rx, Ry, Rz } = add(Rx, Ry, Rz, q[0], Fp2.neg(q[1])));
    const q2 = frob.psi(q[0], q[1]);
    add(Rx, Ry, Rz, q2[0], q2[1]);
  };
  const pairing = blsBasic({ Fp, Fr, Fp2, Fp6: fields.Fp6, Fp12 }, G1, G2, {
    ateLoopSize: 6n * uAbs - 2n,
    xNegative: true,
    twistType: 'divisive',
    postPrecompute,
  });

  const fp = (x: bigint) => {
    const out = new Uint8Array(fieldBytes);
    for (let i = fieldBytes - 1; i >= 0; i--, x >>= 8n) out[i] = Number(x & 0xffn);
    return out;
  };
  const gtToBytes = (g: Fp12): Uint8Array => {
    const parts = [g.c0.c0, g.c1.c1, g.c1.c0, g.c0.c2, g.c0.c1, g.c1.c2];
    const out = new Uint8Array(12 * fieldBytes);
    parts.forEach((e, i) => {
      out.set(fp(e.c0), 2 * i * fieldBytes);
      out.set(fp(e.c1), (2 * i + 1) * fieldBytes);
    });
    return out;
  };

  return Object.freeze({ name, p, r, u, fieldBytes, G1, G2, Fp2, Fp12, pairing, gtToBytes });
}
