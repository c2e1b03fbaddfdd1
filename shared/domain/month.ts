import { describeValue, MonthKeyError } from './errors.ts';

/**
 * UTC calendar months, the unit CloudFront bills invalidation paths by. Time is always a parameter
 * (epoch milliseconds or a Date), never read from a clock here.
 */

/** A UTC month as `YYYY-MM`, e.g. `2025-03`. */
export type MonthKey = string;

/** An instant: epoch milliseconds or a Date. */
export type Instant = number | Date;

/** The first and the last instant of a month, as epoch milliseconds. */
export interface MonthBounds {
  /** First millisecond of the month (inclusive). */
  readonly startMs: number;
  /** First millisecond of the next month (exclusive). */
  readonly endMs: number;
}

function toMs(at: Instant): number {
  return typeof at === 'number' ? at : at.getTime();
}

function formatMonthKey(year: number, monthIndex: number): MonthKey {
  const month = monthIndex + 1;
  return `${String(year).padStart(4, '0')}-${month < 10 ? '0' : ''}${month}`;
}

/**
 * The UTC month an instant falls in.
 *
 * @param at - epoch milliseconds or a Date
 * @returns the month as `YYYY-MM`
 */
export function monthKeyOf(at: Instant): MonthKey {
  const date = new Date(toMs(at));
  return formatMonthKey(date.getUTCFullYear(), date.getUTCMonth());
}

/**
 * The UTC day of the month (1..31) of an instant.
 *
 * @param at - epoch milliseconds or a Date
 */
export function dayOfMonth(at: Instant): number {
  return new Date(toMs(at)).getUTCDate();
}

/**
 * Checks that a text is a month key `YYYY-MM` (month 01..12) and returns it.
 *
 * @param text - e.g. a `--month` flag value
 * @throws MonthKeyError when the text is not `YYYY-MM`
 */
export function parseMonthKey(text: string): MonthKey {
  const ok =
    typeof text === 'string' &&
    text.length === 7 &&
    text[4] === '-' &&
    isDigits(text, 0, 4) &&
    isDigits(text, 5, 7) &&
    Number(text.slice(5, 7)) >= 1 &&
    Number(text.slice(5, 7)) <= 12;
  if (!ok)
    throw new MonthKeyError(`month: expected YYYY-MM with a month 01..12 (e.g. 2025-03), got ${describeValue(text)}`);
  return text;
}

/**
 * The UTC start and end of a month.
 *
 * @param monthKey - `YYYY-MM`
 * @throws MonthKeyError when the key is not `YYYY-MM`
 */
export function monthBounds(monthKey: MonthKey): MonthBounds {
  const key = parseMonthKey(monthKey);
  const year = Number(key.slice(0, 4));
  const monthIndex = Number(key.slice(5, 7)) - 1;
  return { startMs: utcMs(year, monthIndex), endMs: utcMs(year, monthIndex + 1) };
}

/**
 * The UTC bounds of the month an instant falls in (same as `monthBounds(monthKeyOf(at))`).
 *
 * @param at - epoch milliseconds or a Date
 */
export function monthBoundsOf(at: Instant): MonthBounds {
  const date = new Date(toMs(at));
  const year = date.getUTCFullYear();
  const monthIndex = date.getUTCMonth();
  return { startMs: utcMs(year, monthIndex), endMs: utcMs(year, monthIndex + 1) };
}

function utcMs(year: number, monthIndex: number): number {
  // setUTCFullYear, unlike Date.UTC, does not map years 0..99 to 1900..1999.
  const date = new Date(0);
  date.setUTCFullYear(year + Math.floor(monthIndex / 12), monthIndex % 12, 1);
  return date.getTime();
}

function isDigits(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const code = text.charCodeAt(i);
    if (code < 48 || code > 57) return false;
  }
  return true;
}
