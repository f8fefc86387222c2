// Which addresses the extension may talk to. Services are https; plain http is allowed only on this computer
// (loopback: `localhost`, `*.localhost`, 127.0.0.0/8, [::1]), for development, where nothing crosses a network.
// Used wherever a service address enters (the popup's URL field, a QR code, the PIN pad found on a tab, stored
// services) and for every URL in a service's clientSettings (lib/rps/client.ts).

/**
 * Whether a host names this machine only: `localhost`, `*.localhost`, 127.0.0.0/8 (also IPv4-mapped, ::ffff:127.x)
 * or ::1 in any spelling, bracketed or not. The one loopback rule of the project: the extension's https exception and
 * the server's mailbox (server/mail/mailbox-access.ts) both ask it.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h.startsWith('::ffff:') ? h.slice(7) : h);
  if (v4) return v4[1] === '127' && v4.slice(2).every((part) => Number(part) <= 255);
  return isIpv6Loopback(h);
}

/** ::1 however it is written: seven zero groups, then 1 (the `::` run expanded). */
function isIpv6Loopback(h: string): boolean {
  if (!/^[0-9a-f:]+$/.test(h)) return false;
  const halves = h.split('::');
  if (halves.length > 2) return false;
  const groups = (text: string) => (text === '' ? [] : text.split(':'));
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return false;
  const all = [...head, ...Array<string>(missing).fill('0'), ...tail];
  if (!all.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return false;
  return all.slice(0, 7).every((g) => parseInt(g, 16) === 0) && parseInt(all[7]!, 16) === 1;
}

/** https, or http on a loopback host; no credentials in the URL. */
export function isSecureOrLoopback(url: URL): boolean {
  if (url.username || url.password) return false;
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && isLoopbackHost(url.hostname);
}

/** Whether an origin ("scheme://host[:port]") may be a service. */
export function isAllowedServiceOrigin(origin: string): boolean {
  try {
    const url = new URL(origin);
    return url.origin === origin && isSecureOrLoopback(url);
  } catch {
    return false;
  }
}

/**
 * Whether the service at `serviceOrigin` may send its clients to `url` for its second D-TA (`certivoxURL`, the one
 * clientSettings URL that may be on another origin): https, or http on this computer, and never http under an https
 * service (no downgrade).
 */
export function isAllowedSecondDta(serviceOrigin: string, url: URL): boolean {
  if (!isSecureOrLoopback(url)) return false;
  return !(serviceOrigin.startsWith('https:') && url.protocol === 'http:');
}
