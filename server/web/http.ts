/**
 * Browser-side helpers of the demo site's scripts: JSON over fetch (same origin, cookies included), the
 * RPS clientSettings, and URLs from the settings resolved against the page's origin (they are relative).
 */

export interface ClientSettings {
  registerURL: string;
  signatureURL: string;
  certivoxURL: string;
  timePermitsURL: string;
  mpinAuthServerURL: string;
  authenticateURL?: string;
  accessNumberURL?: string;
  getAccessNumberURL?: string;
  appID: string;
  setDeviceName?: boolean;
  accessNumberDigits?: number;
  [key: string]: unknown;
}

export interface JsonAnswer<T = Record<string, unknown>> {
  status: number;
  data: T;
}

/** The message of an error answer ({"message": …}), or a fallback. */
export function messageOf(answer: JsonAnswer<unknown>, fallback: string): string {
  const m = (answer.data as { message?: unknown } | null)?.message;
  return typeof m === 'string' && m ? m : fallback;
}

/** Thrown when the server cannot be reached at all. */
export class NetworkError extends Error {
  constructor(message = 'The server could not be reached. Check your connection and try again.') {
    super(message);
    this.name = 'NetworkError';
  }
}

/** A JSON request; answers of any status are returned, only a network failure throws. */
export async function requestJson<T = Record<string, unknown>>(
  method: string,
  url: string,
  body?: unknown,
): Promise<JsonAnswer<T>> {
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      credentials: 'same-origin',
      cache: 'no-store',
      headers:
        body === undefined
          ? { accept: 'application/json' }
          : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new NetworkError();
  }
  const text = await res.text();
  let data: unknown = {};
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = { message: text.slice(0, 200) };
    }
  }
  return { status: res.status, data: (data ?? {}) as T };
}

/** An absolute URL for a settings URL (relative ones are resolved against this page). */
export function resolveUrl(url: string): string {
  return new URL(url, location.href).toString();
}

export async function loadClientSettings(url: string): Promise<ClientSettings> {
  const answer = await requestJson<ClientSettings>('GET', resolveUrl(url));
  if (answer.status !== 200 || typeof answer.data.registerURL !== 'string')
    throw new NetworkError(`Could not load the M-Pin settings (status ${answer.status}).`);
  return answer.data;
}

/** Milagro's clients append "/<mpinId>" to these URLs. */
export function withPath(base: string, segment: string): string {
  return `${resolveUrl(base).replace(/\/+$/, '')}/${encodeURIComponent(segment)}`;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The element with `id`, typed; throws when the page lacks it (a markup change the script must follow). */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing from the page`);
  return el as T;
}
