/** Time formats of the Milagro wire protocol (docs/protocol.md §2.3). */

/** "YYYY-MM-DDTHH:MM:SSZ", Milagro's `Time.syncedISO`. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Python's datetime.isoformat() of a naive UTC time, as PUT /rps/user returns expireTime and nowTime. */
export function pythonIso(date: Date): string {
  return date.toISOString().replace(/Z$/, '000');
}

/** Parses "YYYY-MM-DDTHH:MM:SSZ" (and other ISO forms); NaN when it is not a time. */
export function parseIso(value: unknown): number {
  if (typeof value !== 'string' || value.length > 40) return NaN;
  return Date.parse(value);
}
