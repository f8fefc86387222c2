/**
 * The server side of M-Pin (AMCL SERVER_1, SERVER_2): accept iff e(V, Q)·e(y·HTID + UT, sQ) = 1,
 * where HTID = H(ID) + H_T(date, ID) and UT is the client's pass-1 value (H(ID) and U when time
 * permits are off). The pairing lines of Q and sQ depend only on the server secret, so
 * `createVerifier` computes them once and each check runs two Miller loops and one final
 * exponentiation; its `verifyBatch` runs those once for a whole batch of checks (batch.ts).
 * @module
 */
import type { BnCurve, Fp12, G1Point, G2Point } from './bn-curve.ts';
import type { Codec } from './codec.ts';
import type { Hashing } from './hash.ts';
import { MAX_UINT32 } from './hash.ts';
import { assertBytes, assertInt, fail, MpinInputError, toHex } from './bytes.ts';
import { createBatchCheck, type BatchOptions, type Pass2Item } from './batch.ts';
import { pinDistance } from './pin-error.ts';
import { randomBytes } from './random.ts';

export interface Server1Output {
  /** H(ID) as a G1 encoding. */
  hid: Uint8Array;
  /** H(ID) + H_T(date, ID); absent when date is 0. */
  htid?: Uint8Array;
}

export interface Pass2Values {
  /** Epoch day the client's time permit was for; 0 when time permits are off. */
  date: number;
  y: Uint8Array;
  u?: Uint8Array;
  ut?: Uint8Array;
  v: Uint8Array;
}

export interface Server2Input extends Pass2Values {
  hid?: Uint8Array;
  htid?: Uint8Array;
  serverSecret: Uint8Array;
}

export interface VerifyInput extends Pass2Values {
  mpinId: Uint8Array;
}

type Lines = ReturnType<BnCurve['pairing']['utils']['calcPairingPrecomputes']>;

/** Identities whose hashed points a verifier keeps (a few hundred bytes each). */
const IDENTITY_CACHE_SIZE = 10_000;

