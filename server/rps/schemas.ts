/** zod schemas of the RPS request bodies and parameters (Milagro field names, hex as Milagro sends it). */
import { z } from 'zod';

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
  userId: z
    .string()
    .trim()
    .min(1, 'userId is required')
    .max(254)
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'userId has control characters'),
  mobile: mobileFlag.default(0),
  deviceName: z.string().max(64).optional().default(''),
  userData: z.string().max(1024).optional().default(''),
  regOTT: hex(16).optional(),
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

export const ActivateBody = z.object({ activateKey: hex(32) });

const logoutData = z.record(z.string().max(64), z.string().max(256)).nullable().optional();
export const PrivateAuthenticateBody = z.object({
  authOTT: hex(16),
  logoutURL: z.string().max(512).optional(),
  logoutData,
});
export const LoginResultBody = z.object({
  authOTT: hex(16),
  status: z.coerce.number().int().min(100).max(599),
  message: z.string().max(256).optional(),
  logoutURL: z.string().max(512).optional(),
  logoutData,
});
export const CodeStatusBody = z.object({
  status: z.enum(['wid', 'user']),
  wid: z.string().max(64),
  userId: z.string().max(254).optional(),
});
