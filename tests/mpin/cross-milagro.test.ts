// Cross-implementation tests: lib/mpin against Apache Milagro's own milagro-crypto-js 3.3.0 (BN254CX,
// SHA-256), through the test-only oracle in tests/support/milagro-oracle.ts. Every run draws fresh
// inputs from crypto.getRandomValues (master-secret shares, mpin_ids, dates, PINs, x, y, time values),
// a few cases per property because each pairing costs tens of milliseconds; a failure message carries
// the inputs as hex so the case can be replayed.
import { describe, expect, it } from 'vitest';
import { buildMpinId, epochDay, mpin, toHex } from '../../lib/mpin/index.ts';
import { MILAGRO_BAD_PIN, MILAGRO_OK, createMilagroOracle } from '../support/milagro-oracle.ts';

const milagro = createMilagroOracle();
const TIMEOUT = 60_000;
const r = mpin.curve.r;

// ---- random inputs ----

/** Uniform in [0, bound), bound ≤ 2³², by rejection sampling. */
function randomInt(bound: number): number {
  const limit = 2 ** 32 - (2 ** 32 % bound);
  const buf = new Uint32Array(1);
  for (;;) {
    crypto.getRandomValues(buf);
    const v = buf[0]!;
    if (v < limit) return v % bound;
  }
}

const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
const randomWord = (min: number, max: number) =>
  Array.from({ length: min + randomInt(max - min + 1) }, () => ALNUM[randomInt(ALNUM.length)]).join('');

/** A random e-mail, now and then with characters that the mpin_id JSON escapes. */
function randomEmail(): string {
  const extra = ['', '', '+tag', '.ü', '"q"', '\\'][randomInt(6)];
  return `${randomWord(1, 12)}${extra}@${randomWord(2, 10)}.${['com', 'org', 'io', 'co.uk'][randomInt(4)]}`;
}

function randomMpinId(): Uint8Array {
  const issued = new Date(Date.now() - randomInt(5 * 365 * 86400) * 1000 - randomInt(1000));
  return buildMpinId({ userID: randomEmail(), mobile: randomInt(2) as 0 | 1, issued }).bytes;
}

/** An epoch day within a month of today. */
const randomDate = () => epochDay(new Date()) - 30 + randomInt(61);
const randomPin = () => randomInt(10000);
/** Any PIN but `pin`. */
const wrongPin = (pin: number) => (pin + 1 + randomInt(9999)) % 10000;
/** A Unix time within a day of now. */
const randomTimeValue = () => Math.floor(Date.now() / 1000) - 86400 + randomInt(2 * 86400);

/** A random non-zero scalar, from lib/mpin's or milagro's RNG by turns. */
let turn = 0;
const randomScalar = () => (turn++ % 2 ? mpin.randomMasterSecret() : milagro.randomScalar());

const hex = toHex;
const bigOf = (b: Uint8Array) => BigInt('0x' + hex(b));
const scalarBytes = (n: bigint) => mpin.scalarToBytes(n);

function defined<T>(value: T | undefined, what: string): T {
  expect(value, `${what} is missing`).toBeDefined();
  return value as T;
}

/** Describes a case for failure messages. */
const show = (fields: Record<string, Uint8Array | number | string>) =>
  JSON.stringify(Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v instanceof Uint8Array ? hex(v) : v])));

// ---- a registered identity, issued by two D-TAs with lib/mpin (test 1 shows milagro issues the same bytes) ----

interface Identity {
  mpinId: Uint8Array;
  clientSecret: Uint8Array;
  serverSecret: Uint8Array;
  date: number;
  timePermit: Uint8Array;
  pin: number;
  s1: Uint8Array;
  s2: Uint8Array;
}

function register(): Identity {
  const mpinId = randomMpinId();
  const s1 = randomScalar();
  const s2 = randomScalar();
  const date = randomDate();
  const hashedId = mpin.hashId(mpinId);
  return {
    mpinId,
    s1,
    s2,
    date,
    pin: randomPin(),
    clientSecret: mpin.recombineG1(mpin.clientSecretShare(s1, hashedId), mpin.clientSecretShare(s2, hashedId)),
    serverSecret: mpin.recombineG2(mpin.serverSecretShare(s1), mpin.serverSecretShare(s2)),
    timePermit: mpin.recombineG1(mpin.timePermitShare(s1, date, hashedId), mpin.timePermitShare(s2, date, hashedId)),
  };
}

