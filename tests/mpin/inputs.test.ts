// @vitest-environment node
// Bad input to any public function of lib/mpin must throw an MpinInputError whose message names the
// argument and the reason: never a plain Error, never a point or a boolean computed from garbage.
import { describe, expect, it } from 'vitest';
import {
  bn254cx,
  epochDay,
  formatIssued,
  fromHex,
  mpin,
  MpinInputError,
  pinFromDigits,
  randomBytes,
  toHex,
} from '@/lib/mpin/index.ts';
import type { Fp2 } from '@/lib/mpin/bn-curve.ts';

const { G1, G2, r, p } = bn254cx;

/** Asserts `f` throws an MpinInputError whose message matches every pattern. */
function rejects(f: () => unknown, label: string, ...patterns: RegExp[]) {
  let thrown: unknown;
  let result: unknown;
  try {
    result = f();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, `${label}: returned ${String(result)} instead of throwing`).toBeDefined();
  expect(thrown, `${label}: threw ${String(thrown)}`).toBeInstanceOf(MpinInputError);
  for (const re of patterns) expect((thrown as Error).message, label).toMatch(re);
}

const be32 = (n: bigint) => {
  const out = new Uint8Array(32);
  for (let i = 31; i >= 0; i--, n >>= 8n) out[i] = Number(n & 0xffn);
  return out;
};
const cat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, a) => n + a.length, 0));
  let o = 0;
  for (const a of parts) out.set(a, (o += a.length) - a.length);
  return out;
};
const withByte = (bytes: Uint8Array, i: number, f: (b: number) => number) => {
  const out = bytes.slice();
  out[i] = f(out[i]!);
  return out;
};

// ---- a valid state to vary one argument of at a time ----
const id = new TextEncoder().encode('{"userID": "alice@example.com"}');
const otherId = new TextEncoder().encode('{"userID": "bob@example.com"}');
const ms = mpin.scalarToBytes(0x1234567890abcdefn);
const hashedId = mpin.hashId(id);
const PIN = 1234;
const DATE = 17085;
const cs = mpin.clientSecretShare(ms, hashedId);
const token = mpin.extractPin(id, PIN, cs);
const tp = mpin.timePermitShare(ms, DATE, hashedId);
const ss = mpin.serverSecretShare(ms);
const X = mpin.scalarToBytes(777n);
const c1 = mpin.client1({ mpinId: id, pin: PIN, token, date: DATE, timePermit: tp, x: X });
const c10 = mpin.client1({ mpinId: id, pin: PIN, token, date: 0, x: X });
const Y = mpin.scalarToBytes(4242n);
const V = mpin.client2(c1.x, Y, c1.sec);
const V0 = mpin.client2(c10.x, Y, c10.sec);
const s1 = mpin.server1(id, DATE);
const s10 = mpin.server1(id, 0);
const verifier = mpin.createVerifier(ss);
const TIME = 1476187200;
const onePass = mpin.clientOnePass({ mpinId: id, pin: PIN, token, date: DATE, timePermit: tp, timeValue: TIME });
const g1 = mpin.g1ToBytes(G1.BASE.multiply(7n));
const g2 = mpin.g2ToBytes(G2.BASE.multiply(7n));

const pass2 = { date: DATE, y: Y, ut: c1.ut, v: V };
const pass20 = { date: 0, y: Y, u: c10.u, v: V0 };
const server2In = { ...pass2, htid: s1.htid, serverSecret: ss };
const server20In = { ...pass20, hid: s10.hid, serverSecret: ss };
const onePassIn = { mpinId: id, date: DATE, timeValue: TIME, serverSecret: ss, ut: onePass.ut, v: onePass.v };
const client1In = { mpinId: id, pin: PIN, token, date: DATE, timePermit: tp, x: X };

