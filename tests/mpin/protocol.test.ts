// @vitest-environment node
// M-Pin end to end in lib/mpin alone: two D-TAs → recombined client secret, server secret and time
// permit → PIN extraction → CLIENT_1 / CLIENT_2 → SERVER_2 (and the cached-lines verifier), plus one-pass.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  bn254cx,
  buildMpinId,
  epochDay,
  fromHex,
  mpin,
  MpinInputError,
  pinFromDigits,
  toHex,
} from '@/lib/mpin/index.ts';

const { r, G1, G2 } = bn254cx;
const sha256 = (b: Uint8Array) => new Uint8Array(createHash('sha256').update(b).digest());
const be = (b: Uint8Array) => b.reduce((n, x) => (n << 8n) | BigInt(x), 0n);
const be32 = (n: number) => Uint8Array.of(n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255);

const ISSUED = new Date('2016-10-11T13:58:15.183Z');
const alice = buildMpinId({ userID: 'alice@example.com', mobile: 1, issued: ISSUED }).bytes;
const bob = buildMpinId({ userID: 'bob@example.com', mobile: 1, issued: ISSUED }).bytes;
const DATE = epochDay(new Date('2016-10-11T12:00:00Z'));
const PIN = 1234;

// two D-TAs, each with its own master-secret share
const ms1 = mpin.randomMasterSecret();
const ms2 = mpin.randomMasterSecret();
const s = (mpin.scalarFromBytes(ms1) + mpin.scalarFromBytes(ms2)) % r;

function enrol(mpinId: Uint8Array, pin: number) {
  const h = mpin.hashId(mpinId);
  const cs = mpin.recombineG1(mpin.clientSecretShare(ms1, h), mpin.clientSecretShare(ms2, h));
  return { h, cs, token: mpin.extractPin(mpinId, pin, cs) };
}
const permit = (mpinId: Uint8Array, date: number) => {
  const h = mpin.hashId(mpinId);
  return mpin.recombineG1(mpin.timePermitShare(ms1, date, h), mpin.timePermitShare(ms2, date, h));
};
const serverSecret = mpin.recombineG2(mpin.serverSecretShare(ms1), mpin.serverSecretShare(ms2));
const verifier = mpin.createVerifier(serverSecret);

const A = enrol(alice, PIN);
const B = enrol(bob, PIN);
const tpAlice = permit(alice, DATE);

interface Attempt {
  mpinId?: Uint8Array; // identity the client claims
  token?: Uint8Array;
  pin?: number;
  date?: number;
  timePermit?: Uint8Array;
  serverDate?: number; // the date the server checks against
  serverId?: Uint8Array;
}
/** One two-pass authentication; returns both server answers (server2 and the verifier) and the wire values. */
function authenticate(a: Attempt = {}) {
  const mpinId = a.mpinId ?? alice;
  const date = a.date ?? DATE;
  const c1 = mpin.client1({
    mpinId,
    pin: a.pin ?? PIN,
    token: a.token ?? A.token,
    date,
    timePermit: a.timePermit ?? tpAlice,
  });
  const y = mpin.scalarToBytes(mpin.scalarFromBytes(mpin.randomMasterSecret())); // RPS challenge
  const v = mpin.client2(c1.x, y, c1.sec);
  const serverDate = a.serverDate ?? date;
  const serverId = a.serverId ?? mpinId;
  const s1 = mpin.server1(serverId, serverDate);
  const pass = { date: serverDate, y, u: c1.u, ut: c1.ut, v };
  const viaServer2 = mpin.server2({ ...pass, hid: s1.hid, htid: s1.htid, serverSecret });
  const viaVerifier = verifier.verify({ ...pass, mpinId: serverId });
  expect(viaServer2).toBe(viaVerifier);
  return { ok: viaServer2, c1, y, v, pass };
}