const describeIdentity = (id: Identity, extra: Record<string, Uint8Array | number | string> = {}) =>
  show({ mpinId: id.mpinId, s1: id.s1, s2: id.s2, date: id.date, pin: id.pin, ...extra });

// ---- 1. D-TA ----

describe('D-TA outputs equal milagro-crypto-js byte for byte', () => {
  it('hashId, client/server secret shares, time-permit shares and their recombination', { timeout: TIMEOUT }, () => {
    for (let i = 0; i < 10; i++) {
      const mpinId = randomMpinId();
      const s1 = randomScalar();
      const s2 = randomScalar();
      const date = randomDate();
      const label = show({ mpinId, s1, s2, date });

      const hashedId = mpin.hashId(mpinId);
      expect(hex(hashedId), label).toBe(hex(milagro.hashId(mpinId)));

      const ours = {
        cs: [mpin.clientSecretShare(s1, hashedId), mpin.clientSecretShare(s2, hashedId)] as const,
        ss: [mpin.serverSecretShare(s1), mpin.serverSecretShare(s2)] as const,
        tp: [mpin.timePermitShare(s1, date, hashedId), mpin.timePermitShare(s2, date, hashedId)] as const,
      };
      const theirs = {
        cs: [milagro.clientSecretShare(s1, hashedId), milagro.clientSecretShare(s2, hashedId)] as const,
        ss: [milagro.serverSecretShare(s1), milagro.serverSecretShare(s2)] as const,
        tp: [milagro.timePermitShare(s1, date, hashedId), milagro.timePermitShare(s2, date, hashedId)] as const,
      };
      for (const k of ['cs', 'ss', 'tp'] as const) {
        expect(ours[k].map(hex), `${k} shares ${label}`).toEqual(theirs[k].map(hex));
      }

      const cs = mpin.recombineG1(...ours.cs);
      const ss = mpin.recombineG2(...ours.ss);
      const tp = mpin.recombineG1(...ours.tp);
      expect(hex(cs), `client secret ${label}`).toBe(hex(milagro.recombineG1(...theirs.cs)));
      expect(hex(ss), `server secret ${label}`).toBe(hex(milagro.recombineG2(...theirs.ss)));
      expect(hex(tp), `time permit ${label}`).toBe(hex(milagro.recombineG1(...theirs.tp)));

      // and the sums are the secrets of s = s1 + s2, as milagro issues them from s directly
      const s = scalarBytes((bigOf(s1) + bigOf(s2)) % r);
      expect(hex(cs), `client secret of s1+s2 ${label}`).toBe(hex(milagro.clientSecretShare(s, hashedId)));
      expect(hex(ss), `server secret of s1+s2 ${label}`).toBe(hex(milagro.serverSecretShare(s)));
      expect(hex(tp), `time permit of s1+s2 ${label}`).toBe(hex(milagro.timePermitShare(s, date, hashedId)));
    }
  });
});

// ---- 2. PIN extraction ----

describe('extractPin equals milagro EXTRACT_PIN', () => {
  it('for random PINs and the edges 0, 1 and 9999', { timeout: TIMEOUT }, () => {
    const pins = [0, 1, 9999, ...Array.from({ length: 10 }, randomPin)];
    for (const pin of pins) {
      const mpinId = randomMpinId();
      const s = randomScalar();
      const cs = mpin.clientSecretShare(s, mpin.hashId(mpinId));
      const label = show({ mpinId, s, pin });
      expect(hex(mpin.extractPin(mpinId, pin, cs)), label).toBe(hex(milagro.extractPin(mpinId, pin, cs)));
    }
  });
});

// ---- 3. two-pass protocol across implementations ----

/** Our client, passes 1 and 2, with the server's y drawn by milagro. */
function ourClient(id: Identity, token: Uint8Array, pin: number, date: number) {
  const pass1 = mpin.client1({ mpinId: id.mpinId, pin, token, date, timePermit: date ? id.timePermit : undefined });
  const y = milagro.randomScalar();
  return { ...pass1, y, v: mpin.client2(pass1.x, y, pass1.sec) };
}