it('the baseline state is valid (so each rejection below is caused by the one bad argument)', () => {
  expect(mpin.server2(server2In)).toBe(true);
  expect(mpin.server2(server20In)).toBe(true);
  expect(verifier.verify({ ...pass2, mpinId: id })).toBe(true);
  expect(verifier.verify({ ...pass20, mpinId: id })).toBe(true);
  expect(mpin.serverOnePass(onePassIn)).toBe(true);
  expect(mpin.recombineG1(g1, cs)).toHaveLength(65);
  expect(mpin.recombineG2(g2, ss)).toHaveLength(128);
});

// ---- bad encodings ----
const nonBytes: [string, unknown][] = [
  ['a hex string', toHex(g1)],
  ['a plain array', Array.from(g1)],
  ['null', null],
  ['an ArrayBuffer', g1.slice().buffer],
  ['a number', 4],
];

/** undefined where the argument is required: the same "expected Uint8Array" as any other non-bytes value. */
const undef: [string, unknown, RegExp] = ['undefined', undefined, /expected Uint8Array, got undefined/];

const g1Affine = G1.BASE.multiply(7n).toAffine();
const badG1: [string, unknown, RegExp][] = [
  ['64 bytes', g1.slice(0, 64), /expected 65 bytes, got 64/],
  ['66 bytes', cat(g1, Uint8Array.of(0)), /expected 65 bytes, got 66/],
  ['0 bytes', new Uint8Array(0), /expected 65 bytes, got 0/],
  ['prefix 02', withByte(g1, 0, () => 2), /prefix 04/],
  ['prefix 03', withByte(g1, 0, () => 3), /prefix 04/],
  ['prefix 00', withByte(g1, 0, () => 0), /prefix 04/],
  ['x = p', cat(Uint8Array.of(4), be32(p), be32(g1Affine.y)), /not below the field prime/],
  [
    'x + p (same point mod p)',
    cat(Uint8Array.of(4), be32(g1Affine.x + p), be32(g1Affine.y)),
    /not below the field prime/,
  ],
  [
    'y + p (same point mod p)',
    cat(Uint8Array.of(4), be32(g1Affine.x), be32(g1Affine.y + p)),
    /not below the field prime/,
  ],
  ['x = 2²⁵⁶ − 1', cat(Uint8Array.of(4), new Uint8Array(32).fill(255), be32(1n)), /not below the field prime/],
  ['a flipped bit of y', withByte(g1, 64, (b) => b ^ 1), /not a point on BN254CX/],
  ['a flipped bit of x', withByte(g1, 1 + 17, (b) => b ^ 0x80), /not a point on BN254CX/],
  ['(0, 1)', cat(Uint8Array.of(4), be32(0n), be32(1n)), /not a point on BN254CX/],
  ['the point at infinity (04 and zeros)', cat(Uint8Array.of(4), new Uint8Array(64)), /point at infinity/],
  ['a G2 encoding', g2, /expected 65 bytes/],
  ...nonBytes.map(([l, v]): [string, unknown, RegExp] => [l, v, /expected Uint8Array/]),
];

/** A twist point outside the order-r subgroup: x = k + i for the first k with x³ + b′ a square. */
function nonSubgroupG2(): Uint8Array {
  const F = bn254cx.Fp2;
  for (let k = 1n; ; k++) {
    const x: Fp2 = F.fromBigTuple([k, 1n]);
    let y: Fp2;
    try {
      y = F.sqrt(F.add(F.mul(F.sqr(x), x), G2.CURVE().b));
    } catch {
      continue;
    }
    const Q = G2.fromAffine({ x, y });
    if (
      !Q.multiplyUnsafe(r - 1n)
        .add(Q)
        .is0()
    )
      return cat(...[x.c0, x.c1, y.c0, y.c1].map(be32));
  }
}

