/**
 * Batch verification of pass 2 (docs/protocol.md §3.7). The server's check of one sign-in is
 * gᵢ = e(Vᵢ, Q)·e(yᵢ·IDᵢ + Cᵢ, sQ) = 1, ID being HTID (or H(ID)) and C being UT (or U). With independent
 * random weights rᵢ, n checks fold into one:
 *
 *   Π gᵢ^rᵢ = e(Σ rᵢ·Vᵢ, Q) · e(Σ rᵢ·Cᵢ + Σ (rᵢ·yᵢ mod r)·IDᵢ, sQ) = 1,
 *
 * two multi-scalar multiplications, two Miller loops on the verifier's cached lines of Q and sQ, and one
 * final exponentiation for the whole batch. A batch that fails is cut in halves until every item has its
 * own verdict.
 *
 * Items arrive decoded: every point was checked by the codecs (on the curve, in G1, not infinity) before
 * it got here, and this module never sees bytes. Soundness depends on that (a point of small order could
 * cancel out for many weights); the argument is in docs/protocol.md.
 * @module
 */
import { mulAddUnsafe } from '@noble/curves/abstract/curve.js';
import type { BnCurve, Fp12, G1Point } from './bn-curve.ts';
import { assertBytes } from './bytes.ts';

/** One pass-2 check with its points decoded and validated: accept iff e(V, Q)·e(y·id + client, sQ) = 1. */
export interface Pass2Item {
  /** HTID = H(ID) + H_T(date, ID), or H(ID) when date is 0. */
  id: G1Point;
  /** UT, or U when date is 0. */
  client: G1Point;
  /** The challenge, in [0, r). */
  y: bigint;
  v: G1Point;
}

/** A source of uniformly random bytes: `length` in, exactly `length` bytes out. */
export type RandomBytes = (length: number) => Uint8Array;

export interface BatchOptions {
  /**
   * Where the weights come from. Defaults to `randomBytes` of lib/mpin/random.ts (crypto.getRandomValues);
   * only tests pass another source, to see when and how much is drawn or to show what fixed weights let
   * through. A predictable source makes the batch unsound: never pass one in production.
   */
  random?: RandomBytes;
}

type Lines = ReturnType<BnCurve['pairing']['utils']['calcPairingPrecomputes']>;

/** Bytes per weight: rᵢ = 1 + (8 random bytes), uniform over [1, 2⁶⁴], so never 0 and always below r. */
const WEIGHT_BYTES = 8;
/** randomBytes gives at most 65536 bytes per call. */
const WEIGHTS_PER_DRAW = 65536 / WEIGHT_BYTES;

/** n independent weights, each uniform over the 2⁶⁴ values [1, 2⁶⁴]. */
export function drawWeights(n: number, random: RandomBytes): bigint[] {
  const weights: bigint[] = [];
  while (weights.length < n) {
    const count = Math.min(n - weights.length, WEIGHTS_PER_DRAW);
    const bytes = random(count * WEIGHT_BYTES);
    assertBytes(bytes, 'random()', count * WEIGHT_BYTES);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < count; i++) weights.push(1n + view.getBigUint64(i * WEIGHT_BYTES));
  }
  return weights;
}

/**
 * The batch check bound to one server secret: `qLines` and `sQLines` are the verifier's cached pairing
 * lines, and `single` is the verifier's own one-item check, used as is for a batch of one.
 */
export function createBatchCheck(curve: BnCurve, qLines: Lines, sQLines: Lines, single: (item: Pass2Item) => boolean) {
  const { Fp12, G1, r } = curve;

  /** Verdicts in item order: true exactly where `single` would say true (see the module comment). */
  return function batchCheck(items: readonly Pass2Item[], random: RandomBytes): boolean[] {
    const n = items.length;
    if (n === 0) return [];
    if (n === 1) return [single(items[0]!)];

    // Drawn only now, after every item was decoded: the weights must not exist before the proofs do.
    const w = drawWeights(n, random);
    // y·ID goes into the same multi-scalar multiplication as C, with the weight folded in: rᵢ·yᵢ mod r.
    const wy = items.map((item, i) => (w[i]! * item.y) % r);
    const verdicts = new Array<boolean>(n).fill(false);

    /** Π gᵢ^rᵢ over items [lo, hi), an element of GT. */
    const product = (lo: number, hi: number): Fp12 => {
      const vs: G1Point[] = [];
      const vScalars: bigint[] = [];
      const cs: G1Point[] = [];
      const cScalars: bigint[] = [];
      for (let i = lo; i < hi; i++) {
        const item = items[i]!;
        vs.push(item.v);
        vScalars.push(w[i]!);
        cs.push(item.client, item.id);
        cScalars.push(w[i]!, wy[i]!);
      }
      // Interleaved wNAF (Straus): one doubling chain for all points, 65 doublings on the V side and 254 on
      // the other. At batch sizes a server uses it beats noble's Pippenger, whose buckets pay for every
      // window of every point (measured: docs/protocol.md §3.7).
      const sums = [
        [qLines, mulAddUnsafe(G1, vs, vScalars)],
        [sQLines, mulAddUnsafe(G1, cs, cScalars)],
      ] as const;
      // A sum at infinity pairs to 1 and has no affine form: leave it out of the Miller loop.
      const pairs: [Lines, bigint, bigint][] = [];
      for (const [lines, sum] of sums) {
        if (sum.is0()) continue;
        const { x, y } = sum.toAffine();
        pairs.push([lines, x, y]);
      }
      return pairs.length ? Fp12.finalExponentiate(curve.pairing.millerLoopBatch(pairs)) : Fp12.ONE;
    };

    /**
     * Gives items [lo, hi) their verdicts, g being their product. Only the left half is recomputed; the
     * right half's product is g / left, and in GT (unitary after the final exponentiation) dividing is
     * conjugating. A single item is exact: rᵢ is in [1, 2⁶⁴], so gᵢ^rᵢ = 1 only when gᵢ = 1, which is
     * `single`'s test (a y·ID + C at infinity leaves gᵢ = e(V, Q) ≠ 1, so false there too).
     */
    const settle = (lo: number, hi: number, g: Fp12): void => {
      if (Fp12.eql(g, Fp12.ONE)) {
        verdicts.fill(true, lo, hi);
        return;
      }
      if (hi - lo === 1) return; // stays false
      const mid = (lo + hi) >>> 1;
      const left = product(lo, mid);
      settle(lo, mid, left);
      settle(mid, hi, Fp12.mul(g, Fp12.conjugate(left)));
    };

    settle(0, n, product(0, n));
    return verdicts;
  };
}
