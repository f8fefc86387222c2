/**
 * The demo site's scripts reach the RPS through the extension's zod-checked client (lib/rps/client.ts), as a page
 * of the service itself: its settings from /rps/clientSettings on this page's origin, requests with this page's
 * cookies (the relying party's sign-in sets its session), and registrations as a PIN pad in a browser (mobile 0).
 * Also the words for the client's failures (RpsError): the service's own message when it gave one, else what went
 * wrong.
 */
import { fetchClientSettings, RpsClient, RpsError, type RpsOptions } from '../../lib/rps/client.ts';

const AS_THIS_PAGE: RpsOptions = { ownPage: true, mobile: 0 };

/** The client for this page's service; throws RpsError when its settings cannot be had. */
export async function connectToRps(): Promise<RpsClient> {
  const origin = location.origin;
  return new RpsClient(origin, await fetchClientSettings(origin, AS_THIS_PAGE), AS_THIS_PAGE);
}

export const UNREACHABLE = 'The server could not be reached. Check your connection and try again.';

/** True when no answer came at all (network down, timeout): worth trying again as it is. */
export function isUnreachable(e: unknown): boolean {
  return e instanceof RpsError && (e.kind === 'network' || e.kind === 'timeout');
}

/** The HTTP status of a refusal, or undefined for any other failure. */
export function statusOf(e: unknown): number | undefined {
  return e instanceof RpsError && e.kind === 'http' ? e.status : undefined;
}

/** What the relying party's refusals of a sign-in mean, in the words of Milagro's PIN pad. */
export const SIGN_IN_REFUSED: Readonly<Record<number, string>> = {
  401: 'Incorrect PIN!',
  403: 'You are not authorized!',
  408: 'The auth request expired!',
  410: 'This M-Pin identity has been blocked.',
};

/** Why a call failed, in words for the status line. */
export function reasonOf(e: unknown): string {
  if (!(e instanceof RpsError)) return (e as Error).message;
  switch (e.kind) {
    case 'http':
      return e.serverMessage ?? `error ${e.status}`;
    case 'network':
    case 'timeout':
      return UNREACHABLE;
    case 'malformed':
      return 'the server answered something that is not M-Pin';
    case 'origin':
      return 'the M-Pin settings point to another site';
  }
}
