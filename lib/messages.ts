// Runtime message schemas: the closed union of messages the background accepts, and the replies it sends.
// R12 (docs/security.md): every message is parsed here first; anything else is dropped unread.
import { z } from 'zod';

/** Popup → background: "are you there, and what do you hold?". Unprivileged: it reveals no secret. */
export const StatusRequest = z.strictObject({ type: z.literal('status') });

/** Every message type the background understands. Closed: unknown types and extra keys fail to parse. */
export const BackgroundMessage = z.discriminatedUnion('type', [StatusRequest]);
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
