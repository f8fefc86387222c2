// What went wrong, as the popup's Problem: every failure of a request (RpsError) and every refusal of a sign-in (an
// HTTP status from the RPS or from the relying party's page) is mapped here, once. The service's own `message` is
// never passed on: the popup is trusted UI and speaks only in the extension's words.
import { MpinInputError } from '../mpin/index';
import { RpsError } from '../rps/client';
import type { FlowRecord } from '../store/records';
import { RetryIntent } from '../store/records';
import type { Intent, Problem } from '../ui-state';

const MESSAGES: Record<Problem['code'], string> = {
  network: 'The service could not be reached. Check the connection and try again.',
  malformed: 'The service answered something that is not M-Pin. Try again later.',
  'invalid-url':
    'Enter the https:// address of an M-Pin service, e.g. https://example.com (http:// only for a service on this computer, such as http://localhost:8080).',
  'no-qr': 'No M-Pin QR code was found on this tab.',
  'permission-denied': 'Access to this site was not granted, so the service cannot be used.',
  'invalid-email': 'Enter a valid e-mail address.',
  'not-confirmed': 'Identity not verified! Open the link in the e-mail we sent you, confirm, then try again.',
  'registration-expired': 'Identity expired! This registration is no longer valid: please register again.',
  'invalid-access-number': 'Invalid access number!',
  'unknown-access-number':
    'Invalid access number! It is wrong or has expired: check the number the other browser shows.',
  'access-number-expired': 'The auth request expired! Get a new access number and try again.',
  'wrong-pin': 'Incorrect PIN!',
  revoked: 'Your M-Pin identity has been revoked: the service refused a time permit.',
  'not-authorized': 'You are not authorized!',
  'sign-out-failed': 'Sign out was unsuccessful!',
  'page-changed': 'The page that asked to sign in has changed. Nothing was sent to it.',
  internal: 'Something went wrong. Try again.',
};

export function problem(code: Problem['code'], retry = false, message = MESSAGES[code]): Problem {
  return { code, message: message.slice(0, 500), retry };
}

/** Whether `e` is the service's HTTP answer with one of these statuses. */
export const isHttp = (e: unknown, ...statuses: number[]): boolean =>
  e instanceof RpsError && e.kind === 'http' && statuses.includes(e.status ?? 0);

/** A failed request as a problem (`retry` offered when trying again as it was can help). */
export function problemOf(e: unknown): Problem {
  if (e instanceof RpsError) {
    switch (e.kind) {
      case 'network':
        return problem('network', true);
      case 'timeout':
        return problem('network', true, 'The service did not answer in time. Try again.');
      case 'malformed':
        return problem('malformed', true);
      case 'origin':
        return problem('malformed', false, 'The service asked to send data to another site; this was refused.');
      case 'http':
        if (e.status === 403) return problem('not-authorized');
        if ((e.status ?? 0) >= 500)
          return problem('network', true, `The service had a problem (HTTP ${e.status}). Try again later.`);
        return problem('internal', true, `The service refused the request (HTTP ${e.status}). Try again later.`);
    }
  }
  if (e instanceof MpinInputError) return problem('malformed', true);
  console.warn('[mpin] internal error:', e instanceof Error ? e.name : 'error');
  return problem('internal', true);
}

/**
 * Why a sign-in was refused, from the HTTP status of whoever judged pass 2's authOTT: the RPS for a sign-in on
 * another browser (/rps/authenticate), the relying party's page for one on this browser (its authenticateURL).
 * Milagro gives both the same meaning. Undefined: not a refusal this knows.
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

/** The flow with a problem, and the intent that "retry" replays when it carries no PIN. */
export function withProblem<F extends FlowRecord>(flow: F, p: Problem, intent?: Intent): F {
  const retry = p.retry && intent && RetryIntent.safeParse(intent).success ? intent : undefined;
  return { ...flow, problem: p, ...(retry ? { retry } : {}) };
}

/** The flow without its problem and retry. */
export function fresh<F extends FlowRecord>(flow: F): F {
  const { problem: _p, retry: _r, ...rest } = flow as F & { problem?: unknown; retry?: unknown };
  return rest as F;
}
