// @vitest-environment node
// Batch verification of pass 2 (verifier.verifyBatch, lib/mpin/batch.ts): whatever the mix of right and wrong
// proofs and wherever the wrong ones sit, the batch gives every item the verdict the single check
// (verifier.verify) gives it; a batch of one is the single check; a malformed item is refused before any weight
// is drawn, so before anything is summed. Soundness argument: docs/protocol.md §3.7.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bn254cx, buildMpinId, epochDay, mpin, MpinInputError, type VerifyInput } from '@/lib/mpin/index.ts';

const { G1, r } = bn254cx;

const ISSUED = new Date('2016-10-11T13:58:15.183Z');
const DATE = epochDay(new Date('2016-10-11T12:00:00Z'));
const ms = mpin.randomMasterSecret();
const serverSecret = mpin.serverSecretShare(ms);
const verifier = mpin.createVerifier(serverSecret);

interface Identity {
  mpinId: Uint8Array;
  pin: number;
  token: Uint8Array;
  /** 0: this identity signs in without time permits. */
  date: number;
  timePermit?: Uint8Array;
}

function enrol(userID: string, pin: number, date: number): Identity {
  const mpinId = buildMpinId({ userID, mobile: 1, issued: ISSUED }).bytes;
  const h = mpin.hashId(mpinId);
  const token = mpin.extractPin(mpinId, pin, mpin.clientSecretShare(ms, h));
  return { mpinId, pin, token, date, timePermit: date ? mpin.timePermitShare(ms, date, h) : undefined };
}

const alice = enrol('alice@example.com', 1234, DATE);
const bob = enrol('bob@example.com', 0, DATE);
const carol = enrol('carol@example.com', 9999, DATE);
const dave = enrol('dave@example.com', 4321, 0); // no time permits

/** One two-pass sign-in as the server receives it: pass-1 values, its challenge y and the client's V. */
function signIn(who: Identity, opts: { pin?: number; y?: Uint8Array } = {}): VerifyInput {
  const c1 = mpin.client1({ ...who, pin: opts.pin ?? who.pin });
  const y = opts.y ?? mpin.randomMasterSecret();
  return { mpinId: who.mpinId, date: who.date, y, u: c1.u, ut: c1.ut, v: mpin.client2(c1.x, y, c1.sec) };
}

const g1 = (b: Uint8Array) => mpin.g1FromBytes(b);
const enc = mpin.g1ToBytes;

// ---- a pool of sign-ins, each with the single check's verdict worked out once ----
const people = [alice, bob, carol, dave];
const GOOD: VerifyInput[] = [
  ...people.flatMap((who) => [signIn(who), signIn(who), signIn(who)]),
  signIn(alice, { y: new Uint8Array(32) }), // challenge 0, which AMCL allows
];
const [a1, a2, b1, c1] = [GOOD[0]!, GOOD[1]!, GOOD[3]!, GOOD[6]!]; // Alice twice, Bob, Carol
const BAD: [string, VerifyInput][] = [
  ['wrong PIN (off by one)', signIn(alice, { pin: 1235 })],
  ['wrong PIN (PIN 0)', signIn(carol, { pin: 0 })],
  ['wrong PIN (another)', signIn(bob, { pin: 7 })],
  ['wrong PIN without time permits', signIn(dave, { pin: 4320 })],
  ['tampered V (+ G)', { ...a1, v: enc(g1(a1.v).add(G1.BASE)) }],
  ['tampered V (doubled)', { ...b1, v: enc(g1(b1.v).double()) }],
  ['tampered V (negated)', { ...c1, v: enc(g1(c1.v).negate()) }],
  ['V from another sign-in by the same identity', { ...a1, v: a2.v }],
  ['V from another identity', { ...a1, v: b1.v }],
  ['replayed V under a new y', { ...a1, y: mpin.scalarToBytes((mpin.scalarFromBytes(a1.y) + 1n) % r) }],
  ['U in place of UT', { ...b1, ut: b1.u }],
  ['checked for the day before', { ...c1, date: DATE - 1 }],
  // UT = −y·HTID makes y·HTID + UT the point at infinity: the single check answers false without a pairing
  [
    'forged UT cancelling y·HTID',
    (() => {
      const h = mpin.hashId(alice.mpinId);
      const htid = mpin.hashIdToG1(h).add(mpin.timePermitPoint(DATE, h));
      return { ...a1, ut: enc(htid.multiply(mpin.scalarFromBytes(a1.y)).negate()) };
    })(),
  ],
];
const SINGLE = new Map<VerifyInput, boolean>(
  [...GOOD, ...BAD.map(([, item]) => item)].map((i) => [i, verifier.verify(i)]),
);
const single = (item: VerifyInput) => SINGLE.get(item)!;

