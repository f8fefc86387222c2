/**
 * The client side of M-Pin (AMCL EXTRACT_PIN, CLIENT_1, CLIENT_2).
 * - PIN setup: token = CS − pin·H(ID); the device keeps the token, the user keeps the PIN, and
 *   nothing on the device can tell a right PIN from a wrong one.
 * - Pass 1: SEC = token + pin·H(ID) (+ time permit), U = x·H(ID), UT = x·(H(ID) + H_T).
 * - Pass 2: V = −((x + y) mod r)·SEC, y being the server's challenge.
 * @module
 */
import type { BnCurve } from './bn-curve.ts';
import type { Codec } from './codec.ts';
import type { Hashing } from './hash.ts';
import { MAX_UINT32 } from './hash.ts';
import { assertBytes, assertInt, fail } from './bytes.ts';
import { pinMul } from './pin.ts';
import { randomBelow } from './random.ts';

export interface Client1Input {
  /** The mpin_id bytes (not hex, not hashed). */
  mpinId: Uint8Array;
  pin: number;
  token: Uint8Array;
  /** Epoch day of the time permit; 0 when time permits are off. */
  date: number;
  /** The recombined time permit for `date` (required unless date is 0). */
  timePermit?: Uint8Array;
  /** The secret x; random when omitted (tests pass one to replay vectors). */
  x?: Uint8Array;
}

export interface Client1Output {
  x: Uint8Array;
  /** Kept for pass 2 only, never stored. */
  sec: Uint8Array;
  u: Uint8Array;
  /** Present when a time permit was used. */
  ut?: Uint8Array;
}

export function createClient(curve: BnCurve, codec: Codec, hashing: Hashing) {
  const hashedIdPoint = (mpinId: Uint8Array) => hashing.hashIdToG1(hashing.hashId(mpinId));

  /** PIN setup: the token the device stores. */
  function extractPin(mpinId: Uint8Array, pin: number, clientSecret: Uint8Array): Uint8Array {
    assertBytes(mpinId, 'mpinId');
    const cs = codec.g1FromBytes(clientSecret, 'clientSecret');
    const token = cs.subtract(pinMul(hashedIdPoint(mpinId), pin));
    if (token.is0()) fail('extractPin: the token would be the point at infinity');
    return codec.g1ToBytes(token);
  }

  function client1(input: Client1Input): Client1Output {
    const { mpinId, pin, token, date, timePermit } = input;
    assertBytes(mpinId, 'mpinId');
    assertInt(date, 'date', 0, MAX_UINT32);
    const x = input.x === undefined ? randomBelow(curve.r) : codec.scalarFromBytes(input.x, 'x');
    const hashedId = hashing.hashId(mpinId);
    const hid = hashing.hashIdToG1(hashedId);
    let sec = codec.g1FromBytes(token, 'token').add(pinMul(hid, pin));
    const u = hid.multiply(x);
    let ut: Uint8Array | undefined;
    if (date !== 0) {
      if (timePermit === undefined) fail('client1: a time permit is required when date is not 0');
      sec = sec.add(codec.g1FromBytes(timePermit, 'timePermit'));
      ut = codec.g1ToBytes(u.add(hashing.timePermitPoint(date, hashedId).multiply(x)));
    }
    if (sec.is0()) fail('client1: SEC is the point at infinity');
    return { x: codec.scalarToBytes(x), sec: codec.g1ToBytes(sec), u: codec.g1ToBytes(u), ut };
  }

  /** Pass 2: V = −((x + y) mod r)·SEC. */
  function client2(x: Uint8Array, y: Uint8Array, sec: Uint8Array): Uint8Array {
    const k = (codec.scalarFromBytes(x, 'x') + codec.scalarFromBytes(y, 'y', { allowZero: true })) % curve.r;
    if (k === 0n) fail('client2: x + y is 0 mod r');
    return codec.g1ToBytes(codec.g1FromBytes(sec, 'sec').multiply(k).negate());
  }

  return { extractPin, client1, client2 };
}
