// Which addresses the extension may talk to. Services are https; plain http is allowed only on this computer
// (loopback: `localhost`, `*.localhost`, 127.0.0.0/8, [::1]), for development, where nothing crosses a network.
// Used wherever a service address enters (the popup's URL field, a QR code, the PIN pad found on a tab, stored
// services) and for every URL in a service's clientSettings (lib/rps/client.ts).

/** A loopback host name as `URL.hostname` writes it (lower case, IPv4 dotted, IPv6 in brackets). */
export function isLoopbackHost(hostname: string): boolean {
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) return true;
  if (hostname === '[::1]') return true;
  const v4 = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(hostname);
  return v4 !== null && v4.slice(1).every((part) => Number(part) <= 255);
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
