/**
 * TEST ORACLE ONLY. A small typed wrapper around Apache Milagro's own JavaScript library,
 * `milagro-crypto-js` 3.3.0 (a devDependency), curve BN254CX with SHA-256: the reference that
 * lib/mpin is checked against byte for byte (tests/mpin/cross-milagro.test.ts) and timed against
 * (bench/). It must never be imported from lib/, entrypoints/ or server/: the product's M-Pin code
 * is lib/mpin, and this library is not shipped.
 *
 * Every value is a Uint8Array in Milagro's encodings (G1 = 04‖X‖Y, 65 bytes; G2 = Xa‖Xb‖Ya‖Yb,
 * 128 bytes; scalars 32 bytes big-endian), as in lib/mpin; the wrapper converts to and from the plain
 * number arrays that milagro-crypto-js takes. Functions that AMCL makes return a status code throw
 * MilagroError on anything but 0, except `server2` and `serverOnePass`, which return the code
 * itself: 0 (MILAGRO_OK) for a right PIN, −19 (MILAGRO_BAD_PIN) for a wrong one, and −14 / −11 for
 * an invalid point / missing argument.
 *
 * Randomness: each oracle owns one AMCL `RAND`, seeded from 128 bytes of crypto.getRandomValues
 * (an unseeded AMCL RAND is deterministic, docs/protocol.md §3.6).
 * @module
 */
import { createRequire } from 'node:module';

/** AMCL's own status codes (MPIN.OK is 0). */
export const MILAGRO_OK = 0;
export const MILAGRO_BAD_PARAMS = -11;
export const MILAGRO_INVALID_POINT = -14;
export const MILAGRO_BAD_PIN = -19;

/** A status AMCL's SERVER_2 / SERVER can return. */
export type MilagroServerResult =
  typeof MILAGRO_OK | typeof MILAGRO_BAD_PIN | typeof MILAGRO_INVALID_POINT | typeof MILAGRO_BAD_PARAMS;

export class MilagroError extends Error {
  constructor(
    readonly operation: string,
    readonly code: number,
  ) {
    super(`milagro-crypto-js ${operation} returned ${code}`);
    this.name = 'MilagroError';
  }
}

// ---- the parts of milagro-crypto-js used here (it ships no types) ----

type Bytes = number[];
type Out = number[];

interface AmclRand {
  clean(): void;
  seed(rawlen: number, raw: Bytes): void;
}

interface AmclMpin {
  SHA256: number;
  EFS: number;
  EGS: number;
  HASH_ID(sha: number, id: Bytes): Bytes;
  RANDOM_GENERATE(rng: AmclRand, s: Out): number;
  GET_CLIENT_SECRET(s: Bytes, hashedId: Bytes, cs: Out): number;
  GET_SERVER_SECRET(s: Bytes, sst: Out): number;
  GET_CLIENT_PERMIT(sha: number, date: number, s: Bytes, hashedId: Bytes, tp: Out): number;
  RECOMBINE_G1(a: Bytes, b: Bytes, r: Out): number;
  RECOMBINE_G2(a: Bytes, b: Bytes, r: Out): number;
  EXTRACT_PIN(sha: number, id: Bytes, pin: number, token: Bytes /* in and out */): number;
  CLIENT_1(
    sha: number,
    date: number,
    id: Bytes,
    rng: AmclRand | null,
    x: Bytes /* in when rng is null, out otherwise */,
    pin: number,
    token: Bytes,
    sec: Out,
    xId: Out | null,
    xcId: Out | null,
    permit: Bytes | null,
  ): number;
  CLIENT_2(x: Bytes, y: Bytes, sec: Bytes /* in: SEC, out: V */): number;
  SERVER_1(sha: number, date: number, id: Bytes, hid: Out, htid: Out | null): void;
  SERVER_2(
    date: number,
    hid: Bytes | null,
    htid: Bytes | null,
    y: Bytes,
    sst: Bytes,
    xId: Bytes | null,
    xcId: Bytes | null,
    v: Bytes,
    e: Out | null,
    f: Out | null,
  ): number;
  GET_Y(sha: number, timeValue: number, point: Bytes, y: Out): number;
  // Message and Pa must be left out (undefined), not null: CLIENT/SERVER read Message.length when null
  CLIENT(
    sha: number,
    date: number,
    id: Bytes,
    rng: AmclRand | null,
    x: Bytes,
    pin: number,
    token: Bytes,
    sec: Out /* out: V */,
    xId: Out | null,
    xcId: Out | null,
    permit: Bytes | null,
    timeValue: number,
    y: Out,
  ): number;
  SERVER(
    sha: number,
    date: number,
    hid: Out,
    htid: Out | null,
    y: Out,
    sst: Bytes,
    xId: Bytes | null,
    xcId: Bytes | null,
    v: Bytes,
    e: Out | null,
    f: Out | null,
    id: Bytes,
    timeValue: number,
  ): number;
}

