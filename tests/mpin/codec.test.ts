// @vitest-environment node
// Milagro's byte layouts: G1 = 04 ‖ X ‖ Y (65 bytes), G2 = Xa ‖ Xb ‖ Ya ‖ Yb (128 bytes), scalars 32 bytes
// big-endian; and the hex helpers (lowercase out, either case in).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bn254cx, fromHex, mpin, MpinInputError, toHex } from '@/lib/mpin/index.ts';

const { G1, G2, r, p } = bn254cx;
const scalar = fc.bigInt(1n, r - 1n);
const be = (bytes: Uint8Array) => bytes.reduce((n, b) => (n << 8n) | BigInt(b), 0n);

describe('G1 codec', () => {
  it('round-trips random multiples of the generator, as 04 ‖ X ‖ Y', () => {
    fc.assert(
      fc.property(scalar, (k) => {
        const P = G1.BASE.multiply(k);
        const bytes = mpin.g1ToBytes(P);
        expect(bytes).toHaveLength(65);
        expect(bytes[0]).toBe(4);
        const { x, y } = P.toAffine();
        expect(be(bytes.subarray(1, 33))).toBe(x);
        expect(be(bytes.subarray(33, 65))).toBe(y);
        const back = mpin.g1FromBytes(bytes);
        expect(back.equals(P)).toBe(true);
        expect(mpin.g1ToBytes(back)).toEqual(bytes);
      }),
      { numRuns: 20 },
    );
  });

  it('encodes the generator (−1, 1) as 04 ‖ p−1 ‖ 1', () => {
    const hex = toHex(mpin.g1ToBytes(G1.BASE));
    expect(hex).toBe('04' + (p - 1n).toString(16).padStart(64, '0') + '1'.padStart(64, '0'));
    expect(mpin.g1Length).toBe(65);
  });

  it('refuses to encode the point at infinity or a G2 point', () => {
    expect(() => mpin.g1ToBytes(G1.ZERO)).toThrow(MpinInputError);
    expect(() => mpin.g1ToBytes(G2.BASE as never)).toThrow(MpinInputError);
  });
});

describe('G2 codec', () => {
  it('round-trips random multiples of the generator, as Xa ‖ Xb ‖ Ya ‖ Yb with no prefix', () => {
    fc.assert(
      fc.property(scalar, (k) => {
        const Q = G2.BASE.multiply(k);
        const bytes = mpin.g2ToBytes(Q);
        expect(bytes).toHaveLength(128);
        const { x, y } = Q.toAffine();
        expect([0, 1, 2, 3].map((i) => be(bytes.subarray(32 * i, 32 * i + 32)))).toEqual([x.c0, x.c1, y.c0, y.c1]);
        const back = mpin.g2FromBytes(bytes);
        expect(back.equals(Q)).toBe(true);
        expect(mpin.g2ToBytes(back)).toEqual(bytes);
      }),
      { numRuns: 10 },
    );
  });

  it('encodes the generator as the AMCL ROM coordinates', () => {
    expect(toHex(mpin.g2ToBytes(G2.BASE))).toBe(
      '19682d2c7053b256358b2500f5c34bbb907c85bfa03e2726c0851ceee4d2ec74' +
        '1466b9ec3e19f64aa011c937a8e99743f81b97b0c209c30f47a58e8b2e29cfe1' +
        '0a79edd972332b8dd81e22157daee2096361b33d847ec1b30cfbfcebcf0be09f' +
        '06160c39ecc4c09035c6e4512d8d3461c2864ea569d2edebed904b228898ee9d',
    );
    expect(mpin.g2Length).toBe(128);
  });

  it('refuses to encode the point at infinity or a G1 point', () => {
    expect(() => mpin.g2ToBytes(G2.ZERO)).toThrow(MpinInputError);
    expect(() => mpin.g2ToBytes(G1.BASE as never)).toThrow(MpinInputError);
  });
});

describe('scalar codec', () => {
  it('round-trips every scalar in [1, r) as 32 big-endian bytes', () => {
    fc.assert(
      fc.property(scalar, (k) => {
        const bytes = mpin.scalarToBytes(k);
        expect(bytes).toHaveLength(32);
        expect(be(bytes)).toBe(k);
        expect(mpin.scalarFromBytes(bytes)).toBe(k);
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips the edges 1 and r − 1, and 0 when allowed', () => {
    for (const k of [1n, 255n, 256n, r - 1n]) expect(mpin.scalarFromBytes(mpin.scalarToBytes(k))).toBe(k);
    expect(mpin.scalarToBytes(0n)).toEqual(new Uint8Array(32));
    expect(mpin.scalarFromBytes(new Uint8Array(32), 'y', { allowZero: true })).toBe(0n);
    expect(mpin.scalarLength).toBe(32);
  });

  it('refuses to encode values outside [0, r)', () => {
    for (const k of [-1n, r, r + 1n, 1n << 256n]) expect(() => mpin.scalarToBytes(k)).toThrow(MpinInputError);
    expect(() => mpin.scalarToBytes(5 as never)).toThrow(MpinInputError);
  });
});

describe('hex', () => {
  it('toHex is lowercase and fromHex inverts it', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const hex = toHex(bytes);
        expect(hex).toMatch(/^[0-9a-f]*$/);
        expect(hex).toHaveLength(2 * bytes.length);
        expect(fromHex(hex)).toEqual(bytes);
      }),
      { numRuns: 300 },
    );
  });

  it('fromHex accepts uppercase and mixed case', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 100 }), (bytes) => {
        expect(fromHex(toHex(bytes).toUpperCase())).toEqual(bytes);
      }),
      { numRuns: 200 },
    );
    expect(fromHex('DeAdBeEf')).toEqual(Uint8Array.of(0xde, 0xad, 0xbe, 0xef));
    expect(toHex(Uint8Array.of(0xab, 0xcd, 0x0f))).toBe('abcd0f');
  });

  it('fromHex checks the length when asked to', () => {
    expect(fromHex('00ff', 'x', 2)).toEqual(Uint8Array.of(0, 255));
    expect(() => fromHex('00ff', 'x', 3)).toThrow(/x: expected 3 bytes/);
  });

  it('G1 and G2 encodings survive a trip through uppercase hex', () => {
    const P = G1.BASE.multiply(123456789n);
    const Q = G2.BASE.multiply(987654321n);
    expect(mpin.g1FromBytes(fromHex(toHex(mpin.g1ToBytes(P)).toUpperCase())).equals(P)).toBe(true);
    expect(mpin.g2FromBytes(fromHex(toHex(mpin.g2ToBytes(Q)).toUpperCase())).equals(Q)).toBe(true);
  });
});