/** Milagro's client, passes 1 and 2, with the server's y drawn by lib/mpin. */
function milagroClient(id: Identity, token: Uint8Array, pin: number, date: number) {
  const pass1 = milagro.client1({ mpinId: id.mpinId, pin, token, date, timePermit: date ? id.timePermit : undefined });
  const y = mpin.randomMasterSecret();
  return { ...pass1, y, v: milagro.client2(pass1.x, y, pass1.sec) };
}

for (const permits of [true, false]) {
  const title = permits ? 'with a time permit' : 'with date 0 (no time permit)';
  const cases = permits ? 8 : 5;

  describe(`two-pass M-Pin across implementations, ${title}`, () => {
    it(
      'our client1/client2 against milagro SERVER_1/SERVER_2: right PIN 0, wrong PIN -19',
      { timeout: TIMEOUT },
      () => {
        for (let i = 0; i < cases; i++) {
          const id = register();
          const date = permits ? id.date : 0;
          const token = mpin.extractPin(id.mpinId, id.pin, id.clientSecret);
          const { hid, htid } = milagro.server1(id.mpinId, date);
          for (const [pin, expected] of [
            [id.pin, MILAGRO_OK],
            [wrongPin(id.pin), MILAGRO_BAD_PIN],
          ] as const) {
            const c = ourClient(id, token, pin, date);
            const label = describeIdentity(id, { date, tryPin: pin, x: c.x, y: c.y });
            if (permits) defined(c.ut, 'ut');
            else expect(c.ut, label).toBeUndefined();
            const result = milagro.server2({
              date,
              hid,
              htid,
              y: c.y,
              serverSecret: id.serverSecret,
              u: c.u,
              ut: c.ut,
              v: c.v,
            });
            expect(result, label).toBe(expected);
          }
        }
      },
    );

    it(
      'milagro CLIENT_1/CLIENT_2 against our server1/server2 and createVerifier().verify',
      { timeout: TIMEOUT },
      () => {
        for (let i = 0; i < cases; i++) {
          const id = register();
          const date = permits ? id.date : 0;
          const token = milagro.extractPin(id.mpinId, id.pin, id.clientSecret);
          const verifier = mpin.createVerifier(id.serverSecret);
          const { hid, htid } = mpin.server1(id.mpinId, date);
          expect(hex(hid)).toBe(hex(milagro.server1(id.mpinId, date).hid));
          if (permits)
            expect(hex(defined(htid, 'htid'))).toBe(hex(defined(milagro.server1(id.mpinId, date).htid, 'htid')));
          for (const [pin, expected] of [
            [id.pin, true],
            [wrongPin(id.pin), false],
          ] as const) {
            const c = milagroClient(id, token, pin, date);
            const label = describeIdentity(id, { date, tryPin: pin, x: c.x, y: c.y });
            const pass2 = { date, y: c.y, u: c.u, ut: c.ut, v: c.v };
            expect(mpin.server2({ ...pass2, hid, htid, serverSecret: id.serverSecret }), `server2 ${label}`).toBe(
              expected,
            );
            expect(verifier.verify({ ...pass2, mpinId: id.mpinId }), `verify ${label}`).toBe(expected);
          }
        }
      },
    );
  });
}

// ---- 4. the client's values for a given x ----

describe('client1/client2 for a given x equal milagro CLIENT_1/CLIENT_2 byte for byte', () => {
  it('U, UT, SEC and V, with a time permit and with date 0, right and wrong PINs', { timeout: TIMEOUT }, () => {
    for (let i = 0; i < 10; i++) {
      const id = register();
      const date = i < 6 ? id.date : 0;
      const token = mpin.extractPin(id.mpinId, id.pin, id.clientSecret);
      const pin = i % 2 ? id.pin : wrongPin(id.pin);
      const x = randomScalar();
      const y = randomScalar();
      const label = describeIdentity(id, { date, tryPin: pin, x, y });
      const input = { mpinId: id.mpinId, pin, token, date, timePermit: date ? id.timePermit : undefined, x };

      const ours = mpin.client1(input);
      const theirs = milagro.client1(input);
      expect(hex(ours.x), label).toBe(hex(x));
      expect(hex(theirs.x), label).toBe(hex(x));
      expect(hex(ours.u), `U ${label}`).toBe(hex(theirs.u));
      expect(hex(ours.sec), `SEC ${label}`).toBe(hex(theirs.sec));
      if (date) expect(hex(defined(ours.ut, 'our UT')), `UT ${label}`).toBe(hex(defined(theirs.ut, 'milagro UT')));
      else expect(ours.ut, label).toBeUndefined();
      expect(hex(mpin.client2(x, y, ours.sec)), `V ${label}`).toBe(hex(milagro.client2(x, y, theirs.sec)));
    }
  });
});

