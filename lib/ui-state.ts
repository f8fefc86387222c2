// The popup's contract with the background: the state the popup renders (UiState) and the intents it sends.
// The background owns the flow and persists it, so a closed popup or a stopped service worker loses nothing;
// the popup renders the state it is given and sends intents, nothing more (docs/extension.md).
import { z } from 'zod';
import { PcContext } from './rps/schemas';

/** A service: an M-Pin relying party, known by its exact origin. */
export const ServiceInfo = z.strictObject({
  origin: z.string().url().max(256),
  /** What to show: the origin's host, e.g. "localhost:8080". */
  name: z.string().max(256),
});
export type ServiceInfo = z.infer<typeof ServiceInfo>;

/** What the popup may know of an identity: never its token or secrets. */
export const IdentitySummary = z.strictObject({
  id: z.string().max(64),
  userId: z.string().max(254),
  deviceName: z.string().max(64),
  service: ServiceInfo,
  state: z.enum(['started', 'activated', 'registered', 'blocked']),
});
export type IdentitySummary = z.infer<typeof IdentitySummary>;

const email = z.string().trim().max(254);
const pin = z.string().regex(/^[0-9]{4}$/, 'the PIN is 4 digits');

/** What the user asks for. Each is a privileged message: only extension pages may send it. */
export const Intent = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('addService'), url: z.string().max(2048) }),
  /** Read a QR code on the current tab ("Setup your phone" shows one). */
  z.strictObject({ kind: z.literal('scanQr') }),
  /** "Setup M-Pin"; `origin`: the service picked on the form (by default the form's own). */
  z.strictObject({
    kind: z.literal('register'),
    email,
    deviceName: z.string().trim().max(64),
    origin: z.string().url().max(256).optional(),
  }),
  /** "I confirmed my email". */
  z.strictObject({ kind: z.literal('confirmedEmail') }),
  /** "Resend confirmation email". */
  z.strictObject({ kind: z.literal('resendEmail') }),
  /** "SETUP". */
  z.strictObject({ kind: z.literal('setPin'), pin }),
  /** "Sign in with this M-Pin". */
  z.strictObject({ kind: z.literal('startSignIn') }),
  /** "Next" on the access-number screen (already checked by the popup; the background checks again). */
  z.strictObject({ kind: z.literal('submitAccessNumber'), accessNumber: z.string().max(16) }),
  /** "Login". */
  z.strictObject({ kind: z.literal('login'), pin }),
  /** "Sign out" on the success screen: signs the other browser out. */
  z.strictObject({ kind: z.literal('signOut') }),
  /** Back to the identity home (from warnings, success, menu, manage). */
  z.strictObject({ kind: z.literal('home') }),
  /** Cancel what is in progress. */
  z.strictObject({ kind: z.literal('cancel') }),
  /** "This wasn't me" on the PIN screen of a remote sign-in: the service refuses the other computer's number. */
  z.strictObject({ kind: z.literal('refuseSignIn') }),
  /** Retry the last step that failed on the network. */
  z.strictObject({ kind: z.literal('retry') }),
  z.strictObject({ kind: z.literal('openMenu') }),
  z.strictObject({ kind: z.literal('selectIdentity'), id: z.string().max(64) }),
  /** "Add new identity". */
  z.strictObject({ kind: z.literal('addIdentity') }),
  /** "Add a service" in the menu. */
  z.strictObject({ kind: z.literal('openAddService') }),
  /** The pencil next to an identity. */
  z.strictObject({ kind: z.literal('manage'), id: z.string().max(64) }),
  /** "Reset PIN", then "Yes, Reactivate it". */
  z.strictObject({ kind: z.literal('resetPin') }),
  z.strictObject({ kind: z.literal('confirmReset') }),
  /** "Remove Identity", then "Yes, Remove it". */
  z.strictObject({ kind: z.literal('removeIdentity') }),
  z.strictObject({ kind: z.literal('confirmRemove') }),
  /** After a block: a new registration with the same e-mail. */
  z.strictObject({ kind: z.literal('registerAgain') }),
]);
export type Intent = z.infer<typeof Intent>;

