/**
 * M-Pin time: time permits are issued per epoch day, floor(Unix seconds / 86400), in UTC
 * (AMCL MPIN_today, Milagro's RPS `today()`).
 * @module
 */
import { fail } from './bytes.ts';

export const SECONDS_PER_DAY = 86400;

export function epochDay(date: Date): number {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) fail('epochDay: expected a valid Date');
  return Math.floor(date.getTime() / 1000 / SECONDS_PER_DAY);
}