/** A random source that must never be asked. */
const noRandom = () => {
  throw new Error('drew weights');
};
/** A random source that counts what it was asked for and answers from crypto.getRandomValues. */
function countingRandom() {
  const asked: number[] = [];
  const random = (length: number) => {
    asked.push(length);
    return crypto.getRandomValues(new Uint8Array(length));
  };
  return { asked, random };
}

describe('the pool', () => {
  it('the single check accepts every good sign-in and rejects every bad one', () => {
    for (const item of GOOD) expect(single(item)).toBe(true);
    for (const [label, item] of BAD) expect(single(item), label).toBe(false);
  });
});

describe('verifyBatch gives every item the single check’s verdict', () => {
  /** n ≥ 2 items: 1 to 10 good ones with 0, 1 or 2 to 5 bad ones inserted at random positions. */
  const batchArb = fc
    .oneof(fc.constant(0), fc.constant(1), fc.integer({ min: 2, max: 5 }))
    .chain((k) =>
      fc.tuple(
        fc.array(fc.nat(GOOD.length - 1), { minLength: k === 0 ? 2 : 1, maxLength: 10 }),
        fc.array(fc.tuple(fc.nat(BAD.length - 1), fc.nat()), { minLength: k, maxLength: k }),
      ),
    )
    .map(([goods, bads]) => {
      const batch = goods.map((i) => GOOD[i]!);
      for (const [b, at] of bads) batch.splice(at % (batch.length + 1), 0, BAD[b]![1]);
      return batch;
    });

  it('random batches with none, one or several bad proofs at random positions (property)', () => {
    fc.assert(
      fc.property(batchArb, (batch) => {
        expect(verifier.verifyBatch(batch)).toEqual(batch.map(single));
      }),
      { numRuns: 40 },
    );
  });

  it('a batch of only bad proofs rejects each of them', () => {
    const batch = BAD.map(([, item]) => item);
    expect(verifier.verifyBatch(batch)).toEqual(batch.map(() => false));
  });

  it('a batch of only good proofs, the same sign-in repeated included, accepts each of them', () => {
    const batch = [...GOOD, GOOD[0]!, GOOD[0]!];
    expect(verifier.verifyBatch(batch)).toEqual(batch.map(() => true));
  });

  it('the verdicts do not depend on the weights: all 1, all 2⁶⁴, or counting up', () => {
    const batch = [GOOD[0]!, BAD[0]![1], GOOD[4]!, GOOD[8]!, BAD[7]![1], GOOD[12]!];
    const expected = batch.map(single);
    const fixed = (f: (i: number) => number) => (length: number) => Uint8Array.from({ length }, (_, i) => f(i));
    expect(verifier.verifyBatch(batch, { random: fixed(() => 0) })).toEqual(expected); // rᵢ = 1
    expect(verifier.verifyBatch(batch, { random: fixed(() => 255) })).toEqual(expected); // rᵢ = 2⁶⁴
    expect(verifier.verifyBatch(batch, { random: fixed((i) => (i % 8 === 7 ? i >> 3 : 0)) })).toEqual(expected);
  });

  it('an empty batch has no verdicts and draws nothing', () => {
    expect(verifier.verifyBatch([], { random: noRandom })).toEqual([]);
  });
});

describe('a batch of one is the single check', () => {
  it('for every sign-in in the pool, good or bad, without drawing a weight', () => {
    for (const item of GOOD) expect(verifier.verifyBatch([item], { random: noRandom })).toEqual([true]);
    for (const [label, item] of BAD) expect(verifier.verifyBatch([item], { random: noRandom }), label).toEqual([false]);
  });

  it('for fresh sign-ins with random PINs (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...people), fc.integer({ min: 0, max: 9999 }), (who, pin) => {
        const item = signIn(who, { pin });
        expect(verifier.verifyBatch([item], { random: noRandom })).toEqual([verifier.verify(item)]);
        expect(verifier.verify(item)).toBe(pin === who.pin);
      }),
      { numRuns: 5 },
    );
  });
});

describe('the weights', () => {
  it('a batch of n draws 8·n bytes once, after decoding every item', () => {
    const { asked, random } = countingRandom();
    verifier.verifyBatch(GOOD.slice(0, 5), { random });
    expect(asked).toEqual([40]);
  });

  it('are what stops two errors from cancelling: equal weights would pass both halves of a split tamper', () => {
    // V₁ + D and V₂ − D: each check is off by e(D, Q)^±1, so with equal weights the batch product is 1
    const d = G1.BASE.multiply(123456789n);
    const pair = [
      { ...GOOD[0]!, v: enc(g1(GOOD[0]!.v).add(d)) },
      { ...GOOD[4]!, v: enc(g1(GOOD[4]!.v).subtract(d)) },
    ];
    expect(pair.map((item) => verifier.verify(item))).toEqual([false, false]);
    const equalWeights = (length: number) => new Uint8Array(length);
    expect(verifier.verifyBatch(pair, { random: equalWeights })).toEqual([true, true]); // why weights are random
    expect(verifier.verifyBatch(pair)).toEqual([false, false]);
    expect(verifier.verifyBatch([...pair, GOOD[1]!, GOOD[2]!])).toEqual([false, false, true, true]);
  });
});

