/**
 * zod schemas of the RPS request bodies and parameters (Milagro field names, hex as Milagro sends it). Every
 * string the server keeps is a `storedText`: no control or bidi characters (server/util/text.ts).
 */
import { z } from 'zod';
import { DeviceKey } from '../../lib/rps/schemas.ts';
import { storedText } from '../util/text.ts';

export const hex = (bytes?: number) =>
  bytes === undefined
    ? z.string().regex(/^(?:[0-9a-fA-F]{2})+$/, 'expected hex')
    : z.string().regex(new RegExp(`^[0-9a-fA-F]{${2 * bytes}}$`), `expected ${bytes} bytes of hex`);
export const g1Hex = z.string().regex(/^04[0-9a-fA-F]{128}$/, 'expected a G1 point (04‖X‖Y, 130 hex digits)');
export const mpinIdHex = z
  .string()
  .min(2)
  .max(2048)
  .regex(/^(?:[0-9a-fA-F]{2})+$/, 'expected the mpin_id as hex');
const mobileFlag = z
  .union([z.literal(0), z.literal(1), z.boolean(), z.enum(['0', '1'])])
  .transform((v) => (v === 1 || v === true || v === '1' ? 1 : 0));

export const RegisterBody = z.object({
  // checked before the trim: a trailing newline is refused, not quietly dropped
  userId: storedText(254, 'userId').trim().pipe(z.string().min(1, 'userId is required')),
  mobile: mobileFlag.default(0),
  deviceName: storedText(64, 'deviceName').optional().default(''),
  // passed on to the relying party's hook and never stored or shown, so any text Milagro clients send is fine
  userData: z.string().max(1024).optional().default(''),
  regOTT: hex(16).optional(),
  deviceKey: DeviceKey.optional(),
});

export const Pass1Body = z.object({
  mpin_id: mpinIdHex,
  U: g1Hex,
  UT: g1Hex.optional(),
  pass: z.coerce.number().optional(),
});

export const Pass2Body = z.object({
  mpin_id: mpinIdHex,
  V: g1Hex,
  WID: z
    .union([z.string(), z.number()])
    .transform(String)
    .pipe(z.string().regex(/^(?:0|[0-9]{6,16}|[0-9a-f]{32})$/, 'WID must be "0" or an access number')),
  OTP: z.union([z.boolean(), z.literal(0), z.literal(1)]),
  pass: z.coerce.number().optional(),
});

export const MpinResponseBody = z.object({
  mpinResponse: z.object({ authOTT: hex(16), version: z.string().optional(), pass: z.coerce.number().optional() }),
});

export const WebOttBody = z.object({ webOTT: hex(16) });

/** POST /rps/access: Milagro's `{webOTT}`, and for a long-poll how long to hold it and the state the PC has. */
export const AccessBody = WebOttBody.extend({
  wait: z.number().min(1).max(25).optional(),
  status: z.enum(['new', 'user', 'refused', 'authenticate', 'expired']).optional().default('new'),
});

export const ActivateBody = z.object({ activateKey: hex(32) });

// the relying party's values are kept on the access number and handed to the phone
const logoutData = z.record(storedText(64, 'logoutData key'), storedText(256, 'logoutData')).nullable().optional();
const logoutURL = storedText(512, 'logoutURL').optional();
export const PrivateAuthenticateBody = z.object({
  authOTT: hex(16),
  logoutURL,
  logoutData,
});
export const LoginResultBody = z.object({
  authOTT: hex(16),
  status: z.coerce.number().int().min(100).max(599),
  message: storedText(256, 'message').optional(),
  logoutURL,
  logoutData,
});
const wid = z.string().regex(/^(?:[0-9]{6,16}|[0-9a-f]{32})$/, 'wid must be an access number');
/**
 * `wid`: the check at "Next"; `refused`: "This wasn't me"; `user`: Milagro's `{userId}`, and this project's proof of
 * it, the identity and the device key it registered with (device-keys.ts).
 */
export const CodeStatusBody = z.discriminatedUnion('status', [
  z.object({ status: z.enum(['wid', 'refused']), wid }),
  z.object({
    status: z.literal('user'),
    wid,
    userId: storedText(254, 'userId').optional(),
    mpinId: mpinIdHex.optional(),
    deviceKey: DeviceKey.optional(),
  }),
]);
