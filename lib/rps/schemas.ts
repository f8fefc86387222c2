// zod schemas for every RPS (and D-TA) response the extension and the demo site's pages read (docs/protocol.md §4,
// §5, §6.5). Anything that does not parse is "malformed": the caller shows a clear problem and changes no stored state.
import * as z from 'zod';

const hex = z
  .string()
  .regex(/^[0-9a-fA-F]*$/, 'hex')
  .max(4096);
const nonEmptyHex = hex.min(2);
/** A URL as clientSettings gives it: relative ("/rps/user") or absolute; resolved against the service origin. */
const url = z.string().max(2048);

/** GET /rps/clientSettings: the keys the clients use (others are ignored). */
export const ClientSettings = z.object({
  registerURL: url,
  signatureURL: url,
  certivoxURL: url,
  timePermitsURL: url,
  timePermitsStorageURL: url.optional(),
  setupDoneURL: url.optional(),
  mpinAuthServerURL: url,
  mobileAuthenticateURL: url,
  authenticateURL: url.optional(),
  /** The PC side of an access-number sign-in: get a number, then poll its state. */
  getAccessNumberURL: url.optional(),
  accessNumberURL: url.optional(),
  appID: z.string().max(128),
  accessNumberDigits: z.number().int().min(6).max(16).default(7),
  accessNumberUseCheckSum: z.boolean().default(true),
  cSum: z.number().int().default(1),
  setDeviceName: z.boolean().default(false),
  requestOTP: z.boolean().optional(),
  /** This project's server also says how long an access number lives (Milagro's default is 300 s). */
  ttlSeconds: z.number().int().min(1).max(3600).optional(),
});
export type ClientSettings = z.infer<typeof ClientSettings>;

/** PUT /rps/user and PUT /rps/user/<mpinId>. */
export const RegisterResponse = z.object({
  mpinId: nonEmptyHex,
  regOTT: z.string().min(1).max(256),
  expireTime: z.string().max(64).optional(),
  nowTime: z.string().max(64).optional(),
  active: z.boolean().optional(),
});
export type RegisterResponse = z.infer<typeof RegisterResponse>;

/** GET /rps/signature/<mpinId>?regOTT=. */
export const SignatureResponse = z.object({ clientSecretShare: nonEmptyHex, params: z.string().max(4096) });
export type SignatureResponse = z.infer<typeof SignatureResponse>;

/** GET certivoxURL + "clientSecret?" + params (the cloud D-TA). */
export const CloudClientSecret = z.object({ clientSecret: nonEmptyHex });

/** GET /rps/timePermit/<mpinId>. */
export const TimePermitResponse = z.object({
  date: z.number().int().min(0).max(0xffffffff),
  signature: z.string().min(1).max(256),
  storageId: nonEmptyHex,
  timePermit: nonEmptyHex,
});
export type TimePermitResponse = z.infer<typeof TimePermitResponse>;

/** GET certivoxURL + "timePermit?…" (the cloud D-TA's share). */
export const CloudTimePermit = z.object({ timePermit: nonEmptyHex });

/** POST /rps/pass1. */
export const Pass1Response = z.object({ y: nonEmptyHex });
/** POST /rps/pass2. */
export const Pass2Response = z.object({ authOTT: z.string().min(1).max(256) });

/** POST mobileAuthenticateURL: 200. logoutURL may be empty ("Start over" instead of "Sign out"). */
export const MobileAuthResponse = z.object({
  logoutURL: z.string().max(2048).optional().default(''),
  logoutData: z.record(z.string().max(64), z.unknown()).optional(),
});
export type MobileAuthResponse = z.infer<typeof MobileAuthResponse>;

/** POST getAccessNumberURL: a fresh access number for the PC to show, and its handle for polling. */
export const AccessNumberResponse = z.object({
  accessNumber: z.string().regex(/^\d{6,16}$/, 'digits'),
  webOTT: z.string().min(1).max(256),
  /** How long the number lives; Milagro's RPS and this project's server say it. */
  ttlSeconds: z.number().int().min(1).max(3600).optional(),
});
export type AccessNumberResponse = z.infer<typeof AccessNumberResponse>;

/**
 * POST accessNumberURL `{webOTT}`, v2 (/rps/access): the number's state, "new", "user" (a phone is signing in as
 * userId), "refused" (the phone said "This wasn't me"), "authenticate" (done: authOTT is the sign-in), or "expired".
 * v1 (/rps/accessnumber) answers only `{authOTT}`, once the phone has signed in.
 */
export const AccessStatusResponse = z.object({
  status: z.string().max(32).optional(),
  userId: z.string().max(254).optional().default(''),
  authOTT: z.string().max(256).optional().default(''),
});

/**
 * A device key (issue 11): 32 random bytes as 64 lower-case hex digits, made per registration (client.ts
 * newDeviceKey), kept with the identity and sent at registration; it proves the device, never the PIN.
 */
export const DeviceKey = z.string().regex(/^[0-9a-f]{64}$/, 'deviceKey must be 64 lower-case hex digits');

/** Text a service gives the phone to show (the PC's browser, OS, address): short, with no control or bidi characters. */
const shownText = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[^\p{Cc}\p{Cf}\u2028\u2029]*$/u, 'printable');

/** The computer that asked for an access number, as the server saw it (this project's server, issue 11). */
export const PcContext = z.object({
  browser: shownText(40),
  os: shownText(40),
  ip: shownText(64),
  /** When it asked, ms since the epoch by the server's clock. */
  requestedAt: z.number().int().min(0),
});
export type PcContext = z.infer<typeof PcContext>;

/**
 * POST /rps/codeStatus `{status: "wid", wid}`: the number is live (400 otherwise). Milagro answers only
 * `{PrerollId, AppName, AppLogoUrl}`; this project's server adds the PC's context and the number's end, both by its
 * own clock (`expiresAt`, `serverTime`, ms), so that the phone counts down without trusting its own clock.
 */
export const AccessNumberCheckResponse = z.object({
  AppName: shownText(128).optional().default(''),
  pc: PcContext.optional(),
  expiresAt: z.number().int().min(0).optional(),
  serverTime: z.number().int().min(0).optional(),
});

/** POST /rps/codeStatus `{status: "user" | "refused", wid, …}`: `{Status: "OK"}` for a live number. */
export const CodeStatusResponse = z.object({ Status: z.string().max(32) });

/** POST authenticateURL on the relying party: the browser is signed in as userId. */
export const SignInResponse = z.object({ userId: z.string().max(254).optional().default('') });

/** Error bodies: `{version, message}` or empty. */
export const ErrorBody = z.object({ message: z.string().max(500) });