interface AmclCtx {
  MPIN: AmclMpin;
  RAND: new () => AmclRand;
}

type AmclCtxConstructor = new (curve: string) => AmclCtx;

// ---- conversions ----

const toArray = (bytes: Uint8Array): Bytes => Array.from(bytes);
/** AMCL writes bytes as numbers; `& 0xff` keeps the conversion exact even for a signed byte. */
const toBytes = (array: Bytes): Uint8Array => Uint8Array.from(array, (b) => b & 0xff);

// ---- the oracle's API (mirrors lib/mpin's names and argument shapes) ----

export interface OracleClient1Input {
  /** The mpin_id bytes (not hex, not hashed). */
  mpinId: Uint8Array;
  /** AMCL reduces it mod 10000 itself. */
  pin: number;
  token: Uint8Array;
  /** Epoch day of the time permit; 0 when time permits are off. */
  date: number;
  /** The recombined time permit for `date` (required unless date is 0). */
  timePermit?: Uint8Array;
  /** The secret x; drawn by the oracle's RAND when omitted. */
  x?: Uint8Array;
}

export interface OracleClient1Output {
  x: Uint8Array;
  sec: Uint8Array;
  /** U = x·H(ID). */
  u: Uint8Array;
  /** UT = x·(H(ID) + H_T(date, ID)); present when date is not 0. */
  ut?: Uint8Array;
}

export interface OracleServer2Input {
  date: number;
  /** H(ID), from server1; used when date is 0. */
  hid?: Uint8Array;
  /** H(ID) + H_T, from server1; used when date is not 0. */
  htid?: Uint8Array;
  y: Uint8Array;
  serverSecret: Uint8Array;
  u?: Uint8Array;
  ut?: Uint8Array;
  v: Uint8Array;
}

export interface OracleOnePassClientInput extends OracleClient1Input {
  /** Unix time in seconds. */
  timeValue: number;
}

export interface OracleOnePassClientOutput {
  x: Uint8Array;
  /** Present when date is 0 only: with a date, AMCL's CLIENT does not output U. */
  u?: Uint8Array;
  /** Present when date is not 0. */
  ut?: Uint8Array;
  /** y = GET_Y(timeValue, U or UT). */
  y: Uint8Array;
  v: Uint8Array;
}

export interface OracleOnePassServerInput {
  mpinId: Uint8Array;
  date: number;
  timeValue: number;
  serverSecret: Uint8Array;
  u?: Uint8Array;
  ut?: Uint8Array;
  v: Uint8Array;
}