const badG2: [string, unknown, RegExp][] = [
  ['127 bytes', g2.slice(0, 127), /expected 128 bytes, got 127/],
  ['129 bytes', cat(g2, Uint8Array.of(0)), /expected 128 bytes, got 129/],
  ['a G1 encoding', g1, /expected 128 bytes, got 65/],
  ...[0, 1, 2, 3].map((i): [string, unknown, RegExp] => {
    const bytes = g2.slice();
    bytes.set(be32(p), 32 * i);
    return [`coordinate ${['xa', 'xb', 'ya', 'yb'][i]} = p`, bytes, /not below the field prime/];
  }),
  ['xa = 2²⁵⁶ − 1', cat(new Uint8Array(32).fill(255), g2.slice(32)), /not below the field prime/],
  ['a flipped bit of yb', withByte(g2, 127, (b) => b ^ 1), /not a point on the BN254CX twist/],
  ['a flipped bit of xa', withByte(g2, 5, (b) => b ^ 0x10), /not a point on the BN254CX twist/],
  ['the point at infinity (all zeros)', new Uint8Array(128), /point at infinity/],
  ['a twist point outside the subgroup', nonSubgroupG2(), /subgroup/],
  ...nonBytes.map(([l, v]): [string, unknown, RegExp] => [l, v, /expected Uint8Array/]),
];

const badScalarAnyZero: [string, unknown, RegExp][] = [
  ['31 bytes', new Uint8Array(31).fill(1), /expected 32 bytes, got 31/],
  ['33 bytes', new Uint8Array(33).fill(1), /expected 32 bytes, got 33/],
  ['r', be32(r), /not below the group order r/],
  ['r + 1', be32(r + 1n), /not below the group order r/],
  ['2²⁵⁶ − 1', new Uint8Array(32).fill(255), /not below the group order r/],
  ...nonBytes.map(([l, v]): [string, unknown, RegExp] => [l, v, /expected Uint8Array/]),
];
const badScalar: [string, unknown, RegExp][] = [
  ...badScalarAnyZero,
  ['zero', new Uint8Array(32), /zero is not allowed/],
];

const badPins: unknown[] = [-1, 10000, 12345, 1.5, NaN, Infinity, '1234', null, undefined, 1234n];
const badDates: unknown[] = [-1, 2 ** 32, 1.5, NaN, Infinity, '17085', null];
const badTimes: unknown[] = [-1, 2 ** 32, 0.5, NaN, '1476187200'];
const badHashedIds: [string, unknown, RegExp][] = [
  ['31 bytes', new Uint8Array(31), /expected 32 bytes, got 31/],
  ['33 bytes', new Uint8Array(33), /expected 32 bytes, got 33/],
  ...nonBytes.map(([l, v]): [string, unknown, RegExp] => [l, v, /expected Uint8Array/]),
];

/** [name, the argument's title in messages, call with the bad value, true when the argument is optional (undefined = absent)] */
type Taker = [string, string, (bad: never) => unknown, boolean?];
const u = (v: unknown) => v as never;