export const ProblemCode = z.enum([
  'network', // service down or unreachable, timeout
  'malformed', // the service answered something that is not M-Pin
  'service-error', // the service answered with an HTTP error (`status`)
  'invalid-url',
  'no-qr',
  'permission-denied', // host access refused by the user
  'invalid-email',
  'not-confirmed', // "I confirmed my email" before the link was used
  'registration-expired',
  'invalid-access-number', // bad check digit or length: nothing was sent
  'unknown-access-number', // the service answered 412
  'access-number-expired',
  'wrong-pin',
  'revoked', // time permit refused
  'not-authorized', // 403
  'sign-out-failed',
  'page-changed', // the page that asked for a sign-in on this browser shows something else now: nothing was sent
  'internal',
]);
export type ProblemCode = z.infer<typeof ProblemCode>;

/** Which case of its code a problem is, where the popup says more than the code's own words. */
export const ProblemDetail = z.enum([
  'timeout', // network: the service did not answer in time
  'sends-elsewhere', // malformed: the service asked to send data to another site (refused, nothing sent)
  'no-service', // malformed: no M-Pin service at this address (404 for its clientSettings)
  'unsafe-settings', // malformed: its clientSettings send data to another site, or without https (not added)
  'pin-time-over', // registration-expired: the 10 minutes to choose a PIN ran out
  'new-number', // access-number-expired: the PIN screen outlived its access number
  'this-browser', // access-number-expired: the page's sign-in request expired
  'sign-out-expired', // sign-out-failed: the sign-out data is gone (R23)
  'sign-out-elsewhere', // sign-out-failed: its logoutURL is on another site (refused, nothing sent)
  'page-refused', // internal: the page did not take the sign-in
]);
export type ProblemDetail = z.infer<typeof ProblemDetail>;

/** The details each code may carry. */
const DETAILS_OF: Partial<Record<ProblemCode, readonly ProblemDetail[]>> = {
  network: ['timeout'],
  malformed: ['sends-elsewhere', 'no-service', 'unsafe-settings'],
  'registration-expired': ['pin-time-over'],
  'access-number-expired': ['new-number', 'this-browser'],
  'sign-out-failed': ['sign-out-expired', 'sign-out-elsewhere'],
  internal: ['page-refused'],
};

/**
 * A problem to show on the current screen, as a code and data only: the popup has the words (components/problems.ts,
 * in the user's language). `retry` says the last step can be tried again as it was; `status` is the service's HTTP
 * status, for `service-error` only.
 */
export const Problem = z
  .strictObject({
    code: ProblemCode,
    retry: z.boolean(),
    detail: ProblemDetail.optional(),
    status: z.number().int().min(100).max(599).optional(),
  })
  .refine((p) => p.detail === undefined || DETAILS_OF[p.code]?.includes(p.detail), 'a detail of another code')
  .refine((p) => (p.status !== undefined) === (p.code === 'service-error'), 'a status goes with service-error only');
export type Problem = z.infer<typeof Problem>;

const withProblem = { problem: Problem.optional() };

/**
 * The computer that asked for the access number, as the service saw it at the check at "Next" (its own words on its
 * browser and operating system, the address it came from), and when it asked, by this computer's clock.
 */
export const PcInfo = PcContext.omit({ requestedAt: true })
  .extend({ askedAt: z.number().int().min(0) })
  .strict();
export type PcInfo = z.infer<typeof PcInfo>;

/**
 * What the home screen says about the sign-in the user just ended with "This wasn't me": the service refused the
 * other computer's number; the number was already dead; or the service could not be told (it stays valid there
 * until it expires).
 */
export const Notice = z.enum(['sign-in-refused', 'access-number-gone', 'refusal-not-sent']);
export type Notice = z.infer<typeof Notice>;

/** A service the registration form can be for, with what its form asks for. */
export const ServiceChoice = ServiceInfo.extend({
  setDeviceName: z.boolean(),
  /** The host of the service's second D-TA (certivoxURL), which gets a share of every sign-in's data. */
  secondDta: z.string().max(256).optional(),
}).strict();
export type ServiceChoice = z.infer<typeof ServiceChoice>;