export interface MilagroOracle {
  /** "BN254CX". */
  readonly curve: string;
  /** AMCL RANDOM_GENERATE: a random scalar in [0, r), 32 bytes; also good for x and y. */
  randomScalar(): Uint8Array;
  /** Same as randomScalar: a D-TA's master-secret share. */
  randomMasterSecret(): Uint8Array;
  /** AMCL HASH_ID: SHA-256(mpin_id), 32 bytes. */
  hashId(mpinId: Uint8Array): Uint8Array;
  /** AMCL GET_CLIENT_SECRET: s·H(ID), from the hashed id. */
  clientSecretShare(masterSecret: Uint8Array, hashedId: Uint8Array): Uint8Array;
  /** AMCL GET_SERVER_SECRET: s·Q. */
  serverSecretShare(masterSecret: Uint8Array): Uint8Array;
  /** AMCL GET_CLIENT_PERMIT: s·H_T(date, ID), from the hashed id. */
  timePermitShare(masterSecret: Uint8Array, date: number, hashedId: Uint8Array): Uint8Array;
  /** AMCL RECOMBINE_G1: a + b. */
  recombineG1(a: Uint8Array, b: Uint8Array): Uint8Array;
  /** AMCL RECOMBINE_G2: a + b. */
  recombineG2(a: Uint8Array, b: Uint8Array): Uint8Array;
  /** AMCL EXTRACT_PIN: token = CS − (pin mod 10000)·H(ID). */
  extractPin(mpinId: Uint8Array, pin: number, clientSecret: Uint8Array): Uint8Array;
  /** AMCL CLIENT_1, with U always and UT when date is not 0 (both xID and xCID asked for). */
  client1(input: OracleClient1Input): OracleClient1Output;
  /** AMCL CLIENT_2: V = −((x + y) mod r)·SEC. */
  client2(x: Uint8Array, y: Uint8Array, sec: Uint8Array): Uint8Array;
  /** AMCL SERVER_1: H(ID), and H(ID) + H_T(date, ID) when date is not 0. */
  server1(mpinId: Uint8Array, date: number): { hid: Uint8Array; htid?: Uint8Array };
  /** AMCL SERVER_2 (no PIN-error E/F): 0 for a right PIN, −19 for a wrong one. */
  server2(input: OracleServer2Input): MilagroServerResult;
  /** AMCL GET_Y: SHA-256([timeValue] ‖ point) mod r. */
  getY(timeValue: number, point: Uint8Array): Uint8Array;
  /** AMCL CLIENT (one-pass, no DVS message). */
  clientOnePass(input: OracleOnePassClientInput): OracleOnePassClientOutput;
  /** AMCL SERVER (one-pass, no DVS message): 0 for a right PIN, −19 for a wrong one. */
  serverOnePass(input: OracleOnePassServerInput): MilagroServerResult;
}

/** Random bytes from Web Crypto, to seed AMCL's RAND. */
function entropy(length: number): Bytes {
  return Array.from(globalThis.crypto.getRandomValues(new Uint8Array(length)));
}

function check(operation: string, code: number): void {
  if (code !== MILAGRO_OK) throw new MilagroError(operation, code);
}

function serverResult(code: number): MilagroServerResult {
  if (code === MILAGRO_OK || code === MILAGRO_BAD_PIN || code === MILAGRO_INVALID_POINT || code === MILAGRO_BAD_PARAMS)
    return code;
  throw new MilagroError('SERVER', code);
}

function required(value: Uint8Array | undefined, title: string): Bytes {
  if (value === undefined) throw new TypeError(`milagro oracle: ${title} is required here`);
  return toArray(value);
}

