/**
 * The M-Pin identity, `mpin_id`: the bytes of a JSON object that Milagro's RPS builds once at
 * registration and that every party then uses byte for byte (it is never re-serialised).
 * Milagro builds it with Python's `json.dumps`, so this module writes the same bytes: keys in the
 * recorded order mobile, issued, userID, salt; separators ", " and ": "; non-ASCII escaped as
 * lowercase \uXXXX; `issued` as Python's str(datetime) in UTC, "2016-10-11 13:58:15.183121".
 * On the wire it is lowercase hex of those bytes.
 * @module
 */
import { assertBytes, assertString, fail, fromHex, toHex, utf8ToBytes } from './bytes.ts';
import { randomBytes } from './random.ts';

export interface MpinIdFields {
  /** 1 when registered from a phone (the extension), 0 from a browser PIN pad. */
  mobile: 0 | 1;
  /** When the RPS issued it, as Milagro writes it. */
  issued: string;
  /** The user's id, usually an e-mail address. */
  userID: string;
  /** Random bytes as lowercase hex: 16 bytes in new ids, 8 in older ones. */
  salt: string;
}

export interface MpinId {
  fields: MpinIdFields;
  bytes: Uint8Array;
  hex: string;
}

const MAX_USER_ID = 256;

/** Python `str(datetime)` of a UTC instant: "YYYY-MM-DD HH:MM:SS.ffffff". */
export function formatIssued(date: Date): string {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) fail('issued: expected a valid Date');
  const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
  const ms = iso.slice(20, 23);
  // Python leaves the fraction out when the microseconds are 0
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${ms === '000' ? '' : `.${ms}000`}`;
}

/** A JSON string literal as Python's json.dumps (ensure_ascii) writes it. */
function pythonJsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i];
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (c < 0x20 || c > 0x7e) out += '\\u' + c.toString(16).padStart(4, '0');
    else out += ch;
  }
  return out + '"';
}

function checkUserId(userID: unknown): asserts userID is string {
  assertString(userID, 'userID');
  if (userID.length === 0 || userID.length > MAX_USER_ID) fail(`userID: expected 1..${MAX_USER_ID} characters`);
}

/** Builds a new mpin_id the way Milagro's RPS does (`makeMPinID`), with a fresh salt unless one is given. */
export function buildMpinId(opts: { userID: string; mobile: 0 | 1; issued?: Date; salt?: Uint8Array }): MpinId {
  checkUserId(opts.userID);
  if (opts.mobile !== 0 && opts.mobile !== 1) fail('mobile: expected 0 or 1');
  const salt = opts.salt ?? randomBytes(16);
  assertBytes(salt, 'salt', 16);
  const fields: MpinIdFields = {
    mobile: opts.mobile,
    issued: formatIssued(opts.issued ?? new Date()),
    userID: opts.userID,
    salt: toHex(salt),
  };
  const json =
    `{"mobile": ${fields.mobile}, "issued": ${pythonJsonString(fields.issued)}, ` +
    `"userID": ${pythonJsonString(fields.userID)}, "salt": ${pythonJsonString(fields.salt)}}`;
  const bytes = utf8ToBytes(json);
  return { fields, bytes, hex: toHex(bytes) };
}

/**
 * Reads an mpin_id from its hex (either case). Accepts any key order and the older vector format
 * ("issued": "2015-05-19T16:17:34Z", plain ids without a salt are refused): what matters is that
 * the bytes are kept as they came.
 */
export function parseMpinId(hex: string): MpinId {
  const bytes = fromHex(hex, 'mpinId');
  if (bytes.length === 0 || bytes.length > 1024) fail('mpinId: expected 1..1024 bytes');
  let text: string;
  try {
    text = new (utf8Decoder())('utf-8', { fatal: true }).decode(bytes);
  } catch {
    fail('mpinId: not UTF-8');
  }
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch {
    fail('mpinId: not JSON');
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) fail('mpinId: not a JSON object');
  const o = obj as Record<string, unknown>;
  checkUserId(o.userID);
  const mobile = o.mobile;
  if (mobile !== 0 && mobile !== 1) fail('mpinId: mobile must be 0 or 1');
  assertString(o.issued, 'mpinId issued');
  assertString(o.salt, 'mpinId salt');
  // new ids carry 16 bytes of salt; ids from 2015 (the C vectors) carry 8
  if (!/^(?:[0-9a-f]{2}){8,32}$/i.test(o.salt)) fail('mpinId: salt must be 16 to 64 hex digits');
  return { fields: { mobile, issued: o.issued, userID: o.userID, salt: o.salt }, bytes, hex: toHex(bytes) };
}

/**
 * The WHATWG TextDecoder that browsers and Node both provide. lib/mpin compiles without DOM or Node types
 * (each layer has its own tsconfig), so the one constructor it needs is typed here.
 */
function utf8Decoder(): new (label: 'utf-8', options: { fatal: true }) => { decode(bytes: Uint8Array): string } {
  return (globalThis as unknown as { TextDecoder: ReturnType<typeof utf8Decoder> }).TextDecoder;
}
