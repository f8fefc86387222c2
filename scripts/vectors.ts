/**
 * Runs every vector of an Apache Milagro MPIN vector file through lib/mpin and checks every field it
 * can recompute. Usage: `npm run vectors -- FILE [FILE…]`. Knows the JSON formats of
 * tests/vectors/ (two-pass D-TA files, one-pass files, the crypto-js BN254 files); the curve
 * comes from the file name (BN254CX / BN254_CX, else BN254). Prints one line per failing vector and
 * a last line `N passed, M failed`; exits 1 when any vector failed, 2 when a file cannot be run.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { bn254amcl } from '../lib/mpin/bn254.ts';
import { bn254cx } from '../lib/mpin/bn254cx.ts';
import { fromHex, toHex, utf8ToBytes } from '../lib/mpin/bytes.ts';
import { createMpin, type Mpin } from '../lib/mpin/mpin.ts';
import { parseMpinId } from '../lib/mpin/mpin-id.ts';

type Vector = Record<string, string | number | undefined>; // some files hold numbers: read fields through s() // numbers in some files: every read goes through String() or Number()
type Check = [field: string, compute: () => string | boolean | number];

export function curveForFile(file: string): Mpin | undefined {
  const name = basename(file).toUpperCase();
  if (/BN254_?CX/.test(name)) return mpinBn254cx;
  if (/BN254/.test(name)) return mpinBn254;
  return undefined;
}

const mpinBn254cx = createMpin(bn254cx);
const mpinBn254 = createMpin(bn254amcl);

/** The checks for one vector: each recomputes one field from the fields it depends on. */
export function vectorChecks(m: Mpin, v: Vector): Check[] {
  const s = (field: string): string => {
    if (v[field] === undefined) throw new Error(`missing field ${field}`);
    return String(v[field]);
  };
  const b = (field: string) => fromHex(s(field), field);
  const hex = (bytes: Uint8Array | undefined) => (bytes ? toHex(bytes) : '(none)');
  const date = Number(v.DATE ?? 0);
  const mpinId = b('MPIN_ID_HEX');
  const onePass = 'TimeValue' in v;
  const checks: Check[] = [];
  if ('mpin_id' in v) checks.push(['MPIN_ID_HEX', () => toHex(utf8ToBytes(s('mpin_id')))]);
  if ('mpin_id' in v)
    checks.push([
      'mpin_id (parse)',
      () => parseMpinId(s('MPIN_ID_HEX')).fields.userID === (JSON.parse(s('mpin_id')) as { userID?: unknown }).userID,
    ]);
  if ('HASH_MPIN_ID_HEX' in v) checks.push(['HASH_MPIN_ID_HEX', () => hex(m.hashId(mpinId))]);
  for (const i of ['1', '2']) {
    if (!(`MS${i}` in v)) continue;
    checks.push([`SS${i}`, () => hex(m.serverSecretShare(b(`MS${i}`)))]);
    checks.push([`CS${i}`, () => hex(m.clientSecretShare(b(`MS${i}`), m.hashId(mpinId)))]);
    if (date) checks.push([`TP${i}`, () => hex(m.timePermitShare(b(`MS${i}`), date, m.hashId(mpinId)))]);
  }
  checks.push(['SERVER_SECRET', () => hex(m.recombineG2(b('SS1'), b('SS2')))]);
  checks.push(['CLIENT_SECRET', () => hex(m.recombineG1(b('CS1'), b('CS2')))]);
  if (date && 'TP1' in v) checks.push(['TIME_PERMIT', () => hex(m.recombineG1(b('TP1'), b('TP2')))]);
  checks.push(['TOKEN', () => hex(m.extractPin(mpinId, Number(v.PIN1), b('CLIENT_SECRET')))]);

  let pass1Result: ReturnType<Mpin['client1']> | undefined;
  const pass1 = () =>
    (pass1Result ??= m.client1({
      mpinId,
      pin: Number(v.PIN2),
      token: b('TOKEN'),
      date,
      timePermit: date ? b('TIME_PERMIT') : undefined,
      x: b('X'),
    }));
  checks.push(['U', () => hex(pass1().u)]);
  if (date) checks.push(['UT', () => hex(pass1().ut)]);
  const expectAccept = v.SERVER_OUTPUT === undefined || Number(v.SERVER_OUTPUT) === 0;
  if (onePass) {
    const timeValue = Number(v.TimeValue);
    checks.push(['Y', () => hex(m.getY(timeValue, date ? b('UT') : b('U')))]);
    // in one-pass files SEC holds the client's final value, V = −(x+y)·SEC
    checks.push([
      'SEC',
      () =>
        hex(
          m.clientOnePass({
            mpinId,
            pin: Number(v.PIN2),
            token: b('TOKEN'),
            date,
            timePermit: date ? b('TIME_PERMIT') : undefined,
            x: b('X'),
            timeValue,
          }).v,
        ),
    ]);
    checks.push([
      'SERVER_OUTPUT',
      () =>
        m.serverOnePass({
          mpinId,
          date,
          timeValue,
          serverSecret: b('SERVER_SECRET'),
          u: b('U'),
          ut: date ? b('UT') : undefined,
          v: b('SEC'),
        }) === expectAccept,
    ]);
  } else {
    if ('SEC' in v) checks.push(['SEC', () => hex(pass1().sec)]);
    checks.push(['V', () => hex(m.client2(b('X'), b('Y'), 'SEC' in v ? b('SEC') : pass1().sec))]);
    checks.push([
      'SERVER_OUTPUT',
      () => {
        const { hid, htid } = m.server1(mpinId, date);
        const input = {
          date,
          hid,
          htid,
          y: b('Y'),
          serverSecret: b('SERVER_SECRET'),
          u: b('U'),
          ut: date ? b('UT') : undefined,
          v: b('V'),
        };
        const accepted = m.server2(input);
        const verifier = m.createVerifier(b('SERVER_SECRET'));
        return accepted === expectAccept && verifier.verify({ ...input, mpinId }) === expectAccept;
      },
    ]);
    // how far off the PIN was: AMCL's kangaroo answer, PIN2 − PIN1 (0 for accepted vectors)
    checks.push([
      'PIN error',
      () =>
        m
          .createVerifier(b('SERVER_SECRET'))
          .pinError({ mpinId, date, y: b('Y'), u: b('U'), ut: date ? b('UT') : undefined, v: b('V') }) ===
        Number(s('PIN2')) - Number(s('PIN1')),
    ]);
  }
  return checks;
}