describe('D-TA shares', () => {
  it('recombined shares equal the shares of the summed master secret', () => {
    const sBytes = mpin.scalarToBytes(s);
    expect(A.cs).toEqual(mpin.clientSecretShare(sBytes, A.h));
    expect(serverSecret).toEqual(mpin.serverSecretShare(sBytes));
    expect(tpAlice).toEqual(mpin.timePermitShare(sBytes, DATE, A.h));
    expect(mpin.recombineG1(mpin.clientSecretShare(ms2, A.h), mpin.clientSecretShare(ms1, A.h))).toEqual(A.cs);
  });

  it('client secret = s·H(ID), server secret = s·Q, time permit = s·H_T(date, ID)', () => {
    expect(mpin.g1FromBytes(A.cs).equals(mpin.hashIdToG1(A.h).multiply(s))).toBe(true);
    expect(mpin.g2FromBytes(serverSecret).equals(G2.BASE.multiply(s))).toBe(true);
    expect(mpin.g1FromBytes(tpAlice).equals(mpin.timePermitPoint(DATE, A.h).multiply(s))).toBe(true);
  });

  it('random master secrets are 32-byte scalars in [1, r), all different', () => {
    const secrets = Array.from({ length: 20 }, () => mpin.randomMasterSecret());
    for (const m of secrets) expect(mpin.scalarFromBytes(m)).toBeGreaterThan(0n);
    expect(new Set(secrets.map(toHex)).size).toBe(20);
  });
});

describe('hashing', () => {
  it('HASH_ID is SHA-256 of the mpin_id bytes and H(ID) maps it with an even y', () => {
    expect(A.h).toEqual(sha256(alice));
    const H = mpin.hashIdToG1(A.h).toAffine();
    expect(H.y % 2n).toBe(0n);
    expect(H.x).toBeGreaterThanOrEqual(be(A.h) % bn254cx.p);
    expect(H.x - (be(A.h) % bn254cx.p)).toBeLessThan(100n); // try-and-increment from x = h mod p
  });

  it('hashit prefixes a 4-byte big-endian number when it is > 0; getY = SHA-256(time ‖ point) mod r', () => {
    expect(mpin.hashit(0, alice)).toEqual(sha256(alice));
    expect(mpin.hashit(DATE, A.h)).toEqual(sha256(Uint8Array.of(...be32(DATE), ...A.h)));
    const point = mpin.g1ToBytes(G1.BASE);
    const t = 1476187200;
    expect(be(mpin.getY(t, point))).toBe(be(sha256(Uint8Array.of(...be32(t), ...point))) % r);
  });

  it('mapToG1 always lands on the curve with an even y (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (h) => {
        const P = mpin.mapToG1(h);
        expect(() => P.assertValidity()).not.toThrow();
        expect(P.toAffine().y % 2n).toBe(0n);
      }),
      { numRuns: 50 },
    );
  });
});