const g1Takers: Taker[] = [
  ['g1FromBytes', 'G1 point', (b) => mpin.g1FromBytes(b)],
  ['extractPin clientSecret', 'clientSecret', (b) => mpin.extractPin(id, PIN, b)],
  ['client1 token', 'token', (b) => mpin.client1({ ...client1In, token: b })],
  ['client1 timePermit', 'timePermit', (b) => mpin.client1({ ...client1In, timePermit: b }), true],
  ['client2 sec', 'sec', (b) => mpin.client2(X, Y, b)],
  ['server2 htid', 'htid', (b) => mpin.server2({ ...server2In, htid: b }), true],
  ['server2 hid', 'hid', (b) => mpin.server2({ ...server20In, hid: b }), true],
  ['server2 ut', 'ut', (b) => mpin.server2({ ...server2In, ut: b }), true],
  ['server2 u', 'u', (b) => mpin.server2({ ...server20In, u: b }), true],
  ['server2 v', 'v', (b) => mpin.server2({ ...server2In, v: b })],
  ['verify ut', 'ut', (b) => verifier.verify({ ...pass2, mpinId: id, ut: b }), true],
  ['verify u', 'u', (b) => verifier.verify({ ...pass20, mpinId: id, u: b }), true],
  ['verify v', 'v', (b) => verifier.verify({ ...pass2, mpinId: id, v: b })],
  ['recombineG1 first', 'first share', (b) => mpin.recombineG1(b, g1)],
  ['recombineG1 second', 'second share', (b) => mpin.recombineG1(g1, b)],
  ['serverOnePass v', 'v', (b) => mpin.serverOnePass({ ...onePassIn, v: b })],
];
const g2Takers: Taker[] = [
  ['g2FromBytes', 'G2 point', (b) => mpin.g2FromBytes(b)],
  ['createVerifier', 'serverSecret', (b) => mpin.createVerifier(b)],
  ['server2 serverSecret', 'serverSecret', (b) => mpin.server2({ ...server2In, serverSecret: b })],
  ['serverOnePass serverSecret', 'serverSecret', (b) => mpin.serverOnePass({ ...onePassIn, serverSecret: b })],
  ['recombineG2 first', 'first share', (b) => mpin.recombineG2(b, g2)],
  ['recombineG2 second', 'second share', (b) => mpin.recombineG2(g2, b)],
];
const secretScalarTakers: Taker[] = [
  ['scalarFromBytes', 'scalar', (b) => mpin.scalarFromBytes(b)],
  ['clientSecretShare', 'masterSecret', (b) => mpin.clientSecretShare(b, hashedId)],
  ['serverSecretShare', 'masterSecret', (b) => mpin.serverSecretShare(b)],
  ['timePermitShare', 'masterSecret', (b) => mpin.timePermitShare(b, DATE, hashedId)],
  ['client1 x', 'x', (b) => mpin.client1({ ...client1In, x: b })],
  ['client2 x', 'x', (b) => mpin.client2(b, Y, c1.sec)],
  ['clientOnePass x', 'x', (b) => mpin.clientOnePass({ ...client1In, x: b, timeValue: TIME })],
];
const challengeTakers: Taker[] = [
  ['client2 y', 'y', (b) => mpin.client2(X, b, c1.sec)],
  ['server2 y', 'y', (b) => mpin.server2({ ...server2In, y: b })],
  ['verify y', 'y', (b) => verifier.verify({ ...pass2, mpinId: id, y: b })],
];
const mpinIdTakers: Taker[] = [
  ['hashId', 'mpinId', (b) => mpin.hashId(b)],
  ['extractPin', 'mpinId', (b) => mpin.extractPin(b, PIN, cs)],
  ['client1', 'mpinId', (b) => mpin.client1({ ...client1In, mpinId: b })],
  ['clientOnePass', 'mpinId', (b) => mpin.clientOnePass({ ...client1In, mpinId: b, timeValue: TIME })],
  ['server1', 'mpinId', (b) => mpin.server1(b, DATE)],
  ['verify', 'mpinId', (b) => verifier.verify({ ...pass2, mpinId: b })],
  ['serverOnePass', 'mpinId', (b) => mpin.serverOnePass({ ...onePassIn, mpinId: b })],
];
const hashedIdTakers: Taker[] = [
  ['clientSecretShare', 'hashedId', (b) => mpin.clientSecretShare(ms, b)],
  ['timePermitShare', 'hashedId', (b) => mpin.timePermitShare(ms, DATE, b)],
  ['timePermitPoint', 'hashedId', (b) => mpin.timePermitPoint(DATE, b)],
  ['hashIdToG1', 'hash', (b) => mpin.hashIdToG1(b)],
  ['mapToG1', 'hash', (b) => mpin.mapToG1(b)],
];
const pinTakers: Taker[] = [
  ['extractPin', 'pin', (v) => mpin.extractPin(id, v, cs)],
  ['client1', 'pin', (v) => mpin.client1({ ...client1In, pin: v })],
  ['clientOnePass', 'pin', (v) => mpin.clientOnePass({ ...client1In, pin: v, timeValue: TIME })],
];
const dateTakers: Taker[] = [
  ['client1', 'date', (v) => mpin.client1({ ...client1In, date: v })],
  ['clientOnePass', 'date', (v) => mpin.clientOnePass({ ...client1In, date: v, timeValue: TIME })],
  ['server1', 'date', (v) => mpin.server1(id, v)],
  ['server2', 'date', (v) => mpin.server2({ ...server2In, date: v })],
  ['verify', 'date', (v) => verifier.verify({ ...pass2, mpinId: id, date: v })],
  ['serverOnePass', 'date', (v) => mpin.serverOnePass({ ...onePassIn, date: v })],
  ['timePermitShare', 'date', (v) => mpin.timePermitShare(ms, v, hashedId)],
  ['timePermitPoint', 'date', (v) => mpin.timePermitPoint(v, hashedId)],
];
const timeTakers: Taker[] = [
  ['getY', 'timeValue', (v) => mpin.getY(v, c1.ut!)],
  ['clientOnePass', 'timeValue', (v) => mpin.clientOnePass({ ...client1In, timeValue: v })],
  ['serverOnePass', 'timeValue', (v) => mpin.serverOnePass({ ...onePassIn, timeValue: v })],
];

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const titled = (title: string) => new RegExp(`^${escape(title)}: `);

