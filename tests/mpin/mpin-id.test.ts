// @vitest-environment node
// mpin_id: the exact bytes Python's json.dumps writes for Milagro's RPS, and a parser that keeps
// whatever bytes it was given.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildMpinId, formatIssued, fromHex, MpinInputError, parseMpinId, toHex } from '@/lib/mpin/index.ts';

const utf8 = (s: string) => new TextEncoder().encode(s);
const hexOf = (s: string) => toHex(utf8(s));
const SALT = fromHex('440d2399849722a1ccd3b17e622f7462');
const ISSUED = new Date('2016-10-11T13:58:15.183Z');

/**
 * An independent model of Python's json.dumps(s) (ensure_ascii=True) for one string: JSON.stringify
 * uses the same escapes for '"', '\\' and the C0 controls (\b \f \n \r \t, else lowercase \u00xx),
 * and Python additionally writes every code unit from 0x7f up as lowercase \uxxxx.
 */
const pyString = (s: string) =>
  JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
const pyDumps = (f: { mobile: number; issued: string; userID: string; salt: string }) =>
  `{"mobile": ${f.mobile}, "issued": ${pyString(f.issued)}, "userID": ${pyString(f.userID)}, "salt": ${pyString(f.salt)}}`;

function rejects(f: () => unknown, ...patterns: RegExp[]) {
  let thrown: unknown;
  try {
    f();
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(MpinInputError);
  for (const re of patterns) expect((thrown as Error).message).toMatch(re);
}

const build = (userID: string, mobile: 0 | 1 = 1) => buildMpinId({ userID, mobile, issued: ISSUED, salt: SALT });
const text = (id: { bytes: Uint8Array }) => new TextDecoder().decode(id.bytes);

describe('buildMpinId', () => {
  it('writes the recorded Milagro example byte for byte', () => {
    const id = build('testUser');
    const expected =
      '{"mobile": 1, "issued": "2016-10-11 13:58:15.183000", "userID": "testUser", "salt": "440d2399849722a1ccd3b17e622f7462"}';
    expect(text(id)).toBe(expected);
    expect(id.bytes).toEqual(utf8(expected));
    expect(id.hex).toBe(hexOf(expected));
    expect(id.hex).toMatch(/^[0-9a-f]+$/);
    expect(id.fields).toEqual({
      mobile: 1,
      issued: '2016-10-11 13:58:15.183000',
      userID: 'testUser',
      salt: '440d2399849722a1ccd3b17e622f7462',
    });
  });

  it('writes mobile 0 as 0', () => {
    expect(text(build('a@b.c', 0))).toMatch(/^\{"mobile": 0, "issued": /);
  });

  it('escapes non-ASCII as lowercase \\uXXXX, astral characters as surrogate pairs', () => {
    expect(text(build('josé@x.y'))).toContain('"userID": "jos\\u00e9@x.y"');
    expect(text(build('😀@x.y'))).toContain('"userID": "\\ud83d\\ude00@x.y"');
    expect(text(build('ÉÀ'))).toContain('"userID": "\\u00c9\\u00c0"');
    expect(text(build('日本'))).toContain('"userID": "\\u65e5\\u672c"');
  });

  it('escapes quotes, backslashes, DEL and control characters as Python does', () => {
    // python3 -c 'import json; print(json.dumps("a\"b\\c\x7f\x01\n\t\r\b\f"))'
    expect(text(build('a"b\\c\x7f\x01\n\t\r\b\f'))).toContain('"userID": "a\\"b\\\\c\\u007f\\u0001\\n\\t\\r\\b\\f"');
    expect(text(build('</script>'))).toContain('"userID": "</script>"'); // '/' is not escaped
  });

  it('is pure ASCII and equals the json.dumps model for any userID (property)', () => {
    const anyUnit = fc.string({
      unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
      minLength: 1,
      maxLength: 60,
    });
    const codePoints = fc.string({ unit: 'binary', minLength: 1, maxLength: 60 });
    fc.assert(
      fc.property(fc.oneof(anyUnit, codePoints), fc.constantFrom<0 | 1>(0, 1), (userID, mobile) => {
        const id = build(userID, mobile);
        expect(id.bytes.every((b) => b >= 0x20 && b < 0x7f)).toBe(true);
        expect(text(id)).toBe(pyDumps(id.fields));
        expect(JSON.parse(text(id)).userID).toBe(userID);
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips through parseMpinId with the same fields and bytes (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', minLength: 1, maxLength: 80 }),
        fc.constantFrom<0 | 1>(0, 1),
        fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        (userID, mobile, issued, salt) => {
          const id = buildMpinId({ userID, mobile, issued, salt });
          const parsed = parseMpinId(id.hex);
          expect(parsed.fields).toEqual(id.fields);
          expect(parsed.bytes).toEqual(id.bytes);
          expect(parsed.hex).toBe(id.hex);
          expect(parsed.fields.userID).toBe(userID);
          expect(parseMpinId(id.hex.toUpperCase()).hex).toBe(id.hex);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('draws a fresh 16-byte salt when none is given', () => {
    const a = buildMpinId({ userID: 'u@x.y', mobile: 1, issued: ISSUED });
    const b = buildMpinId({ userID: 'u@x.y', mobile: 1, issued: ISSUED });
    expect(a.fields.salt).toMatch(/^[0-9a-f]{32}$/);
    expect(b.fields.salt).toMatch(/^[0-9a-f]{32}$/);
    expect(a.fields.salt).not.toBe(b.fields.salt);
    expect(a.hex).not.toBe(b.hex);
    const salts = new Set(Array.from({ length: 50 }, () => buildMpinId({ userID: 'u', mobile: 0 }).fields.salt));
    expect(salts.size).toBe(50);
  });

  it('uses the current time when issued is omitted', () => {
    const before = Date.now();
    const issued = buildMpinId({ userID: 'u', mobile: 0 }).fields.issued;
    const t = Date.parse(issued.replace(' ', 'T').slice(0, 23) + 'Z');
    expect(t).toBeGreaterThanOrEqual(before);
    expect(t).toBeLessThanOrEqual(Date.now());
  });

  it('rejects a bad userID, mobile, salt or issued', () => {
    rejects(() => buildMpinId({ userID: '', mobile: 1 }), /^userID: expected 1\.\.256 characters/);
    rejects(() => buildMpinId({ userID: 'x'.repeat(257), mobile: 1 }), /^userID: /);
    expect(buildMpinId({ userID: 'x'.repeat(256), mobile: 1 }).fields.userID).toHaveLength(256);
    rejects(() => buildMpinId({ userID: 42 as never, mobile: 1 }), /^userID: expected a string/);
    rejects(() => buildMpinId({ userID: 'u', mobile: 2 as never }), /^mobile: expected 0 or 1/);
    rejects(() => buildMpinId({ userID: 'u', mobile: true as never }), /^mobile: /);
    rejects(() => buildMpinId({ userID: 'u', mobile: 1, salt: new Uint8Array(8) }), /^salt: expected 16 bytes, got 8/);
    rejects(
      () => buildMpinId({ userID: 'u', mobile: 1, salt: 'aa'.repeat(16) as never }),
      /^salt: expected Uint8Array/,
    );
    rejects(() => buildMpinId({ userID: 'u', mobile: 1, issued: new Date(NaN) }), /^issued: expected a valid Date/);
  });
});

describe('formatIssued (Python str(datetime) in UTC)', () => {
  it('writes "YYYY-MM-DD HH:MM:SS.ffffff" with the milliseconds padded to microseconds', () => {
    expect(formatIssued(ISSUED)).toBe('2016-10-11 13:58:15.183000');
    expect(formatIssued(new Date('2016-10-11T13:58:15.001Z'))).toBe('2016-10-11 13:58:15.001000');
    expect(formatIssued(new Date('1999-12-31T23:59:59.999Z'))).toBe('1999-12-31 23:59:59.999000');
  });

  it('is UTC whatever the local time zone', () => {
    expect(formatIssued(new Date(Date.UTC(2020, 0, 1, 0, 0, 0, 500)))).toBe('2020-01-01 00:00:00.500000');
  });

  it('omits the fraction when it is zero, as Python does', () => {
    // python3 -c 'import datetime; print(datetime.datetime(2016,10,11,13,58,15))'  →  2016-10-11 13:58:15
    // (str(datetime) drops ".000000" when microsecond == 0; about one id in a thousand has 0 ms)
    expect(formatIssued(new Date('2016-10-11T13:58:15.000Z'))).toBe('2016-10-11 13:58:15');
  });
});

describe('parseMpinId', () => {
  it('parses the recorded example', () => {
    const t =
      '{"mobile": 1, "issued": "2016-10-11 13:58:15.183121", "userID": "testUser", "salt": "440d2399849722a1ccd3b17e622f7462"}';
    const id = parseMpinId(hexOf(t));
    expect(id.fields).toEqual({
      mobile: 1,
      issued: '2016-10-11 13:58:15.183121',
      userID: 'testUser',
      salt: '440d2399849722a1ccd3b17e622f7462',
    });
    expect(id.bytes).toEqual(utf8(t));
  });

  it('accepts the old vector format with an 8-byte salt (Milagro C vectors)', () => {
    const t =
      '{"mobile": 1, "issued": "2015-05-19T16:17:43Z", "userID": "3f8f2c97ece0256130cd1d11e0a83854@certivox.com", "salt": "6e784ca3b85ec583"}';
    const id = parseMpinId(hexOf(t));
    expect(id.fields.salt).toBe('6e784ca3b85ec583');
    expect(id.fields.issued).toBe('2015-05-19T16:17:43Z');
    expect(id.hex).toBe(hexOf(t));
  });

  it('accepts other key orders and spacing, and keeps the bytes exactly as given', () => {
    for (const t of [
      '{"userID": "a@b.c", "salt": "00112233445566778899aabbccddeeff", "mobile": 0, "issued": "x"}',
      '{"salt":"00112233445566778899aabbccddeeff","issued":"x","userID":"a@b.c","mobile":0}',
      ' {\n "issued" : "x" , "mobile" : 0 , "userID" : "a@b.c" , "salt" : "00112233445566778899AABBCCDDEEFF" }\n',
    ]) {
      const id = parseMpinId(hexOf(t));
      expect(id.fields.userID).toBe('a@b.c');
      expect(id.fields.mobile).toBe(0);
      expect(id.bytes).toEqual(utf8(t));
      expect(id.hex).toBe(hexOf(t));
    }
  });

  it('decodes escaped and raw UTF-8 userIDs', () => {
    const salt = '"salt": "00112233445566778899aabbccddeeff"';
    expect(parseMpinId(hexOf(`{"mobile": 1, "issued": "x", "userID": "jos\\u00e9", ${salt}}`)).fields.userID).toBe(
      'josé',
    );
    expect(parseMpinId(hexOf(`{"mobile": 1, "issued": "x", "userID": "josé", ${salt}}`)).fields.userID).toBe('josé');
  });

  const obj = (o: Record<string, unknown>) =>
    hexOf(
      JSON.stringify({
        mobile: 1,
        issued: '2016-10-11 13:58:15.183121',
        userID: 'u',
        salt: '440d2399849722a1ccd3b17e622f7462',
        ...o,
      }),
    );

  it('rejects non-hex, non-UTF-8, non-JSON and non-objects', () => {
    rejects(() => parseMpinId('zz'), /^mpinId: expected an even number of hex digits/);
    rejects(() => parseMpinId('abc'), /^mpinId: /);
    rejects(() => parseMpinId(42 as never), /^mpinId: expected a string/);
    rejects(() => parseMpinId(''), /^mpinId: expected 1\.\.1024 bytes/);
    rejects(() => parseMpinId('7b' + '20'.repeat(1024) + '7d'), /^mpinId: expected 1\.\.1024 bytes/);
    rejects(() => parseMpinId('ff'), /^mpinId: not UTF-8/);
    rejects(() => parseMpinId('7b22c3'), /^mpinId: not UTF-8/); // truncated sequence
    rejects(() => parseMpinId('eda080'), /^mpinId: not UTF-8/); // an encoded surrogate
    rejects(() => parseMpinId(hexOf('{"mobile": 1,')), /^mpinId: not JSON/);
    rejects(() => parseMpinId(hexOf('testuser@miracl.com')), /^mpinId: not JSON/);
    for (const t of ['[1, 2]', 'null', '"u"', '42', 'true', '[]'])
      rejects(() => parseMpinId(hexOf(t)), /^mpinId: not a JSON object/);
  });

  it('rejects a missing or bad userID', () => {
    rejects(() => parseMpinId(obj({ userID: undefined })), /^userID: expected a string/);
    rejects(() => parseMpinId(obj({ userID: 7 })), /^userID: expected a string/);
    rejects(() => parseMpinId(obj({ userID: '' })), /^userID: expected 1\.\.256/);
    rejects(() => parseMpinId(obj({ userID: 'x'.repeat(257) })), /^userID: expected 1\.\.256/);
  });

  it('rejects mobile other than 0 or 1', () => {
    for (const mobile of [2, -1, '1', true, null, 0.5, undefined])
      rejects(() => parseMpinId(obj({ mobile })), /^mpinId: mobile must be 0 or 1/);
  });

  it('rejects a bad salt or issued', () => {
    for (const salt of [
      '',
      '00'.repeat(7),
      '00'.repeat(33),
      '0'.repeat(31),
      'zz'.repeat(16),
      'g0'.repeat(8),
      12,
      null,
      undefined,
    ])
      rejects(() => parseMpinId(obj({ salt })), /salt/);
    for (const ok of ['00'.repeat(8), '00'.repeat(16), '00'.repeat(32)])
      expect(parseMpinId(obj({ salt: ok })).fields.salt).toBe(ok);
    for (const issued of [undefined, 17085, null])
      rejects(() => parseMpinId(obj({ issued })), /^mpinId issued: expected a string/);
  });
});