// ---- 5. one-pass ----

describe('one-pass M-Pin across implementations', () => {
  it('getY equals milagro GET_Y', () => {
    for (let i = 0; i < 10; i++) {
      const point = mpin.g1ToBytes(mpin.curve.G1.BASE.multiply(bigOf(randomScalar()) || 1n));
      const timeValue = i === 0 ? 0 : randomTimeValue();
      expect(hex(mpin.getY(timeValue, point)), show({ timeValue, point })).toBe(hex(milagro.getY(timeValue, point)));
    }
  });

  it(
    'our clientOnePass against milagro SERVER, and milagro CLIENT against our serverOnePass',
    { timeout: TIMEOUT },
    () => {
      for (let i = 0; i < 8; i++) {
        const id = register();
        const date = i < 5 ? id.date : 0;
        const timeValue = randomTimeValue();
        const token = mpin.extractPin(id.mpinId, id.pin, id.clientSecret);
        const timePermit = date ? id.timePermit : undefined;
        const wrong = wrongPin(id.pin);

        for (const [pin, right] of [
          [id.pin, true],
          [wrong, false],
        ] as const) {
          const label = describeIdentity(id, { date, timeValue, tryPin: pin });

          const ours = mpin.clientOnePass({ mpinId: id.mpinId, pin, token, date, timePermit, timeValue });
          const atMilagro = milagro.serverOnePass({
            mpinId: id.mpinId,
            date,
            timeValue,
            serverSecret: id.serverSecret,
            u: ours.u,
            ut: ours.ut,
            v: ours.v,
          });
          expect(atMilagro, `milagro SERVER ${label} x=${hex(ours.x)}`).toBe(right ? MILAGRO_OK : MILAGRO_BAD_PIN);

          const theirs = milagro.clientOnePass({ mpinId: id.mpinId, pin, token, date, timePermit, timeValue });
          const atOurs = mpin.serverOnePass({
            mpinId: id.mpinId,
            date,
            timeValue,
            serverSecret: id.serverSecret,
            u: theirs.u,
            ut: theirs.ut,
            v: theirs.v,
          });
          expect(atOurs, `our serverOnePass ${label} x=${hex(theirs.x)}`).toBe(right);
        }
      }
    },
  );

  it('clientOnePass for a given x equals milagro CLIENT byte for byte', { timeout: TIMEOUT }, () => {
    for (let i = 0; i < 8; i++) {
      const id = register();
      const date = i < 5 ? id.date : 0;
      const token = mpin.extractPin(id.mpinId, id.pin, id.clientSecret);
      const x = randomScalar();
      const timeValue = randomTimeValue();
      const pin = i % 2 ? id.pin : wrongPin(id.pin);
      const label = describeIdentity(id, { date, tryPin: pin, x, timeValue });
      const input = { mpinId: id.mpinId, pin, token, date, timePermit: date ? id.timePermit : undefined, x, timeValue };

      const ours = mpin.clientOnePass(input);
      const theirs = milagro.clientOnePass(input);
      expect(hex(ours.y), `y ${label}`).toBe(hex(theirs.y));
      expect(hex(ours.v), `V ${label}`).toBe(hex(theirs.v));
      if (date) expect(hex(defined(ours.ut, 'our UT')), `UT ${label}`).toBe(hex(defined(theirs.ut, 'milagro UT')));
      else expect(hex(ours.u), `U ${label}`).toBe(hex(defined(theirs.u, 'milagro U')));
    }
  });
});
