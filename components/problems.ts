// The popup's words for a Problem from the background, which sends codes and data only: a short headline per code,
// then what happened and what to do, by code, or by the detail of the code when it has one.
import type { Problem, ProblemCode, ProblemDetail } from '@/lib/ui-state';

export interface ProblemWords {
  headline: string;
  message: string;
}

interface Words {
  headline: string;
  message: string;
  /** The words when the service has no name to show (they name it in another way: "the service"). */
  unnamed?: Partial<ProblemWords>;
}

const WORDS: Record<ProblemCode, Words> = {
  network: {
    headline: 'Could not reach {service}.',
    message: 'The service could not be reached. Check the connection and try again.',
    unnamed: { headline: 'Could not reach the service.' },
  },
  malformed: {
    headline: '{service} did not answer like an M-Pin service.',
    message: 'The service answered something that is not M-Pin. Try again later.',
    unnamed: { headline: 'The service did not answer like an M-Pin service.' },
  },
  'service-error': {
    headline: '{service} answered with an error.',
    message: 'The service refused the request (HTTP {status}). Try again later.',
    unnamed: { headline: 'The service answered with an error.' },
  },
  'invalid-url': {
    headline: 'That is not a service address.',
    message:
      'Enter the full address shown under "Setup your phone", starting with https:// (http:// only for a service on this computer, such as http://localhost:8080).',
  },
  'no-qr': {
    headline: 'No QR code found on this tab.',
    message:
      'No QR code with a web address was found on this tab. Open the popup on the page that shows it, or type the address shown under it.',
  },
  'permission-denied': {
    headline: 'Access to {service} was not allowed.',
    message: 'The extension needs access to {service} to talk to it. Try again and allow it.',
    unnamed: {
      headline: 'Access to the service was not allowed.',
      message: 'The extension needs access to the service to talk to it. Try again and allow it.',
    },
  },
  'invalid-email': { headline: 'That e-mail address is not valid.', message: 'Enter a valid e-mail address.' },
  'not-confirmed': {
    headline: 'Your e-mail address is not confirmed yet.',
    message: 'Identity not verified! Open the link in the e-mail we sent you, confirm, then try again.',
  },
  'registration-expired': {
    headline: 'This registration has expired.',
    message: 'Identity expired! This registration is no longer valid: please register again.',
  },
  'invalid-access-number': { headline: 'That access number is not valid.', message: 'Invalid access number!' },
  'unknown-access-number': {
    headline: 'That access number is not known.',
    message: 'Invalid access number! It is wrong or has expired: check the number the other browser shows.',
  },
  'access-number-expired': {
    headline: 'That access number has expired.',
    message: 'The auth request expired! Get a new access number and try again.',
  },
  'wrong-pin': { headline: 'Incorrect PIN!', message: 'Incorrect PIN!' },
  revoked: {
    headline: 'This identity may not sign in now.',
    message: 'Your M-Pin identity has been revoked: the service refused a time permit.',
  },
  'not-authorized': { headline: 'Not authorized.', message: 'You are not authorized!' },
  'sign-out-failed': { headline: 'Signing out did not work.', message: 'Sign out was unsuccessful!' },
  'page-changed': {
    headline: 'The page changed before the sign-in.',
    message:
      'The page that asked to sign in no longer shows {service}: it went to another site, was reloaded or was closed. Nothing was sent to it. To sign in, open {service} again and choose "Sign in with M-Pin Authenticator".',
    unnamed: {
      message:
        'The page that asked to sign in has changed: it went to another site, was reloaded or was closed. Nothing was sent to it.',
    },
  },
  internal: { headline: 'Something went wrong in the extension.', message: 'Something went wrong. Try again.' },
};

const DETAILS: Record<ProblemDetail, string> = {
  timeout: 'The service did not answer in time. Try again.',
  'sends-elsewhere': 'The service asked to send data to another site; this was refused.',
  'no-service': 'No M-Pin service was found at this address.',
  'unsafe-settings':
    'The service was not added: its settings send data to another site, or to an address without https.',
  'pin-time-over':
    'The time to choose a PIN ran out (10 minutes) and the registration was forgotten. Please register again.',
  'new-number': 'The access number has expired. Type the new number the other browser shows.',
  'this-browser': 'The auth request expired! Try again.',
  'sign-out-expired': 'Sign out was unsuccessful! The sign-out data has expired.',
  'sign-out-elsewhere': 'Sign out was refused: the service asked to send it to another site.',
  'page-refused': 'The page could not be signed in: reload it and try again.',
};

/** A service-error from the service's side (5xx) is said otherwise than its refusal (4xx). */
const SERVICE_FAILED = 'The service had a problem (HTTP {status}). Try again later.';

/** What the popup says about a problem; `service` names the service it concerns, when known. */
export function problemWords(problem: Problem, service?: string): ProblemWords {
  const words = WORDS[problem.code];
  const own = service === undefined ? { ...words, ...words.unnamed } : words;
  const message =
    problem.code === 'service-error' && (problem.status ?? 0) >= 500
      ? SERVICE_FAILED
      : problem.detail
        ? DETAILS[problem.detail]
        : own.message;
  const fill = (text: string) =>
    text.replaceAll('{service}', service ?? '').replaceAll('{status}', String(problem.status ?? ''));
  return { headline: fill(own.headline), message: fill(message) };
}
