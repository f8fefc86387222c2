// What the popup says about a Problem from the background: a short headline per code; the background's own
// message follows it.
import type { Problem } from '@/lib/ui-state';

/** The headline for a problem; `service` names the service it concerns, when known. */
export function problemHeadline(code: Problem['code'], service?: string): string {
  const at = service ?? 'the service';
  switch (code) {
    case 'network':
      return `Could not reach ${at}.`;
    case 'malformed':
      return `${at} did not answer like an M-Pin service.`;
    case 'invalid-url':
      return 'That is not a service address.';
    case 'no-qr':
      return 'No QR code found on this tab.';
    case 'permission-denied':
      return `Access to ${at} was not allowed.`;
    case 'invalid-email':
      return 'That e-mail address is not valid.';
    case 'not-confirmed':
      return 'Your e-mail address is not confirmed yet.';
    case 'registration-expired':
      return 'This registration has expired.';
    case 'invalid-access-number':
      return 'That access number is not valid.';
    case 'unknown-access-number':
      return 'That access number is not known.';
    case 'access-number-expired':
      return 'That access number has expired.';
    case 'wrong-pin':
      return 'Incorrect PIN!';
    case 'revoked':
      return 'This identity may not sign in now.';
    case 'not-authorized':
      return 'Not authorized.';
    case 'sign-out-failed':
      return 'Signing out did not work.';
    case 'page-changed':
      return 'The page changed before the sign-in.';
    case 'internal':
      return 'Something went wrong in the extension.';
  }
}