describe('two-pass M-Pin with time permits', () => {
  it('accepts the right PIN', () => {
    const { ok, c1, v } = authenticate();
    expect(ok).toBe(true);
    for (const g of [c1.u, c1.ut!, c1.sec, v]) expect(toHex(g)).toMatch(/^04[0-9a-f]{128}$/);
  });

  it('rejects a wrong PIN', () => {
    expect(authenticate({ pin: PIN + 1 }).ok).toBe(false);
    expect(authenticate({ pin: 0 }).ok).toBe(false);
  });

  it('accepts exactly the right PIN (property over random PIN guesses)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 9999 }), (pin, guess) => {
        const { token } = enrol(alice, pin);
        expect(authenticate({ token, pin: guess }).ok).toBe(pin === guess);
        expect(authenticate({ token, pin }).ok).toBe(true);
      }),
      { numRuns: 4 },
    );
  });

  it('PINs 0 and 9999 work (and PIN 0 leaves the token equal to the client secret)', () => {
    for (const pin of [0, 9999]) {
      const { token } = enrol(alice, pin);
      expect(authenticate({ token, pin }).ok).toBe(true);
      expect(authenticate({ token, pin: pin === 0 ? 1 : 9998 }).ok).toBe(false);
    }
    expect(enrol(alice, 0).token).toEqual(A.cs);
    expect(A.token).not.toEqual(A.cs);
  });

  it('rejects a time permit for another day, and a client on another day than the server', () => {
    expect(authenticate({ timePermit: permit(alice, DATE + 1) }).ok).toBe(false);
    expect(authenticate({ timePermit: permit(alice, DATE - 1) }).ok).toBe(false);
    expect(authenticate({ serverDate: DATE + 1 }).ok).toBe(false);
    // a consistent client and server on the next day are fine
    expect(authenticate({ date: DATE + 1, timePermit: permit(alice, DATE + 1) }).ok).toBe(true);
  });

  it("rejects another identity's token or time permit", () => {
    expect(authenticate({ token: B.token }).ok).toBe(false); // Bob's token, Alice's id
    expect(authenticate({ mpinId: bob, token: A.token, timePermit: permit(bob, DATE) }).ok).toBe(false);
    expect(authenticate({ timePermit: permit(bob, DATE) }).ok).toBe(false);
    // Bob's own credentials work
    expect(authenticate({ mpinId: bob, token: B.token, timePermit: permit(bob, DATE) }).ok).toBe(true);
    // the server checking Alice's run against Bob's id
    expect(authenticate({ serverId: bob }).ok).toBe(false);
  });

  it('rejects a replayed V under a new challenge y', () => {
    const { ok, pass } = authenticate();
    expect(ok).toBe(true);
    const y2 = mpin.scalarToBytes((mpin.scalarFromBytes(pass.y) + 1n) % r);
    expect(verifier.verify({ ...pass, mpinId: alice, y: y2 })).toBe(false);
    const s1 = mpin.server1(alice, DATE);
    expect(mpin.server2({ ...pass, y: y2, htid: s1.htid, serverSecret })).toBe(false);
    // and the original still verifies (the check is deterministic)
    expect(verifier.verify({ ...pass, mpinId: alice })).toBe(true);
  });

  it('rejects U in place of UT, and a different server secret', () => {
    const { pass } = authenticate();
    expect(verifier.verify({ ...pass, mpinId: alice, ut: pass.u })).toBe(false);
    const other = mpin.createVerifier(mpin.serverSecretShare(ms1));
    expect(other.verify({ ...pass, mpinId: alice })).toBe(false);
  });

  it('CLIENT_1 / CLIENT_2 compute U = x·H(ID), UT = x·(H(ID) + H_T), SEC = token + pin·H(ID) + TP, V = −(x + y)·SEC', () => {
    const x = 0x1234567n;
    const c1 = mpin.client1({
      mpinId: alice,
      pin: PIN,
      token: A.token,
      date: DATE,
      timePermit: tpAlice,
      x: mpin.scalarToBytes(x),
    });
    const H = mpin.hashIdToG1(A.h);
    const HT = mpin.timePermitPoint(DATE, A.h);
    expect(c1.x).toEqual(mpin.scalarToBytes(x));
    expect(mpin.g1FromBytes(c1.u).equals(H.multiply(x))).toBe(true);
    expect(mpin.g1FromBytes(c1.ut!).equals(H.add(HT).multiply(x))).toBe(true);
    expect(mpin.g1FromBytes(c1.sec).equals(H.add(HT).multiply(s))).toBe(true);
    const y = 987654321n;
    const v = mpin.client2(c1.x, mpin.scalarToBytes(y), c1.sec);
    expect(
      mpin.g1FromBytes(v).equals(
        H.add(HT)
          .multiply((s * (x + y)) % r)
          .negate(),
      ),
    ).toBe(true);
    const s1 = mpin.server1(alice, DATE);
    expect(s1.hid).toEqual(mpin.g1ToBytes(H));
    expect(s1.htid).toEqual(mpin.g1ToBytes(H.add(HT)));
  });

  it('draws a fresh x for every CLIENT_1', () => {
    const a = mpin.client1({ mpinId: alice, pin: PIN, token: A.token, date: DATE, timePermit: tpAlice });
    const b = mpin.client1({ mpinId: alice, pin: PIN, token: A.token, date: DATE, timePermit: tpAlice });
    expect(a.x).not.toEqual(b.x);
    expect(a.u).not.toEqual(b.u);
    expect(a.sec).toEqual(b.sec);
  });

  it('accepts the challenge y = 0 (AMCL allows it)', () => {
    const c1 = mpin.client1({ mpinId: alice, pin: PIN, token: A.token, date: DATE, timePermit: tpAlice });
    const y = new Uint8Array(32);
    const v = mpin.client2(c1.x, y, c1.sec);
    expect(verifier.verify({ date: DATE, mpinId: alice, y, ut: c1.ut, v })).toBe(true);
  });
});