describe('G1 encodings', () => {
  it.each(g1Takers)('%s rejects every bad G1 encoding', (name, title, f, optional) => {
    for (const [label, bytes, re] of optional ? badG1 : [...badG1, undef])
      rejects(() => f(u(bytes)), `${name} / ${label}`, titled(title), re);
  });
});

describe('G2 encodings', () => {
  it.each(g2Takers)('%s rejects every bad G2 encoding, and its absence', (name, title, f) => {
    for (const [label, bytes, re] of [...badG2, undef])
      rejects(() => f(u(bytes)), `${name} / ${label}`, titled(title), re);
  });
});

describe('points with y = 0 (x ≠ 0): not on either curve, so they must fail like any other bad point', () => {
  // 5³ + 2 ≠ 0 and 5³ + (1 − i) ≠ 0, so (5, 0) is on neither curve: the codec must say so with an
  // MpinInputError, as for any other point off the curve (noble's constructor throws a plain Error for y = 0).
  const g1Y0 = cat(Uint8Array.of(4), be32(5n), new Uint8Array(32));
  const g2Y0 = cat(be32(5n), new Uint8Array(96));

  it('every G1 decoder rejects 04 ‖ 5 ‖ 0 with an MpinInputError', () => {
    for (const [name, title, f] of g1Takers)
      rejects(() => f(u(g1Y0)), `${name} / y = 0`, titled(title), /not a point on BN254CX/);
  });

  it('every G2 decoder rejects x = 5, y = 0 with an MpinInputError', () => {
    for (const [name, title, f] of g2Takers)
      rejects(() => f(u(g2Y0)), `${name} / y = 0`, titled(title), /not a point on the BN254CX twist/);
  });
});

describe('scalars', () => {
  it.each(secretScalarTakers)('%s rejects bad lengths, values ≥ r, zero and non-bytes', (name, title, f) => {
    for (const [label, bytes, re] of badScalar) rejects(() => f(u(bytes)), `${name} / ${label}`, titled(title), re);
  });

  it.each(challengeTakers)(
    '%s rejects bad lengths, values ≥ r and non-bytes (zero is a legal challenge)',
    (name, title, f) => {
      for (const [label, bytes, re] of badScalarAnyZero)
        rejects(() => f(u(bytes)), `${name} / ${label}`, titled(title), re);
    },
  );
});

describe('identities', () => {
  it.each(mpinIdTakers)('%s rejects an mpinId that is not a Uint8Array', (name, title, f) => {
    for (const [label, v] of [...nonBytes, undef])
      rejects(() => f(u(v)), `${name} / ${label}`, titled(title), /expected Uint8Array/);
  });

  it.each(hashedIdTakers)('%s rejects a hashed id of the wrong length or type', (name, title, f) => {
    for (const [label, v, re] of badHashedIds) rejects(() => f(u(v)), `${name} / ${label}`, titled(title), re);
  });
});

