/**
 * `npm run bench`: lib/mpin against milagro-crypto-js 3.3.0 (Apache Milagro's own AMCL in JavaScript), in one
 * process, on the same inputs. Operations are timed in interleaved rounds (ours, theirs, ours, …) so that
 * a busy machine slows both alike; the table gives medians in ms and the ratio ours/theirs.
 * Targets (issue 2): server pass-2 check ≤ 0.4×, client login work (pass 1 + pass 2 with a time permit) ≤ 0.9×.
 * This is a benchmark, not a test: it never fails on speed.
 */
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { buildMpinId, epochDay, mpin, randomBytes } from '../lib/mpin/index.ts';

const require = createRequire(import.meta.url);

type Any = any;
const CTX = require('milagro-crypto-js');
const ctx: Any = new CTX('BN254CX');
const rng: Any = new ctx.RAND();
rng.seed(128, Array.from(randomBytes(128)));
const SHA = ctx.MPIN.SHA256;
const arr = (u: Uint8Array) => Array.from(u);

const rounds = Number(process.env.BENCH_ROUNDS ?? 30);

// ---- shared fixtures: one identity with real D-TA outputs ----
const id = buildMpinId({ userID: 'bench@example.com', mobile: 1 });
const hashedId = mpin.hashId(id.bytes);
const ms = mpin.randomMasterSecret();
const date = epochDay(new Date());
const pin = 1234;
const clientSecret = mpin.clientSecretShare(ms, hashedId);
const serverSecret = mpin.serverSecretShare(ms);
const timePermit = mpin.timePermitShare(ms, date, hashedId);
const token = mpin.extractPin(id.bytes, pin, clientSecret);
const verifier = mpin.createVerifier(serverSecret);
const scalar = () => mpin.scalarFromBytes(mpin.randomMasterSecret());
const G1 = mpin.curve.G1;
const G2 = mpin.curve.G2;
const g1Point = G1.BASE.multiply(scalar());
const g2Point = G2.BASE.multiply(scalar());
const amclG1 = ctx.ECP.fromBytes(arr(mpin.g1ToBytes(g1Point)));
const amclG2 = ctx.ECP2.fromBytes(arr(mpin.g2ToBytes(g2Point)));
const amclScalar = () => ctx.BIG.fromBytes(arr(mpin.randomMasterSecret()));

// A login's worth of pass values, from our client, for the server checks.
function loginValues() {
  const p1 = mpin.client1({ mpinId: id.bytes, pin, token, date, timePermit });
  const y = mpin.randomMasterSecret();
  return { u: p1.u, ut: p1.ut!, y, v: mpin.client2(p1.x, y, p1.sec) };
}

interface Case {
  name: string;
  ours: () => unknown;
  theirs: () => unknown;
}

const cases: Case[] = [
  {
    name: 'hash to G1 (mapit)',
    ours: () => mpin.mapToG1(randomBytes(32)),
    theirs: () => ctx.ECP.mapit(arr(randomBytes(32))),
  },
  {
    name: 'G1 multiplication (constant-time)',
    ours: () => g1Point.multiply(scalar()),
    theirs: () => ctx.PAIR.G1mul(amclG1, amclScalar()),
  },
  {
    name: 'G2 multiplication (constant-time)',
    ours: () => g2Point.multiply(scalar()),
    theirs: () => ctx.PAIR.G2mul(amclG2, amclScalar()),
  },
  {
    name: 'one pairing',
    ours: () => mpin.curve.pairing.pairing(g1Point, g2Point),
    theirs: () => ctx.PAIR.fexp(ctx.PAIR.ate(amclG2, amclG1)),
  },
  {
    name: 'client login work (pass 1 + pass 2, time permit)',
    ours: () => {
      const p1 = mpin.client1({ mpinId: id.bytes, pin, token, date, timePermit });
      return mpin.client2(p1.x, mpin.randomMasterSecret(), p1.sec);
    },
    theirs: () => {
      const X: number[] = [],
        SEC: number[] = [],
        U: number[] = [],
        UT: number[] = [];
      ctx.MPIN.CLIENT_1(SHA, date, arr(id.bytes), rng, X, pin, arr(token), SEC, U, UT, arr(timePermit));
      const Y = arr(mpin.randomMasterSecret());
      ctx.MPIN.CLIENT_2(X, Y, SEC);
      return SEC;
    },
  },
  {
    name: 'server pass-2 check (SERVER_1 + SERVER_2)',
    ours: () => verifier.verify({ mpinId: id.bytes, date, ...loginFixture }),
    theirs: () => {
      const HID: number[] = [],
        HTID: number[] = [];
      ctx.MPIN.SERVER_1(SHA, date, arr(id.bytes), HID, HTID);
      return ctx.MPIN.SERVER_2(
        date,
        HID,
        HTID,
        arr(loginFixture.y),
        arr(serverSecret),
        arr(loginFixture.u),
        arr(loginFixture.ut),
        arr(loginFixture.v),
        null,
        null,
      );
    },
  },
];
const loginFixture = loginValues();

// Both sides must agree before their speed means anything.
if (!verifier.verify({ mpinId: id.bytes, date, ...loginFixture })) throw new Error('our server rejected our client');
if (cases[5]!.theirs() !== 0) throw new Error('milagro-crypto-js rejected our client');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const time = (fn: () => unknown) => {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
};

const results = cases.map((c) => {
  for (let i = 0; i < 3; i++) {
    c.ours();
    c.theirs();
  } // warm-up: JIT and lazily built tables
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let i = 0; i < rounds; i++) {
    ours.push(time(c.ours));
    theirs.push(time(c.theirs));
  }
  return { name: c.name, ours: median(ours), theirs: median(theirs) };
});

const fmt = (ms: number) => ms.toFixed(2);
console.log(
  `M-Pin crypto, BN254CX: lib/mpin vs milagro-crypto-js 3.3.0 (median ms of ${rounds} interleaved rounds, Node ${process.version})\n`,
);
console.log('| operation | lib/mpin | milagro-crypto-js | ratio |');
console.log('| --- | ---: | ---: | ---: |');
for (const r of results)
  console.log(`| ${r.name} | ${fmt(r.ours)} | ${fmt(r.theirs)} | ${(r.ours / r.theirs).toFixed(2)}× |`);
const target = (name: string, max: number) => {
  const r = results.find((x) => x.name.startsWith(name))!;
  const ratio = r.ours / r.theirs;
  console.log(`${ratio <= max ? 'meets' : 'MISSES'} target: ${name} ${ratio.toFixed(2)}× (target ≤ ${max}×)`);
};
console.log('');
target('server pass-2 check', 0.4);
target('client login work', 0.9);