export const UiState = z.discriminatedUnion('screen', [
  /**
   * Enter a service's URL, read its QR code, or take the PIN pad found on the current tab. `canCancel`: there is
   * somewhere to go back to (a service was added before), so the screen offers "Cancel".
   */
  z.strictObject({
    screen: z.literal('add-service'),
    detected: ServiceInfo.optional(),
    canCancel: z.boolean().optional(),
    ...withProblem,
  }),
  /** 1. "Setup M-Pin": e-mail and, when the service wants it, "Device name". */
  z.strictObject({
    screen: z.literal('register'),
    service: ServiceInfo,
    setDeviceName: z.boolean(),
    deviceNameSuggestion: z.string().max(64),
    email: z.string().max(254),
    /** The host of the service's second D-TA (certivoxURL), which gets a share of every sign-in's data. */
    secondDta: z.string().max(256).optional(),
    /** Every added service, this one among them: the user may register on another one instead. */
    services: z.array(ServiceChoice).max(100),
    ...withProblem,
  }),
  /** 2. The activation e-mail was sent. */
  z.strictObject({ screen: z.literal('email-sent'), identity: IdentitySummary, resent: z.boolean(), ...withProblem }),
  /** 3. PIN setup ("SETUP"). */
  z.strictObject({ screen: z.literal('setup-pin'), identity: IdentitySummary, ...withProblem }),
  /** 4. Identity home ("Sign in with this M-Pin"). */
  z.strictObject({
    screen: z.literal('home'),
    identity: IdentitySummary,
    identityCount: z.number().int().min(1),
    notice: Notice.optional(),
    ...withProblem,
  }),
  /** 5. Access number ("Next"); a wrong number comes back here with a problem. */
  z.strictObject({
    screen: z.literal('access-number'),
    identity: IdentitySummary,
    digits: z.number().int().min(6).max(16),
    useCheckSum: z.boolean(),
    ...withProblem,
  }),
  /** 6. PIN ("Login"): which service and identity it is for, and a way to cancel. */
  z.strictObject({
    screen: z.literal('pin'),
    identity: IdentitySummary,
    purpose: z.enum(['remote', 'local']),
    /** The access number (remote), shown before the PIN. */
    accessNumber: z.string().max(16).optional(),
    /** The origin that will be signed in. */
    target: ServiceInfo,
    /** Remote: the computer that asked for the number, when the service says (the check at "Next"). */
    pc: PcInfo.optional(),
    /** Remote: when the access number ends, ms since the epoch by this computer's clock (for the countdown). */
    expiresAt: z.number().int().min(0).optional(),
    ...withProblem,
  }),
  /** A wrong PIN: a warning, then a retry. */
  z.strictObject({ screen: z.literal('wrong-pin'), identity: IdentitySummary }),
  /** A wrong access number: a warning, then a retry. */
  z.strictObject({ screen: z.literal('wrong-access-number'), identity: IdentitySummary, problem: Problem }),
  /** The third wrong PIN (410): the identity was removed; "Register again" with the same e-mail. */
  z.strictObject({ screen: z.literal('blocked'), userId: z.string().max(254), service: ServiceInfo }),
  /** 7. Success: signed in as … on the service; "Sign out" when the service gave sign-out data. */
  z.strictObject({
    screen: z.literal('success'),
    userId: z.string().max(254),
    service: ServiceInfo,
    purpose: z.enum(['remote', 'local']),
    canSignOut: z.boolean(),
    signedOut: z.boolean(),
    ...withProblem,
  }),
  /** 8. Menu: the identities (each with its service), "Add new identity", "Add a service". */
  z.strictObject({
    screen: z.literal('menu'),
    identities: z.array(IdentitySummary).max(100),
    selectedId: z.string().max(64).optional(),
  }),
  /** Manage one identity: "Reset PIN", "Remove Identity". */
  z.strictObject({ screen: z.literal('manage'), identity: IdentitySummary }),
  z.strictObject({ screen: z.literal('confirm-reset'), identity: IdentitySummary, ...withProblem }),
  z.strictObject({ screen: z.literal('confirm-remove'), identity: IdentitySummary }),
]);
export type UiState = z.infer<typeof UiState>;
export type Screen = UiState['screen'];
