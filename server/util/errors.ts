/**
 * Errors answered with Milagro's status codes and body `{"version":"0.3","message":…}` (rps.py write_error).
 * Handlers throw HttpError; the error handler of each app turns it (and validation or body-parse errors)
 * into that shape, so a bad request never becomes a 500.
 */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const MILAGRO_VERSION = '0.3';

export function errorBody(message: string, extra: Record<string, unknown> = {}) {
  return { version: MILAGRO_VERSION, message, ...extra };
}
