/**
 * The D-TA side of M-Pin (AMCL RANDOM_GENERATE, GET_CLIENT_SECRET, GET_SERVER_SECRET,
 * GET_CLIENT_PERMIT, RECOMBINE_G1/G2). Each D-TA holds a master-secret share sᵢ and hands out
 * sᵢ·H(ID) (client secret), sᵢ·Q (server secret) and sᵢ·H_T(date, ID) (time permit); the client and
 * the RPS add the shares up, so no single D-TA knows s = s₁ + s₂.
 * @module
 */
import type { Codec } from './codec.ts';
import type { Hashing } from './hash.ts';
import type { BnCurve } from './bn-curve.ts';
import { assertBytes, fail } from './bytes.ts';
import { randomBelow } from './random.ts';

export function createDta(curve: BnCurve, codec: Codec, hashing: Hashing) {
  const share = (masterSecret: Uint8Array) => codec.scalarFromBytes(masterSecret, 'masterSecret');

  /** A fresh master-secret share, uniform in [1, r). */
  const randomMasterSecret = (): Uint8Array => codec.scalarToBytes(randomBelow(curve.r));

  /** sᵢ·H(ID); `hashedId` is SHA-256(mpin_id) (the D-TA never sees the identity itself). */
  function clientSecretShare(masterSecret: Uint8Array, hashedId: Uint8Array): Uint8Array {
    const s = share(masterSecret);
    assertBytes(hashedId, 'hashedId', codec.scalarLength);
    return codec.g1ToBytes(hashing.hashIdToG1(hashedId).multiply(s));
  }

  /** sᵢ·Q, Q the fixed G2 generator. */
  const serverSecretShare = (masterSecret: Uint8Array): Uint8Array =>
    codec.g2ToBytes(curve.G2.BASE.multiply(share(masterSecret)));

  /** sᵢ·H_T(date, ID): lets the identity authenticate on that epoch day (UTC) only. */
  function timePermitShare(masterSecret: Uint8Array, date: number, hashedId: Uint8Array): Uint8Array {
    const s = share(masterSecret);
    return codec.g1ToBytes(hashing.timePermitPoint(date, hashedId).multiply(s));
  }

  function recombineG1(a: Uint8Array, b: Uint8Array): Uint8Array {
    const sum = codec.g1FromBytes(a, 'first share').add(codec.g1FromBytes(b, 'second share'));
    if (sum.is0()) fail('recombineG1: the shares cancel out');
    return codec.g1ToBytes(sum);
  }

  function recombineG2(a: Uint8Array, b: Uint8Array): Uint8Array {
    const sum = codec.g2FromBytes(a, 'first share').add(codec.g2FromBytes(b, 'second share'));
    if (sum.is0()) fail('recombineG2: the shares cancel out');
    return codec.g2ToBytes(sum);
  }

  return { randomMasterSecret, clientSecretShare, serverSecretShare, timePermitShare, recombineG1, recombineG2 };
}
