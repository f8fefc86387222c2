// Service origins, shared by the background and the popup. The popup must request host access for the service,
// `browser.permissions.request({ origins: [hostPattern(originOfUrl(url))] })`, in the click handler before it sends
// the `addService` intent: Chrome only grants permission requests made during a user gesture.
import { isSecureOrLoopback } from '../rps/url-policy';
import type { ServiceInfo } from '../ui-state';

/**
 * The origin of a URL the user typed or scanned: https, or http only on this computer (lib/rps/url-policy.ts); no
 * credentials; a bare host gets https.
 */
export function originOfUrl(input: string): string | undefined {
  const text = input.trim();
  if (!text) return undefined;
  try {
    const u = new URL(/^[a-z][a-z0-9+.-]*:/i.test(text) ? text : `https://${text}`);
    if (!u.hostname || !isSecureOrLoopback(u)) return undefined;
    return u.origin;
  } catch {
    return undefined;
  }
}

/** What the popup shows for a service: its origin and host. */
export function serviceInfo(origin: string): ServiceInfo {
  return { origin, name: new URL(origin).host };
}

/**
 * The match pattern for an origin's host: "<scheme>://<host>/*", without the port, because Firefox refuses ports in
 * match patterns (MDN "Match patterns"; Chrome treats a missing port as any port). So host access and the content
 * script cover every port of that host; the exact origin, port included, is checked by the background (R7).
 */
export function hostPattern(origin: string): string {
  const u = new URL(origin);
  return `${u.protocol}//${u.hostname}/*`;
}