describe('two-pass M-Pin without time permits (date 0)', () => {
  it('accepts the right PIN and rejects a wrong one', () => {
    const right = authenticate({ date: 0 });
    expect(right.ok).toBe(true);
    expect(right.c1.ut).toBeUndefined();
    expect(mpin.server1(alice, 0).htid).toBeUndefined();
    expect(authenticate({ date: 0, pin: PIN - 1 }).ok).toBe(false);
    expect(authenticate({ date: 0, token: B.token }).ok).toBe(false);
  });

  it('a date-0 run does not pass a dated check, nor the reverse', () => {
    const { pass } = authenticate({ date: 0 });
    const s1 = mpin.server1(alice, DATE);
    // the server insists on ut for a dated check; with U passed as UT it rejects
    expect(mpin.server2({ ...pass, date: DATE, ut: pass.u, htid: s1.htid, serverSecret })).toBe(false);
    const dated = authenticate();
    expect(verifier.verify({ ...dated.pass, mpinId: alice, date: 0 })).toBe(false);
  });
});

describe('one-pass M-Pin', () => {
  const T = 1476194295;
  const run = (o: { pin?: number; date?: number; clientTime?: number; serverTime?: number; token?: Uint8Array }) => {
    const date = o.date ?? DATE;
    const c = mpin.clientOnePass({
      mpinId: alice,
      pin: o.pin ?? PIN,
      token: o.token ?? A.token,
      date,
      timePermit: tpAlice,
      timeValue: o.clientTime ?? T,
    });
    expect(c.y).toEqual(mpin.getY(o.clientTime ?? T, date ? c.ut! : c.u));
    return mpin.serverOnePass({
      mpinId: alice,
      date,
      timeValue: o.serverTime ?? T,
      serverSecret,
      u: c.u,
      ut: c.ut,
      v: c.v,
    });
  };

  it('accepts the right PIN with and without time permits', () => {
    expect(run({})).toBe(true);
    expect(run({ date: 0 })).toBe(true);
  });

  it('rejects a wrong PIN', () => {
    expect(run({ pin: PIN + 1 })).toBe(false);
    expect(run({ date: 0, pin: 9999 })).toBe(false);
  });

  it('rejects a server time value different from the client one', () => {
    expect(run({ serverTime: T + 1 })).toBe(false);
    expect(run({ date: 0, serverTime: T - 30 })).toBe(false);
  });

  it('time value 0 hashes without a prefix and still works', () => {
    expect(run({ clientTime: 0, serverTime: 0 })).toBe(true);
  });
});

describe('PIN digits and epoch days', () => {
  it('pinFromDigits reads exactly four decimal digits', () => {
    expect(pinFromDigits('0042')).toBe(42);
    expect(pinFromDigits('0000')).toBe(0);
    expect(pinFromDigits('9999')).toBe(9999);
  });

  it('pinFromDigits rejects other strings', () => {
    for (const v of ['42', '12345', 'abcd', '', '12 3', '1e3x', '-123', '0x1F'])
      expect(() => pinFromDigits(v), v).toThrow(MpinInputError);
    expect(() => pinFromDigits('42')).toThrow(/expected exactly 4 digits/);
  });

  it('pinFromDigits honours a shorter PIN length', () => {
    expect(pinFromDigits('042', 3)).toBe(42);
    expect(() => pinFromDigits('0042', 3)).toThrow(MpinInputError);
  });

  it('epochDay is floor(Unix seconds / 86400) in UTC: 2016-10-11 is day 17085', () => {
    expect(epochDay(new Date('2016-10-11T12:00:00Z'))).toBe(17085);
    expect(epochDay(new Date('2016-10-11T00:00:00Z'))).toBe(17085);
    expect(epochDay(new Date('2016-10-11T23:59:59.999Z'))).toBe(17085);
    expect(epochDay(new Date('2016-10-10T23:59:59.999Z'))).toBe(17084);
    expect(epochDay(new Date(0))).toBe(0);
    expect(DATE).toBe(17085);
  });

  it('a PIN read from digits authenticates like the number', () => {
    const { token } = enrol(alice, pinFromDigits('0042'));
    expect(authenticate({ token, pin: 42 }).ok).toBe(true);
    expect(fromHex(toHex(token))).toEqual(token);
  });
});
