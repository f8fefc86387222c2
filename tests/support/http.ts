/** HTTP helpers for the server API tests: fetch with JSON, and Milagro's error shape. Test support only. */
import { expect } from 'vitest';

export interface Res {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

/** fetch; `body` is sent as is when a string, else as JSON. */
export async function http(
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Res> {
  const h: Record<string, string> = { ...headers };
  if (body !== undefined) h['content-type'] ??= 'application/json';
  const res = await fetch(url, {
    method,
    headers: h,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** The exact status, and Milagro's error body: JSON `{version:"0.3", message}` with a readable message. */
export function expectError(res: Res, status: number, message?: RegExp): void {
  expect(res.status, `${res.status} ${res.text}`).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(res.json).toEqual({ version: '0.3', message: expect.any(String) });
  expect(res.json.message.length).toBeGreaterThan(3);
  expect(res.json.message).not.toMatch(/internal/i);
  if (message) expect(res.json.message).toMatch(message);
}