/** Builds an oracle on its own AMCL context and freshly seeded RAND. */
export function createMilagroOracle(): MilagroOracle {
  const require = createRequire(import.meta.url);
  const CTX = require('milagro-crypto-js') as AmclCtxConstructor;
  const ctx = new CTX('BN254CX');
  const M = ctx.MPIN;
  const sha = M.SHA256;
  const rng = new ctx.RAND();
  rng.clean();
  const seed = entropy(128);
  rng.seed(seed.length, seed);

  function randomScalar(): Uint8Array {
    const s: Out = [];
    check('RANDOM_GENERATE', M.RANDOM_GENERATE(rng, s));
    return toBytes(s);
  }

  function client1(input: OracleClient1Input): OracleClient1Output {
    const x: Bytes = input.x === undefined ? [] : toArray(input.x);
    const sec: Out = [];
    const u: Out = [];
    const ut: Out = [];
    const withPermit = input.date !== 0;
    const code = M.CLIENT_1(
      sha,
      input.date,
      toArray(input.mpinId),
      input.x === undefined ? rng : null,
      x,
      input.pin,
      toArray(input.token),
      sec,
      u,
      withPermit ? ut : null,
      withPermit ? required(input.timePermit, 'timePermit') : null,
    );
    check('CLIENT_1', code);
    const out: OracleClient1Output = { x: toBytes(x), sec: toBytes(sec), u: toBytes(u) };
    if (withPermit) out.ut = toBytes(ut);
    return out;
  }

  return Object.freeze({
    curve: 'BN254CX',
    randomScalar,
    randomMasterSecret: randomScalar,

    hashId: (mpinId: Uint8Array) => toBytes(M.HASH_ID(sha, toArray(mpinId))),

    clientSecretShare(masterSecret: Uint8Array, hashedId: Uint8Array) {
      const cs: Out = [];
      check('GET_CLIENT_SECRET', M.GET_CLIENT_SECRET(toArray(masterSecret), toArray(hashedId), cs));
      return toBytes(cs);
    },

    serverSecretShare(masterSecret: Uint8Array) {
      const sst: Out = [];
      check('GET_SERVER_SECRET', M.GET_SERVER_SECRET(toArray(masterSecret), sst));
      return toBytes(sst);
    },

    timePermitShare(masterSecret: Uint8Array, date: number, hashedId: Uint8Array) {
      const tp: Out = [];
      check('GET_CLIENT_PERMIT', M.GET_CLIENT_PERMIT(sha, date, toArray(masterSecret), toArray(hashedId), tp));
      return toBytes(tp);
    },

    recombineG1(a: Uint8Array, b: Uint8Array) {
      const r: Out = [];
      check('RECOMBINE_G1', M.RECOMBINE_G1(toArray(a), toArray(b), r));
      return toBytes(r);
    },

    recombineG2(a: Uint8Array, b: Uint8Array) {
      const r: Out = [];
      check('RECOMBINE_G2', M.RECOMBINE_G2(toArray(a), toArray(b), r));
      return toBytes(r);
    },

    extractPin(mpinId: Uint8Array, pin: number, clientSecret: Uint8Array) {
      const token = toArray(clientSecret);
      check('EXTRACT_PIN', M.EXTRACT_PIN(sha, toArray(mpinId), pin, token));
      return toBytes(token);
    },

    client1,

    client2(x: Uint8Array, y: Uint8Array, sec: Uint8Array) {
      const v = toArray(sec);
      check('CLIENT_2', M.CLIENT_2(toArray(x), toArray(y), v));
      return toBytes(v);
    },

    server1(mpinId: Uint8Array, date: number) {
      const hid: Out = [];
      const htid: Out = [];
      M.SERVER_1(sha, date, toArray(mpinId), hid, date !== 0 ? htid : null);
      return date !== 0 ? { hid: toBytes(hid), htid: toBytes(htid) } : { hid: toBytes(hid) };
    },

    server2(input: OracleServer2Input) {
      const opt = (b: Uint8Array | undefined) => (b === undefined ? null : toArray(b));
      return serverResult(
        M.SERVER_2(
          input.date,
          opt(input.hid),
          opt(input.htid),
          toArray(input.y),
          toArray(input.serverSecret),
          opt(input.u),
          opt(input.ut),
          toArray(input.v),
          null,
          null,
        ),
      );
    },

    getY(timeValue: number, point: Uint8Array) {
      const y: Out = [];
      check('GET_Y', M.GET_Y(sha, timeValue, toArray(point), y));
      return toBytes(y);
    },

    clientOnePass(input: OracleOnePassClientInput): OracleOnePassClientOutput {
      const x: Bytes = input.x === undefined ? [] : toArray(input.x);
      const v: Out = [];
      const u: Out = [];
      const ut: Out = [];
      const y: Out = [];
      const withPermit = input.date !== 0;
      const code = M.CLIENT(
        sha,
        input.date,
        toArray(input.mpinId),
        input.x === undefined ? rng : null,
        x,
        input.pin,
        toArray(input.token),
        v,
        u,
        withPermit ? ut : null,
        withPermit ? required(input.timePermit, 'timePermit') : null,
        input.timeValue,
        y,
      );
      check('CLIENT', code);
      const out: OracleOnePassClientOutput = { x: toBytes(x), y: toBytes(y), v: toBytes(v) };
      if (withPermit) out.ut = toBytes(ut);
      else out.u = toBytes(u);
      return out;
    },

    serverOnePass(input: OracleOnePassServerInput) {
      const withPermit = input.date !== 0;
      return serverResult(
        M.SERVER(
          sha,
          input.date,
          [],
          withPermit ? [] : null,
          [],
          toArray(input.serverSecret),
          withPermit ? null : required(input.u, 'u'),
          withPermit ? required(input.ut, 'ut') : null,
          toArray(input.v),
          null,
          null,
          toArray(input.mpinId),
          input.timeValue,
        ),
      );
    },
  });
}
