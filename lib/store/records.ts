// The stored records, validated with zod whenever they are read (a record that does not parse is treated as
// missing and logged by reason). R1/R5: no PIN, no client secret, and regOTT only until the PIN is set.
import { z } from 'zod';
import { ClientSettings, DeviceKey } from '../rps/schemas';
import { Intent, Notice, PcInfo, Problem } from '../ui-state';

const hex = z
  .string()
  .regex(/^[0-9a-f]*$/)
  .max(4096);
const origin = z.string().url().max(256);

export const IdentityRecord = z.strictObject({
  id: z.string().min(1).max(64),
  origin,
  clientSettings: ClientSettings,
  userId: z.string().max(254),
  deviceName: z.string().max(64),
  mpinIdHex: hex.min(2),
  /** Only after PIN setup; deleted on 410 (R2). */
  token: hex.min(2).optional(),
  state: z.enum(['started', 'activated', 'registered', 'blocked']),
  /** Only until PIN setup (R5). */
  regOTT: z.string().max(256).optional(),
  /**
   * 32 random bytes (64 hex digits) made for this registration and sent with it: what lets this identity put its
   * name on the PC it signs in ("Authenticating user …", issue 11). It proves the device, not the PIN. Identities
   * registered before it existed have none.
   */
  deviceKey: DeviceKey.optional(),
  /** The cloud share of the time permit for `date` (docs/protocol.md §9). */
  timePermitCache: z.strictObject({ date: z.number().int().min(0), share: hex.min(2) }).optional(),
  created: z.number().int(),
  lastUsed: z.number().int(),
});
export type IdentityRecord = z.infer<typeof IdentityRecord>;

export const ServiceRecord = z.strictObject({
  origin,
  clientSettings: ClientSettings,
  added: z.number().int(),
});
export type ServiceRecord = z.infer<typeof ServiceRecord>;

/** What "retry" replays after a network problem: never an intent that carries a PIN. */
export const RetryIntent = Intent.refine((i) => i.kind !== 'login' && i.kind !== 'setPin', 'no PIN in a stored intent');
/**
 * A problem as stored. One stored before problems were codes and data only (docs/extension.md) also carries its
 * English `message`: that is dropped, so that the flow it belongs to survives the update.
 */
const StoredProblem = z.preprocess((value) => {
  if (typeof value !== 'object' || value === null || !('message' in value)) return value;
  const { message: _words, ...rest } = value as Record<string, unknown>;
  return rest;
}, Problem);
const withProblem = { problem: StoredProblem.optional(), retry: RetryIntent.optional() };
const id = z.string().min(1).max(64);

/** A sign-in in progress: the PIN screen and its wrong-PIN warning carry the same fields. */
const signIn = {
  identityId: id,
  purpose: z.enum(['remote', 'local']),
  accessNumber: z.string().max(16).optional(),
  targetOrigin: origin,
  /** A sign-in on this browser: the tab, the document (where the browser names it) and the nonce of the request. */
  tabId: z.number().int().optional(),
  documentId: z
    .string()
    .regex(/^[\w-]{1,64}$/)
    .optional(),
  nonce: z
    .string()
    .regex(/^[0-9a-f]{32}$/)
    .optional(),
  /** When the access number was entered (or the page asked): the PIN screen expires with the number (R3). */
  enteredAt: z.number().int().optional(),
  /** Remote: the computer that asked for the number, as the service said at the check at "Next". */
  pc: PcInfo.optional(),
  /** Remote: when the number ends, by this computer's clock (the service's end, corrected by its clock). */
  expiresAt: z.number().int().min(0).optional(),
};

/**
 * The flow in progress: what the popup shows, by reference to stored identities (rendered into a UiState by
 * lib/app). A retry after a network problem replays `retry` (an intent without a PIN) or, when there is none,
 * shows the same screen again.
 */
export const FlowRecord = z.discriminatedUnion('screen', [
  /** `scanned`: the service read from a QR code, offered until the user takes it or leaves. */
  z.strictObject({ screen: z.literal('add-service'), scanned: origin.optional(), ...withProblem }),
  z.strictObject({ screen: z.literal('register'), origin, email: z.string().max(254), ...withProblem }),
  z.strictObject({ screen: z.literal('email-sent'), identityId: id, resent: z.boolean(), ...withProblem }),
  z.strictObject({ screen: z.literal('setup-pin'), identityId: id, ...withProblem }),
  /** `notice`: what became of a sign-in the user refused ("This wasn't me"). */
  z.strictObject({ screen: z.literal('home'), identityId: id, notice: Notice.optional(), ...withProblem }),
  z.strictObject({ screen: z.literal('access-number'), identityId: id, ...withProblem }),
  z.strictObject({ screen: z.literal('pin'), ...signIn, ...withProblem }),
  /** A wrong PIN keeps the sign-in it belongs to, so "Try again" returns to the same PIN screen. */
  z.strictObject({ screen: z.literal('wrong-pin'), ...signIn }),
  z.strictObject({ screen: z.literal('wrong-access-number'), identityId: id, problem: StoredProblem }),
  z.strictObject({ screen: z.literal('blocked'), identityId: id }),
  z.strictObject({
    screen: z.literal('success'),
    identityId: id,
    purpose: z.enum(['remote', 'local']),
    targetOrigin: origin,
    canSignOut: z.boolean(),
    signedOut: z.boolean(),
    ...withProblem,
  }),
  z.strictObject({ screen: z.literal('menu') }),
  z.strictObject({ screen: z.literal('manage'), identityId: id }),
  z.strictObject({ screen: z.literal('confirm-reset'), identityId: id, ...withProblem }),
  z.strictObject({ screen: z.literal('confirm-remove'), identityId: id }),
]);
export type FlowRecord = z.infer<typeof FlowRecord>;
