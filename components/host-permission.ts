// The host permission the popup asks for when the user adds a service (optional host permissions, R15).
import { isSecureOrLoopback } from '@/lib/rps/url-policy';

/**
 * The match pattern for a service URL, or undefined when it is not a service address: https, or http only on this
 * computer (lib/rps/url-policy.ts). The pattern has no port: Firefox refuses a port in a match pattern and Chrome
 * ignores it, so `http://localhost:8080` asks for `http://localhost/*` (the background checks the exact origin).
 */
export function hostPermissionPattern(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return undefined;
  }
  if (!parsed.hostname || !isSecureOrLoopback(parsed)) return undefined;
  return `${parsed.protocol}//${parsed.hostname}/*`;
}
