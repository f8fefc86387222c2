// @vitest-environment node
// BN254CX as lib/mpin builds it: the parameters from AMCL's ROM, the generators, the group orders,
// the pairing's bilinearity / non-degeneracy / order, and the G2 subgroup check.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bn254cx, mpin, MpinInputError } from '@/lib/mpin/index.ts';
import type { Fp2 } from '@/lib/mpin/bn-curve.ts';

const c = bn254cx;
const { G1, G2, Fp2: F2, Fp12 } = c;
const U = -0x4000000003c012b1n;
const P = 0x2400000008702a0db0bddf647a6366d3243fd6ee18093ee1be6623ef5c1b55b3n;
const R = 0x2400000008702a0db0bddf647a6366d2c43fd6ee0cc906cebe11c0a636eb1f6dn;
const G2X = [
  0x19682d2c7053b256358b2500f5c34bbb907c85bfa03e2726c0851ceee4d2ec74n,
  0x1466b9ec3e19f64aa011c937a8e99743f81b97b0c209c30f47a58e8b2e29cfe1n,
];
const G2Y = [
  0x0a79edd972332b8dd81e22157daee2096361b33d847ec1b30cfbfcebcf0be09fn,
  0x06160c39ecc4c09035c6e4512d8d3461c2864ea569d2edebed904b228898ee9dn,
];

const modPow = (b: bigint, e: bigint, m: bigint): bigint => {
  let r = 1n;
  b %= m;
  for (; e > 0n; e >>= 1n, b = (b * b) % m) if (e & 1n) r = (r * b) % m;
  return r;
};
/** [r]Q computed as [r−1]Q + Q: noble's multiply refuses the scalar r itself. */
const timesR = <T extends { multiplyUnsafe(k: bigint): T; add(o: T): T }>(Q: T): T => Q.multiplyUnsafe(R - 1n).add(Q);
const scalar = fc.bigInt(1n, R - 1n);

describe('BN254CX parameters', () => {
  it('matches the AMCL ROM values', () => {
    expect(c.name).toBe('BN254CX');
    expect(c.u).toBe(U);
    expect(c.p).toBe(P);
    expect(c.r).toBe(R);
    expect(c.fieldBytes).toBe(32);
  });

  it('derives p and r from u by the BN polynomials', () => {
    const u = U;
    expect(36n * u ** 4n + 36n * u ** 3n + 24n * u ** 2n + 6n * u + 1n).toBe(c.p);
    expect(36n * u ** 4n + 36n * u ** 3n + 18n * u ** 2n + 6n * u + 1n).toBe(c.r);
    // trace t = 6u² + 1: r = p + 1 − t
    expect(c.p + 1n - (6n * u * u + 1n)).toBe(c.r);
    expect(c.p.toString(2)).toHaveLength(254);
    expect(c.r.toString(2)).toHaveLength(254);
  });

  it('has p ≡ 3 (mod 4), indeed p ≡ 3 (mod 8)', () => {
    expect(c.p % 4n).toBe(3n);
    expect(c.p % 8n).toBe(3n);
  });

  it('p and r pass a Fermat test to several bases', () => {
    for (const a of [2n, 3n, 5n, 7n, 11n]) {
      expect(modPow(a, c.p - 1n, c.p)).toBe(1n);
      expect(modPow(a, c.r - 1n, c.r)).toBe(1n);
    }
  });

  it('G1 is y² = x³ + 2 with generator (−1, 1) = (p − 1, 1) on the curve', () => {
    expect(G1.CURVE().a).toBe(0n);
    expect(G1.CURVE().b).toBe(2n);
    const { x, y } = G1.BASE.toAffine();
    expect(x).toBe(c.p - 1n);
    expect(y).toBe(1n);
    expect((((x * x) % c.p) * x + 2n - y * y) % c.p).toBe(0n);
    expect(() => G1.BASE.assertValidity()).not.toThrow();
  });

  it('the twist is y² = x³ + (1 − i) and its generator is the one in AMCL ROM', () => {
    expect(F2.eql(G2.CURVE().b, F2.fromBigTuple([1n, c.p - 1n]))).toBe(true);
    // b′ = b/ξ with ξ = 1 + i
    expect(F2.eql(F2.mul(G2.CURVE().b, F2.fromBigTuple([1n, 1n])), F2.fromBigTuple([2n, 0n]))).toBe(true);
    const { x, y } = G2.BASE.toAffine();
    expect([x.c0, x.c1]).toEqual(G2X);
    expect([y.c0, y.c1]).toEqual(G2Y);
    const rhs = F2.add(F2.mul(F2.sqr(x), x), G2.CURVE().b);
    expect(F2.eql(F2.sqr(y), rhs)).toBe(true);
    expect(() => G2.BASE.assertValidity()).not.toThrow();
  });

  it('r·G1 = O and r·G2 = O, while (r − 1)·G = −G', () => {
    expect(timesR(G1.BASE).is0()).toBe(true);
    expect(timesR(G2.BASE).is0()).toBe(true);
    expect(G1.BASE.multiplyUnsafe(c.r - 1n).equals(G1.BASE.negate())).toBe(true);
    expect(G2.BASE.multiplyUnsafe(c.r - 1n).equals(G2.BASE.negate())).toBe(true);
    expect(G1.BASE.is0()).toBe(false);
    expect(G2.BASE.is0()).toBe(false);
  });

  it('G2 cofactor is 2p − r', () => {
    expect(G2.CURVE().h).toBe(2n * c.p - c.r);
  });
});

