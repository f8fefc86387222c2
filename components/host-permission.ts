// The host permission the popup asks for when the user adds a service (optional host permissions, R15).
/**
 * The match pattern for a service URL, or undefined when it is not an http(s) URL. The pattern has no port:
 * Firefox refuses match patterns with a port, and Chrome reads a missing port as "any port"
 * (Firefox refuses a port in a match pattern, and Chrome ignores it), so `http://localhost:8080` asks for `http://localhost/*`.
 */
export function hostPermissionPattern(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined;
  if (!parsed.hostname) return undefined;
  return `${parsed.protocol}//${parsed.hostname}/*`;
}
