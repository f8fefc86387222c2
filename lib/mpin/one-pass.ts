/**
 * One-pass M-Pin (AMCL GET_Y, CLIENT, SERVER): instead of waiting for the server's random y, the
 * client derives y = SHA-256(time ‖ UT) mod r (U when time permits are off) from the current Unix
 * time, and sends U, UT and V in one message; the server recomputes y from the same time value,
 * which it must check is recent.
 * @module
 */
import type { BnCurve } from './bn-curve.ts';
import type { Codec } from './codec.ts';
import type { Hashing } from './hash.ts';
import { MAX_UINT32 } from './hash.ts';
import { assertBytes, assertInt, bytesToBigInt } from './bytes.ts';
import type { Client1Input } from './client.ts';

export interface OnePassClientInput extends Client1Input {
  /** Unix time in seconds. */
  timeValue: number;
}

export interface OnePassServerInput {
  mpinId: Uint8Array;
  date: number;
  timeValue: number;
  serverSecret: Uint8Array;
  u?: Uint8Array;
  ut?: Uint8Array;
  v: Uint8Array;
}

interface Parts {
  client1: (input: Client1Input) => { x: Uint8Array; sec: Uint8Array; u: Uint8Array; ut?: Uint8Array };
  client2: (x: Uint8Array, y: Uint8Array, sec: Uint8Array) => Uint8Array;
  server1: (mpinId: Uint8Array, date: number) => { hid: Uint8Array; htid?: Uint8Array };
  server2: (input: {
    date: number;
    hid?: Uint8Array;
    htid?: Uint8Array;
    y: Uint8Array;
    serverSecret: Uint8Array;
    u?: Uint8Array;
    ut?: Uint8Array;
    v: Uint8Array;
  }) => boolean;
}

export function createOnePass(curve: BnCurve, codec: Codec, hashing: Hashing, parts: Parts) {
  /** AMCL GET_Y: the challenge from the time value and the client's point. */
  function getY(timeValue: number, point: Uint8Array): Uint8Array {
    assertInt(timeValue, 'timeValue', 0, MAX_UINT32);
    assertBytes(point, 'point');
    return codec.scalarToBytes(bytesToBigInt(hashing.hashit(timeValue, point)) % curve.r);
  }

  function clientOnePass(input: OnePassClientInput) {
    assertInt(input.timeValue, 'timeValue', 0, MAX_UINT32);
    const pass1 = parts.client1(input);
    const y = getY(input.timeValue, input.date ? pass1.ut! : pass1.u);
    return { x: pass1.x, u: pass1.u, ut: pass1.ut, y, v: parts.client2(pass1.x, y, pass1.sec) };
  }

  function serverOnePass(input: OnePassServerInput): boolean {
    const { hid, htid } = parts.server1(input.mpinId, input.date);
    const point = input.date ? input.ut : input.u;
    const y = getY(input.timeValue, point ?? new Uint8Array(0));
    return parts.server2({ ...input, hid, htid, y });
  }

  return { getY, clientOnePass, serverOnePass };
}
