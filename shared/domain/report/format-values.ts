import { formatUsd } from '../pricing.ts';
import type { MonthlyReport } from './types.ts';

/**
 * How figures read in every text format: counts with thousands separators, dollars as pricing.ts
 * prints them, latencies in seconds.
 */

/**
 * A count with thousands separators: `12,345`.
 *
 * @param value - an integer
 */
export function formatCount(value: number): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: 0 });
}

/**
 * A count and its noun, plural unless the count is one: `1 path`, `1,000 paths`.
 *
 * @param count - an integer
 * @param noun - the singular noun
 */
export function formatPlural(count: number, noun: string): string {
  return `${formatCount(count)} ${noun}${count === 1 ? '' : 's'}`;
}

/**
 * A count that may be unknown (not reconciled): `-` for null.
 *
 * @param value - an integer or null
 */
export function formatOptionalCount(value: number | null): string {
  return value === null ? '-' : formatCount(value);
}

/**
 * Dollars: `$1.25`, `$0.005`; negative amounts (a plan dearer than one path per object) as `-$0.01`.
 *
 * @param usd - an amount in US dollars
 */
export function formatMoney(usd: number): string {
  return usd < 0 ? `-${formatUsd(-usd)}` : formatUsd(usd);
}

/**
 * Dollars for amounts that may be fractions of a cent (a batch's S3 listing): two significant digits
 * below a cent (`$0.00012`, `$0.000005`), as {@link formatMoney} from a cent up, `$0` for nothing.
 *
 * @param usd - a non-negative amount in US dollars
 */
export function formatSmallMoney(usd: number): string {
  if (usd === 0) return '$0';
  if (usd >= 0.01) return formatMoney(usd);
  const digits = 1 - Math.floor(Math.log10(usd));
  return `$${Number(usd.toPrecision(2)).toFixed(digits).replace(/0+$/, '')}`;
}

/**
 * A latency in seconds with one decimal (`73.4 s`), or `-` when none was recorded.
 *
 * @param ms - milliseconds or null
 */
export function formatLatency(ms: number | null): string {
  return ms === null ? '-' : `${(ms / 1000).toFixed(1)} s`;
}

/**
 * A UTC instant as `2026-11-21 12:00 UTC`.
 *
 * @param iso - ISO 8601
 */
export function formatInstant(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** Where the month stands, for report headers: `day 20.5 of 30, month in progress` and the like. */
export function describePeriodState(period: MonthlyReport['period']): string {
  if (period.state === 'current')
    return `day ${period.elapsedDays.toFixed(1)} of ${period.daysInMonth}, month in progress`;
  return period.state === 'past' ? 'month complete' : 'month not started';
}

/** The report's source labels (`stage dev`, `table …`); `quote` wraps each value (Markdown uses backticks). */
export function describeSource(
  labels: MonthlyReport['labels'],
  quote: (text: string) => string = (text) => text,
): string[] {
  const parts: string[] = [];
  if (labels.stage) parts.push(`stage ${quote(labels.stage)}`);
  if (labels.tableName) parts.push(`table ${quote(labels.tableName)}`);
  return parts;
}
