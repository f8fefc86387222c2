// Runtime message schemas: the closed union of messages the background accepts, and the replies it sends.
// R12 (docs/security-rules.md): every message is parsed here first; anything else is dropped unread.
import { z } from 'zod';
import { Intent } from './ui-state';

/** Popup → background: "are you there, and what do you hold?". Extension pages only: nothing else needs it. */
export const StatusRequest = z.strictObject({ type: z.literal('status') });

/** Popup → background (privileged): the state to render. Reply: UiState. */
export const GetStateRequest = z.strictObject({ type: z.literal('getState') });

/** Popup → background (privileged): what the user asked for. Reply: the new UiState. */
export const IntentRequest = z.strictObject({ type: z.literal('intent'), intent: Intent });

/**
 * Content script → background (unprivileged, top frame only), its first message: is this page's exact origin
 * (scheme, host, port) an added service? The content script is injected on every port of a service's host (host
 * access has no port), and does nothing at all unless the answer is yes. Reply: {@link ServiceCheckReply}.
 */
export const ServiceCheck = z.strictObject({ type: z.literal('isService') });

/**
 * Which PIN pad markup a content script recognised (lib/pinpad/): the reference server's demo pages, or Milagro's own
 * `mpin` PIN pad.
 */
export const PinpadKind = z.enum(['demo', 'milagro']);
export type PinpadKind = z.infer<typeof PinpadKind>;

/**
 * Content script → background (unprivileged, top frame only): a PIN pad is on this page. The page's origin is
 * taken from the sender, never from the body. Reply: {@link PinpadFoundReply}.
 */
export const PinpadFound = z.strictObject({ type: z.literal('pinpadFound'), kind: PinpadKind });

/** Content script → background (unprivileged): the user clicked "Sign in with M-Pin Authenticator". Reply: {@link LocalSignInReply}. */
export const RequestLocalSignIn = z.strictObject({ type: z.literal('requestLocalSignIn') });

/** Every message type the background understands. Closed: unknown types and extra keys fail to parse. */
export const BackgroundMessage = z.discriminatedUnion('type', [
  StatusRequest,
  GetStateRequest,
  IntentRequest,
  ServiceCheck,
  PinpadFound,
  RequestLocalSignIn,
]);
export type BackgroundMessage = z.infer<typeof BackgroundMessage>;

/** Reply to {@link StatusRequest}. */
export const StatusResponse = z.strictObject({
  ok: z.literal(true),
  /** The extension's version, from its manifest. */
  version: z.string().min(1).max(32),
  /** How many M-Pin identities the extension holds. */
  identities: z.number().int().nonnegative(),
});
export type StatusResponse = z.infer<typeof StatusResponse>;

/** Reply to {@link ServiceCheck}. */
export const ServiceCheckReply = z.strictObject({ service: z.boolean() });
export type ServiceCheckReply = z.infer<typeof ServiceCheckReply>;

/** A one-time value that ties a completeSignIn to the content script (and document) whose request it answers. */
export const Nonce = z.string().regex(/^[0-9a-f]{32}$/);

/** Reply to {@link PinpadFound}: whether a registered identity exists for exactly this origin (and whose, for the label). */
export const PinpadFoundReply = z.strictObject({ offer: z.boolean(), userId: z.string().min(1).max(254).optional() });
export type PinpadFoundReply = z.infer<typeof PinpadFoundReply>;

/**
 * Reply to {@link RequestLocalSignIn}: the PIN screen is waiting in the popup (the user opens it if it did not
 * open), with the nonce the completeSignIn for this request will carry; or not, and `busy` says the user is in the
 * middle of something else there (finish or cancel it first).
 */
export const LocalSignInReply = z.strictObject({
  queued: z.boolean(),
  nonce: Nonce.optional(),
  reason: z.enum(['busy']).optional(),
});
export type LocalSignInReply = z.infer<typeof LocalSignInReply>;

/**
 * Background → content script (tabs.sendMessage to the document that asked, or frame 0 where the browser has no
 * document ids) after pass 2 with WID "0": only if `location.origin` is `origin` (the service that was asked for and
 * shown in the popup) and `nonce` is the one the content script's own request got, POST
 * `{"mpinResponse":{"version":"0.3","authOTT","pass":2}}` to `authenticateURL` (the service's own, from its
 * clientSettings, on `origin`) from the page (its cookie); reply with {@link CompleteSignInReply}; on 200 follow the
 * page's success URL. Otherwise reply `page-changed` and send nothing.
 */
export const CompleteSignInMessage = z.strictObject({
  type: z.literal('completeSignIn'),
  authOTT: z.string().min(1).max(256),
  authenticateURL: z.string().url().max(2048),
  origin: z.string().url().max(256),
  nonce: Nonce,
});
export type CompleteSignInMessage = z.infer<typeof CompleteSignInMessage>;

/**
 * The content script's reply to {@link CompleteSignInMessage}: the relying party's HTTP status when it answered;
 * `reason: 'page-changed'` when this is not the page (origin, document) that asked, and nothing was sent.
 */
export const CompleteSignInReply = z.object({
  ok: z.boolean(),
  status: z.number().int().min(0).max(999).optional(),
  reason: z.string().max(64).optional(),
});
export type CompleteSignInReply = z.infer<typeof CompleteSignInReply>;

/**
 * Why a sign-in was refused, from the HTTP status of whoever judged pass 2's authOTT: the RPS for a sign-in on
 * another browser (/rps/authenticate), the relying party's page for one on this browser (its authenticateURL, the
 * `status` of {@link CompleteSignInReply}). Milagro gives both the same meaning. Undefined: not a refusal it names.
 */
export type Refusal = 'wrong-pin' | 'blocked' | 'access-number-expired' | 'unknown-access-number' | 'not-authorized';

export function refusalOf(status: number | undefined): Refusal | undefined {
  switch (status) {
    case 401:
      return 'wrong-pin';
    case 410:
      return 'blocked';
    case 408:
      return 'access-number-expired';
    case 412:
      return 'unknown-access-number';
    case 403:
      return 'not-authorized';
    default:
      return undefined;
  }
}