describe('PINs, dates and time values', () => {
  it.each(pinTakers)('%s rejects PINs outside 0..9999 and non-integers', (name, title, f) => {
    for (const v of badPins) rejects(() => f(u(v)), `${name} / pin ${String(v)}`, titled(title));
  });

  it.each(dateTakers)('%s rejects dates outside 0..2³²−1 and non-integers', (name, title, f) => {
    for (const v of badDates) rejects(() => f(u(v)), `${name} / date ${String(v)}`, titled(title));
  });

  it('time permits and their points exist only for dates ≥ 1', () => {
    rejects(
      () => mpin.timePermitShare(ms, 0, hashedId),
      'timePermitShare date 0',
      /^date: expected 1\.\.4294967295, got 0/,
    );
    rejects(() => mpin.timePermitPoint(0, hashedId), 'timePermitPoint date 0', /^date: /);
  });

  it.each(timeTakers)('%s rejects time values outside 0..2³²−1 and non-integers', (name, title, f) => {
    for (const v of badTimes) rejects(() => f(u(v)), `${name} / time ${String(v)}`, titled(title));
  });

  it('hashit rejects a bad prefix or non-byte data', () => {
    for (const v of [-1, 2 ** 32, 1.5, NaN]) rejects(() => mpin.hashit(v, id), `prefix ${v}`, /^hash prefix: /);
    rejects(() => mpin.hashit(0, u('abc')), 'string data', /^hash input: expected Uint8Array/);
  });

  it('getY rejects a point that is not bytes', () => {
    for (const [label, v] of nonBytes) rejects(() => mpin.getY(TIME, u(v)), label, /^point: expected Uint8Array/);
  });
});

describe('missing values', () => {
  it('client1 and clientOnePass require a time permit when date ≠ 0', () => {
    rejects(() => mpin.client1({ ...client1In, timePermit: undefined }), 'client1', /time permit is required/);
    rejects(
      () => mpin.clientOnePass({ ...client1In, timePermit: undefined, timeValue: TIME }),
      'onePass',
      /time permit is required/,
    );
  });

  it('server2 requires htid and ut when date ≠ 0, hid and u when date = 0', () => {
    rejects(() => mpin.server2({ ...server2In, htid: undefined }), 'no htid', /htid is required when date is not 0/);
    rejects(
      () => mpin.server2({ ...server2In, htid: undefined, hid: s1.hid }),
      'hid instead of htid',
      /htid is required/,
    );
    rejects(() => mpin.server2({ ...server2In, ut: undefined }), 'no ut', /ut is required when date is not 0/);
    rejects(() => mpin.server2({ ...server2In, ut: undefined, u: c1.u }), 'u instead of ut', /ut is required/);
    rejects(() => mpin.server2({ ...server20In, hid: undefined }), 'no hid', /hid is required when date is 0/);
    rejects(() => mpin.server2({ ...server20In, u: undefined }), 'no u', /u is required when date is 0/);
  });

  it('verify and serverOnePass require ut when date ≠ 0 and u when date = 0', () => {
    rejects(() => verifier.verify({ ...pass2, mpinId: id, ut: undefined }), 'verify ut', /ut is required/);
    rejects(() => verifier.verify({ ...pass20, mpinId: id, u: undefined }), 'verify u', /u is required/);
    rejects(() => mpin.serverOnePass({ ...onePassIn, ut: undefined }), 'onePass ut', /ut is required/);
  });
});

