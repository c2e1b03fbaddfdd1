import { describeValue, InvalidCountError } from './errors.ts';

/**
 * CloudFront invalidation pricing: the first 1,000 paths a month are free per AWS account (all
 * distributions together), then $0.005 a path; a wildcard path counts as one path.
 * https://aws.amazon.com/cloudfront/pricing/ ("Invalidation requests")
 *
 * Money is counted in integer tenths of a cent (mills: $0.005 = 5 mills) and turned into dollars
 * once at the end, so sums of many small costs do not drift.
 */

/** Paths a month that cost nothing, per AWS account. */
export const FREE_PATHS_PER_MONTH = 1000;

/** Price of one path beyond the free tier, in US dollars. */
export const PRICE_PER_PATH_USD = 0.005;

/**
 * S3 LIST requests (ListObjectsV2, ListObjectVersions) on S3 Standard: $0.005 per 1,000 in us-east-1
 * and most regions (https://aws.amazon.com/s3/pricing/, "Requests & data retrievals"; a few regions
 * charge more). No free tier is assumed.
 */
export const S3_LIST_PRICE_PER_1000_USD = 0.005;

/**
 * S3 GET-tier requests ("GET, SELECT, and all other requests": GetBucketVersioning here) on S3 Standard:
 * $0.0004 per 1,000 in us-east-1 and most regions (same page).
 */
export const S3_GET_PRICE_PER_1000_USD = 0.0004;

/** Both prices in ten-millionths of a dollar per request ($0.000005 = 50, $0.0000004 = 4). */
const UNITS_PER_USD = 10_000_000;
const LIST_PRICE_UNITS = Math.round((S3_LIST_PRICE_PER_1000_USD / 1000) * UNITS_PER_USD);
const GET_PRICE_UNITS = Math.round((S3_GET_PRICE_PER_1000_USD / 1000) * UNITS_PER_USD);

/**
 * What S3 requests cost, in US dollars (not rounded to cents: a batch's listing costs fractions of a
 * cent), counted in whole ten-millionths of a dollar so the sum carries no float noise.
 *
 * @param listRequests - LIST-tier requests made
 * @param getRequests - GET-tier requests made (default 0)
 * @throws InvalidCountError when a count is negative, fractional or not a number
 */
export function s3RequestsCostUsd(listRequests: number, getRequests = 0): number {
  requireCount('listRequests', listRequests);
  requireCount('getRequests', getRequests);
  return (listRequests * LIST_PRICE_UNITS + getRequests * GET_PRICE_UNITS) / UNITS_PER_USD;
}

/** The same price in tenths of a cent, the unit the arithmetic uses. */
const PRICE_PER_PATH_MILLS = 5;
const MILLS_PER_USD = 1000;

/**
 * How many of `newPaths` fall beyond the free tier, given the paths the account already used this month.
 *
 * @param pathsThisMonthBefore - paths the account used this month before these
 * @param newPaths - paths about to be issued
 * @throws InvalidCountError when a count is negative, fractional or not a number
 */
export function billablePaths(pathsThisMonthBefore: number, newPaths: number): number {
  requireCount('pathsThisMonthBefore', pathsThisMonthBefore);
  requireCount('newPaths', newPaths);
  const freeLeft = Math.max(0, FREE_PATHS_PER_MONTH - pathsThisMonthBefore);
  return Math.max(0, newPaths - freeLeft);
}

/**
 * The cost in US dollars of issuing `newPaths` after `pathsThisMonthBefore` paths this month
 * (account-wide free tier applied).
 *
 * @param pathsThisMonthBefore - paths the account used this month before these
 * @param newPaths - paths about to be issued
 * @throws InvalidCountError when a count is negative, fractional or not a number
 */
export function costOfPaths(pathsThisMonthBefore: number, newPaths: number): number {
  return (billablePaths(pathsThisMonthBefore, newPaths) * PRICE_PER_PATH_MILLS) / MILLS_PER_USD;
}

/**
 * The invalidation bill of a month in US dollars for the account's total paths.
 *
 * @param totalPaths - all paths the account issued in the month
 * @throws InvalidCountError when the count is negative, fractional or not a number
 */
export function monthCostUsd(totalPaths: number): number {
  return costOfPaths(0, totalPaths);
}

/**
 * Formats dollars for people: two decimals, or three when the amount has half cents (`$0.005`).
 *
 * @param usd - an amount from {@link costOfPaths} or {@link monthCostUsd}
 */
export function formatUsd(usd: number): string {
  const mills = Math.round(usd * MILLS_PER_USD);
  const digits = mills % 10 === 0 ? 2 : 3;
  return `$${(mills / MILLS_PER_USD).toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  })}`;
}

function requireCount(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new InvalidCountError(`${name}: expected a non-negative integer, got ${describeValue(value)}`);
  }
}
