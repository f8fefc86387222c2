// Whole seconds for the PIN screen's clock (the access number's time left, how long ago the PC asked), from times the
// background gave by this computer's clock. The popup only counts: the times themselves come from the service.

/** Seconds until `at` (ms since the epoch), rounded up, never below 0: "1 s left" until the very end. */
export function secondsUntil(at: number, now: number): number {
  return Math.max(0, Math.ceil((at - now) / 1000));
}

/** Whole seconds since `at`, never below 0 (a clock that stepped back shows 0, not a negative age). */
export function secondsSince(at: number, now: number): number {
  return Math.max(0, Math.floor((now - at) / 1000));
}