describe('degenerate combinations', () => {
  const neg = (bytes: Uint8Array) => mpin.g1ToBytes(mpin.g1FromBytes(bytes).negate());

  it('recombineG1 / recombineG2 refuse a share added to its negation', () => {
    rejects(() => mpin.recombineG1(cs, neg(cs)), 'G1', /^recombineG1: the shares cancel out/);
    rejects(
      () => mpin.recombineG2(ss, mpin.g2ToBytes(mpin.g2FromBytes(ss).negate())),
      'G2',
      /^recombineG2: the shares cancel out/,
    );
  });

  it('client2 refuses x + y ≡ 0 (mod r)', () => {
    rejects(() => mpin.client2(X, mpin.scalarToBytes(r - 777n), c1.sec), 'x + y = r', /^client2: x \+ y is 0 mod r/);
    rejects(
      () => mpin.client2(mpin.scalarToBytes(r - 1n), mpin.scalarToBytes(1n), c1.sec),
      'r − 1 + 1',
      /x \+ y is 0 mod r/,
    );
  });

  it('extractPin refuses a client secret that is exactly pin·H(ID) (the token would be O)', () => {
    const pinTimesH = mpin.clientSecretShare(mpin.scalarToBytes(BigInt(PIN)), hashedId);
    rejects(
      () => mpin.extractPin(id, PIN, pinTimesH),
      'CS = pin·H',
      /^extractPin: the token would be the point at infinity/,
    );
  });

  it('client1 refuses a token and permit whose SEC is the point at infinity', () => {
    // token = −pin·H(ID), no permit: SEC = O
    const negPinH = mpin.g1ToBytes(mpin.hashIdToG1(hashedId).multiply(r - BigInt(PIN)));
    rejects(
      () => mpin.client1({ mpinId: id, pin: PIN, token: negPinH, date: 0 }),
      'SEC = O',
      /^client1: SEC is the point at infinity/,
    );
    // with a permit: token = −(pin·H + TP)
    const minusAll = neg(mpin.recombineG1(mpin.g1ToBytes(mpin.hashIdToG1(hashedId).multiply(BigInt(PIN))), tp));
    rejects(
      () => mpin.client1({ ...client1In, token: minusAll }),
      'SEC = O with permit',
      /SEC is the point at infinity/,
    );
  });

  it('a token of another identity decodes fine and is simply rejected by the server (not an input error)', () => {
    const c = mpin.client1({ ...client1In, mpinId: otherId });
    const v = mpin.client2(c.x, Y, c.sec);
    expect(verifier.verify({ date: DATE, mpinId: otherId, y: Y, ut: c.ut, v })).toBe(false);
  });
});

describe('other helpers', () => {
  it('fromHex rejects odd lengths, non-hex characters and non-strings', () => {
    for (const v of ['abc', '0', 'zz', '0x12', ' 12', '12 ', 'gg00', 'é1'])
      rejects(() => fromHex(v), JSON.stringify(v), /^hex: expected an even number of hex digits/);
    for (const v of [12, null, undefined, g1]) rejects(() => fromHex(u(v)), String(v), /^hex: expected a string/);
    rejects(() => fromHex('zz', 'mpinId'), 'titled', /^mpinId: /);
  });

  it('toHex rejects non-bytes', () => {
    for (const [label, v] of nonBytes) rejects(() => toHex(u(v)), label, /^bytes: expected Uint8Array/);
  });

  it('g1ToBytes / g2ToBytes / scalarToBytes reject non-points and out-of-range scalars', () => {
    for (const v of [null, {}, g1]) {
      rejects(() => mpin.g1ToBytes(u(v)), 'g1ToBytes', /^g1ToBytes: /);
      rejects(() => mpin.g2ToBytes(u(v)), 'g2ToBytes', /^g2ToBytes: /);
    }
    for (const v of [-1n, r, 2n ** 256n, 3, '3'])
      rejects(() => mpin.scalarToBytes(u(v)), String(v), /^scalarToBytes: /);
  });

  it('randomBytes rejects lengths outside 1..65536', () => {
    for (const v of [0, -1, 1.5, 65537, '16']) rejects(() => randomBytes(u(v)), String(v), /^length: /);
    expect(randomBytes(16)).toHaveLength(16);
  });

  it('pinFromDigits, epochDay and formatIssued reject bad input', () => {
    for (const v of ['42', '12345', 'abcd', '12a4', ' 123', '', '١٢٣٤'])
      rejects(() => pinFromDigits(v), v, /^pin: expected exactly 4 digits/);
    rejects(() => pinFromDigits(u(1234)), 'number', /^pin: expected a string/);
    rejects(() => pinFromDigits('1234', 5), 'length 5', /^pin length: /);
    for (const v of [new Date(NaN), '2016-10-11', 0, null]) {
      rejects(() => epochDay(u(v)), `epochDay ${String(v)}`, /^epochDay: expected a valid Date/);
      rejects(() => formatIssued(u(v)), `formatIssued ${String(v)}`, /^issued: expected a valid Date/);
    }
  });
});