/** Runs one vector; returns the names of the fields that did not match, with the reason. */
export function runVector(m: Mpin, v: Vector): string[] {
  const failures: string[] = [];
  for (const [field, compute] of vectorChecks(m, v)) {
    try {
      const got = compute();
      const ok = typeof got === 'boolean' ? got : String(got).toLowerCase() === String(v[field]).toLowerCase();
      if (!ok)
        failures.push(
          typeof got === 'boolean' ? `${field}: check failed` : `${field}: got ${got}, expected ${v[field]}`,
        );
    } catch (e) {
      failures.push(`${field}: ${(e as Error).message}`);
    }
  }
  return failures;
}

export function runFile(file: string, log: (line: string) => void = console.log): { passed: number; failed: number } {
  const m = curveForFile(file);
  if (!m) throw new Error(`${file}: no supported curve in the file name (BN254CX and BN254 are supported)`);
  const vectors = JSON.parse(readFileSync(file, 'utf8')) as Vector[];
  if (!Array.isArray(vectors) || vectors.length === 0) throw new Error(`${file}: expected a non-empty JSON array`);
  let passed = 0;
  let failed = 0;
  vectors.forEach((v, i) => {
    const failures = runVector(m, v);
    if (failures.length === 0) passed++;
    else {
      failed++;
      log(`FAIL ${basename(file)} #${v.test_no ?? i}: ${failures.join('; ')}`);
    }
  });
  return { passed, failed };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    console.error('usage: npm run vectors -- FILE [FILE…]');
    process.exit(2);
  }
  let passed = 0;
  let failed = 0;
  for (const file of files) {
    try {
      const r = runFile(file);
      if (files.length > 1)
        console.log(`${basename(file)} (${curveForFile(file)!.curve.name}): ${r.passed} passed, ${r.failed} failed`);
      passed += r.passed;
      failed += r.failed;
    } catch (e) {
      console.error((e as Error).message);
      process.exit(2);
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}