export function createServer(curve: BnCurve, codec: Codec, hashing: Hashing) {
  const { Fp12 } = curve;
  let linesOfQ: Lines | undefined;
  const qLines = () => (linesOfQ ??= curve.pairing.utils.calcPairingPrecomputes(curve.G2.BASE));

  function server1(mpinId: Uint8Array, date: number): Server1Output {
    assertBytes(mpinId, 'mpinId');
    assertInt(date, 'date', 0, MAX_UINT32);
    const hashedId = hashing.hashId(mpinId);
    const hid = hashing.hashIdToG1(hashedId);
    if (date === 0) return { hid: codec.g1ToBytes(hid) };
    return { hid: codec.g1ToBytes(hid), htid: codec.g1ToBytes(hid.add(hashing.timePermitPoint(date, hashedId))) };
  }

  /** The points of the check: the identity side (HID or HTID) and the client side (U or UT). */
  function pickPoints(date: number, idPoint: G1Point | undefined, input: Pass2Values): [G1Point, G1Point] {
    assertInt(date, 'date', 0, MAX_UINT32);
    if (!idPoint) fail(date ? 'htid is required when date is not 0' : 'hid is required when date is 0');
    const client = date ? input.ut : input.u;
    if (client === undefined) fail(date ? 'ut is required when date is not 0' : 'u is required when date is 0');
    return [idPoint, codec.g1FromBytes(client, date ? 'ut' : 'u')];
  }

  /** The pass-2 check with y and V decoded (y may be 0, as AMCL allows). */
  function pass2Item(idPoint: G1Point, clientPoint: G1Point, input: Pass2Values): Pass2Item {
    const y = codec.scalarFromBytes(input.y, 'y', { allowZero: true });
    const v = codec.g1FromBytes(input.v, 'v');
    return { id: idPoint, client: clientPoint, y, v };
  }

  /** e(V, Q)·e(y·ID + C, sQ): 1 for the right PIN; null when y·ID + C is the point at infinity. */
  function pass2Product(sQLines: Lines, idPoint: G1Point, clientPoint: G1Point, input: Pass2Values): Fp12 | null {
    return itemProduct(sQLines, pass2Item(idPoint, clientPoint, input));
  }

  function itemProduct(sQLines: Lines, { id: idPoint, client: clientPoint, y, v }: Pass2Item): Fp12 | null {
    const p = idPoint.multiplyUnsafe(y).add(clientPoint);
    // y·HTID + UT = O only for a forged UT; e(V,Q) = 1 would then need V = O, which never decodes
    if (p.is0()) return null;
    const va = v.toAffine();
    const pa = p.toAffine();
    const f = curve.pairing.millerLoopBatch([
      [qLines(), va.x, va.y],
      [sQLines, pa.x, pa.y],
    ]);
    return Fp12.finalExponentiate(f);
  }

  function check(sQLines: Lines, idPoint: G1Point, clientPoint: G1Point, input: Pass2Values): boolean {
    return checkItem(sQLines, pass2Item(idPoint, clientPoint, input));
  }

  function checkItem(sQLines: Lines, item: Pass2Item): boolean {
    const g = itemProduct(sQLines, item);
    return g !== null && Fp12.eql(g, Fp12.ONE);
  }

  /** AMCL SERVER_2 with explicit inputs: true when the PIN was right (AMCL 0), false otherwise (−19). */
  function server2(input: Server2Input): boolean {
    const sQ = codec.g2FromBytes(input.serverSecret, 'serverSecret');
    const idBytes = input.date ? input.htid : input.hid;
    const idPoint = idBytes === undefined ? undefined : codec.g1FromBytes(idBytes, input.date ? 'htid' : 'hid');
    const [id, client] = pickPoints(input.date, idPoint, input);
    return check(curve.pairing.utils.calcPairingPrecomputes(sQ), id, client, input);
  }

  /** A pass-2 checker bound to one server secret, with its pairing lines computed once. */
  function createVerifier(serverSecret: Uint8Array) {
    const sQ: G2Point = codec.g2FromBytes(serverSecret, 'serverSecret');
    const sQLines = curve.pairing.utils.calcPairingPrecomputes(sQ);
    qLines();

    // H(ID) and HTID of an identity are the same all day, and hashing to G1 (try-and-increment, twice) is a good
    // part of a check once the pairing is shared by a batch: keep the most recent ones. Only public values.
    const identities = new Map<string, { hid: G1Point; id: G1Point }>();
    const identity = (input: VerifyInput) => {
      assertBytes(input.mpinId, 'mpinId');
      assertInt(input.date, 'date', 0, MAX_UINT32);
      const cacheKey = `${input.date}/${toHex(input.mpinId)}`;
      const cached = identities.get(cacheKey);
      if (cached) return cached;
      const hashedId = hashing.hashId(input.mpinId);
      const hid = hashing.hashIdToG1(hashedId);
      const points = { hid, id: input.date ? hid.add(hashing.timePermitPoint(input.date, hashedId)) : hid };
      if (identities.size >= IDENTITY_CACHE_SIZE) identities.delete(identities.keys().next().value!);
      identities.set(cacheKey, points);
      return points;
    };
    const batchCheck = createBatchCheck(curve, qLines(), sQLines, (item) => checkItem(sQLines, item));

    return {
      /** True when the PIN was right (AMCL SERVER_2 returning 0). */
      verify(input: VerifyInput): boolean {
        const [idPoint, client] = pickPoints(input.date, identity(input).id, input);
        return check(sQLines, idPoint, client, input);
      },
      /**
       * How far the PIN was off: entered PIN − registered PIN, 0 when it was right, null when the
       * difference is not a PIN difference (a forged or mismatched token). AMCL's SERVER_2 + KANGAROO
       * computes the same number; Milagro's RPS never used it (`pinError` is always 0 there).
       */
      pinError(input: VerifyInput): number | null {
        const { hid, id } = identity(input);
        const [idPoint, client] = pickPoints(input.date, id, input);
        const g = pass2Product(sQLines, idPoint, client, input);
        if (g === null) return null;
        if (Fp12.eql(g, Fp12.ONE)) return 0;
        if (input.u === undefined) fail('u is required to measure the PIN error');
        // With PIN error δ, V picks up −(x+y)·δ·H(ID), so g = e((x+y)·H(ID), Q)^(−δ) = F^(−δ),
        // and (x+y)·H(ID) = y·H(ID) + U.
        const y = codec.scalarFromBytes(input.y, 'y', { allowZero: true });
        const p = hid.multiplyUnsafe(y).add(codec.g1FromBytes(input.u, 'u'));
        if (p.is0()) return null;
        const pa = p.toAffine();
        const f = Fp12.finalExponentiate(curve.pairing.millerLoopBatch([[qLines(), pa.x, pa.y]]));
        const d = pinDistance(Fp12, g, f);
        return d === null ? null : -d;
      },
      /**
       * `verify` for many sign-ins at once: verdicts[i] is what verify(items[i]) returns, for two Miller
       * loops and one final exponentiation per batch (plus the work to find the bad items when there are
       * some) instead of per item. Every item is decoded and checked first, exactly as `verify` does; a
       * malformed one throws MpinInputError naming its index, before any weight is drawn or anything summed.
       * A batch of one is `verify` itself. How far a rejected PIN was off stays a per-item question:
       * `pinError(items[i])`. Soundness and cost: docs/protocol.md §3.7.
       */
      verifyBatch(items: readonly VerifyInput[], options: BatchOptions = {}): boolean[] {
        if (!Array.isArray(items)) fail('items: expected an array');
        if (typeof options !== 'object' || options === null) fail('options: expected an object');
        const random = options.random ?? randomBytes;
        if (typeof random !== 'function') fail('options.random: expected a function');
        const decoded = items.map((input: VerifyInput, i): Pass2Item => {
          try {
            if (typeof input !== 'object' || input === null) fail('expected an object');
            const [idPoint, client] = pickPoints(input.date, identity(input).id, input);
            return pass2Item(idPoint, client, input);
          } catch (e) {
            if (e instanceof MpinInputError) fail(`items[${i}]: ${e.message}`);
            throw e;
          }
        });
        return batchCheck(decoded, random);
      },
    };
  }

  return { server1, server2, createVerifier };
}
