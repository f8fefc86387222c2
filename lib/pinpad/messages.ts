// The content script's side of the runtime messages (docs/extension.md). The shapes are the background's
// (lib/messages.ts, one closed union); the content script parses every reply and every incoming message with
// them, and reads completeSignIn a little more strictly still: Milagro's authOTT is 16 bytes in hex
// (server/rpa/authenticate.ts accepts exactly 32 hex digits), so nothing else is ever posted to the page's server.
import { z } from 'zod';
import { CompleteSignInMessage, type PinpadFound, type RequestLocalSignIn, type ServiceCheck } from '../messages';

export { CompleteSignInReply, LocalSignInReply, PinpadFoundReply, ServiceCheckReply } from '../messages';

/** Content script → background, first: is this exact origin a service? */
export type ServiceCheckMessage = z.infer<typeof ServiceCheck>;
/** Content script → background: a PIN pad is on this tab's top frame. */
export type PinpadFoundMessage = z.infer<typeof PinpadFound>;
/** Content script → background: the user clicked "Sign in with M-Pin Authenticator". */
export type RequestLocalSignInMessage = z.infer<typeof RequestLocalSignIn>;

/** Background → content script: pass 2 succeeded; hand the authOTT to the page's session. */
export const CompleteSignIn = CompleteSignInMessage.extend({ authOTT: z.string().regex(/^[0-9a-fA-F]{32}$/) });
export type CompleteSignIn = z.infer<typeof CompleteSignIn>;