describe('pairing', () => {
  const e = (a: InstanceType<typeof G1>, b: InstanceType<typeof G2>) => c.pairing.pairing(a, b);
  const base = e(G1.BASE, G2.BASE);

  it('is non-degenerate: e(G1, G2) ≠ 1', () => {
    expect(Fp12.eql(base, Fp12.ONE)).toBe(false);
  });

  it('has order r: e(G1, G2)^r = 1', () => {
    expect(Fp12.eql(Fp12.pow(base, c.r), Fp12.ONE)).toBe(true);
    expect(Fp12.eql(Fp12.pow(base, c.r - 1n), Fp12.ONE)).toBe(false);
  });

  it('is bilinear: e(aP, bQ) = e(P, Q)^(ab)', () => {
    fc.assert(
      fc.property(scalar, scalar, (a, b) => {
        const lhs = e(G1.BASE.multiply(a), G2.BASE.multiply(b));
        expect(Fp12.eql(lhs, Fp12.pow(base, (a * b) % c.r))).toBe(true);
      }),
      { numRuns: 10 },
    );
  });

  it('moves scalars across: e(aP, Q) = e(P, aQ), and e(P + P′, Q) = e(P, Q)·e(P′, Q)', () => {
    fc.assert(
      fc.property(scalar, scalar, (a, b) => {
        const P1 = G1.BASE.multiply(a);
        const P2 = G1.BASE.multiply(b);
        expect(Fp12.eql(e(P1, G2.BASE), e(G1.BASE, G2.BASE.multiply(a)))).toBe(true);
        expect(Fp12.eql(e(P1.add(P2), G2.BASE), Fp12.mul(e(P1, G2.BASE), e(P2, G2.BASE)))).toBe(true);
      }),
      { numRuns: 4 },
    );
  });

  it('GT serialises to 384 bytes, and different GT elements serialise differently', () => {
    const a = c.gtToBytes(base);
    const b = c.gtToBytes(Fp12.sqr(base));
    expect(a).toHaveLength(384);
    expect(a).not.toEqual(b);
  });
});

describe('G2 subgroup check', () => {
  /** A point of the twist that is not in the order-r subgroup: x = k + i for the first k with x³ + b′ square. */
  function twistPointOutsideSubgroup() {
    for (let k = 1n; k < 1000n; k++) {
      const x: Fp2 = F2.fromBigTuple([k, 1n]);
      const rhs = F2.add(F2.mul(F2.sqr(x), x), G2.CURVE().b);
      let y: Fp2;
      try {
        y = F2.sqrt(rhs);
      } catch {
        continue; // not a square in Fp2
      }
      expect(F2.eql(F2.sqr(y), rhs)).toBe(true);
      const point = G2.fromAffine({ x, y }); // fromAffine does not validate
      if (!timesR(point).is0()) return { point, x, y };
    }
    throw new Error('no twist point found');
  }
  const { point, x, y } = twistPointOutsideSubgroup();
  const encoding = new Uint8Array(128); // Xa ‖ Xb ‖ Ya ‖ Yb, built by hand rather than by g2ToBytes
  [x.c0, x.c1, y.c0, y.c1].forEach((v, i) => {
    for (let j = 31; j >= 0; j--, v >>= 8n) encoding[32 * i + j] = Number(v & 0xffn);
  });

  it('the constructed point is on the twist but [r]Q ≠ O', () => {
    expect(point.is0()).toBe(false);
    expect(timesR(point).is0()).toBe(false);
    expect(point.isTorsionFree()).toBe(false);
  });

  it('assertValidity rejects it', () => {
    expect(() => point.assertValidity()).toThrow(/subgroup/);
  });

  it('g2FromBytes rejects its encoding with an MpinInputError about the subgroup', () => {
    let err: unknown;
    try {
      mpin.g2FromBytes(encoding);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MpinInputError);
    expect((err as Error).message).toMatch(/subgroup/);
  });

  it('the ψ-based check agrees with [r]Q = O on random subgroup points and random multiples of the bad point', () => {
    fc.assert(
      fc.property(fc.bigInt(1n, 1n << 64n), (k) => {
        const good = G2.BASE.multiplyUnsafe(k);
        expect(good.isTorsionFree()).toBe(true);
        // a small multiple of a point with a large non-r component keeps that component
        expect(point.multiplyUnsafe(k).isTorsionFree()).toBe(timesR(point.multiplyUnsafe(k)).is0());
      }),
      { numRuns: 6 },
    );
  });
});