describe('malformed input is refused before anything is summed', () => {
  const be32 = (n: bigint) => Uint8Array.from({ length: 32 }, (_, i) => Number((n >> BigInt(8 * (31 - i))) & 0xffn));
  const point = (x: bigint, y: bigint) => Uint8Array.of(4, ...be32(x), ...be32(y));
  const good = GOOD[0]!;
  const flip = (bytes: Uint8Array, i: number) => bytes.map((b, j) => (j === i ? b ^ 1 : b));
  const badPoints: [string, Uint8Array, RegExp][] = [
    // invalid-curve points of small order: in a sum they could cancel for many weights (docs/protocol.md §3.7)
    ['(1, 0): order 2 on y² = x³ − 1', point(1n, 0n), /not a point on BN254CX/],
    ['(0, 1): order 3 on y² = x³ + 1', point(0n, 1n), /not a point on BN254CX/],
    ['a flipped bit of y', flip(good.v, 64), /not a point on BN254CX/],
    ['the point at infinity', point(0n, 0n), /point at infinity/],
    ['x = p', point(bn254cx.p, 1n), /not below the field prime/],
    ['64 bytes', good.v.slice(0, 64), /expected 65 bytes/],
    ['prefix 02', Uint8Array.of(2, ...good.v.slice(1)), /prefix 04/],
  ];

  function refuses(batch: unknown[], pattern: RegExp) {
    const { asked, random } = countingRandom();
    let thrown: unknown;
    try {
      verifier.verifyBatch(batch as VerifyInput[], { random });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(MpinInputError);
    expect((thrown as Error).message).toMatch(pattern);
    expect(asked, 'weights were drawn for a batch with a malformed item').toEqual([]);
  }

  it.each(badPoints)('a V that is %s, at any position', (_, bytes, re) => {
    for (const at of [0, 2, 4]) {
      const batch = GOOD.slice(0, 5).map((item, i) => (i === at ? { ...item, v: bytes } : item));
      refuses(batch, new RegExp(`^items\\[${at}\\]: v: .*${re.source}`));
    }
  });

  it.each(badPoints)('a UT (U without time permits) that is %s', (_, bytes, re) => {
    refuses([GOOD[0]!, BAD[0]![1], { ...GOOD[1]!, ut: bytes }], new RegExp(`^items\\[2\\]: ut: .*${re.source}`));
    const undated = GOOD.find((item) => item.date === 0)!;
    refuses([{ ...undated, u: bytes }, GOOD[1]!], new RegExp(`^items\\[0\\]: u: .*${re.source}`));
  });

  it('a batch of one refuses what verify refuses', () => {
    for (const [, bytes, re] of badPoints) {
      expect(() => verifier.verify({ ...good, v: bytes })).toThrow(re);
      refuses([{ ...good, v: bytes }], new RegExp(`^items\\[0\\]: v: .*${re.source}`));
    }
  });

  it('other bad items, the list and the options', () => {
    refuses([good, { ...good, ut: undefined }], /^items\[1\]: ut is required when date is not 0/);
    refuses([good, { ...good, y: new Uint8Array(31) }], /^items\[1\]: y: expected 32 bytes/);
    refuses([good, { ...good, y: be32(r) }], /^items\[1\]: y: not below the group order r/);
    refuses([good, { ...good, date: -1 }], /^items\[1\]: date: expected 0\.\.4294967295/);
    refuses([good, { ...good, mpinId: 'alice' }], /^items\[1\]: mpinId: expected Uint8Array/);
    refuses([good, null], /^items\[1\]: expected an object/);
    const call = (items: unknown, options?: unknown) => () =>
      verifier.verifyBatch(items as VerifyInput[], options as undefined);
    expect(call('not a list')).toThrow(MpinInputError);
    expect(call([good, good], null)).toThrow(/options: expected an object/);
    expect(call([good, good], { random: 42 })).toThrow(/options.random: expected a function/);
    expect(call([good, good], { random: () => new Uint8Array(8) })).toThrow(/random\(\): expected 16 bytes, got 8/);
    expect(call([good, good], { random: () => 'bytes' })).toThrow(MpinInputError);
  });
});
