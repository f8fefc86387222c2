/**
 * One M-Pin instance per curve: the codecs, hashing, D-TA, client, server and one-pass operations of
 * AMCL's MPIN module, all taking and returning bytes in Milagro's encodings.
 * @module
 */
import type { BnCurve } from './bn-curve.ts';
import { createClient } from './client.ts';
import { createCodec } from './codec.ts';
import { createDta } from './dta.ts';
import { createHashing } from './hash.ts';
import { createOnePass } from './one-pass.ts';
import { createServer } from './server.ts';

export function createMpin(curve: BnCurve) {
  const codec = createCodec(curve);
  const hashing = createHashing(curve);
  const dta = createDta(curve, codec, hashing);
  const client = createClient(curve, codec, hashing);
  const server = createServer(curve, codec, hashing);
  const onePass = createOnePass(curve, codec, hashing, { ...client, ...server });
  return Object.freeze({ curve, ...codec, ...hashing, ...dta, ...client, ...server, ...onePass });
}

export type Mpin = ReturnType<typeof createMpin>;
