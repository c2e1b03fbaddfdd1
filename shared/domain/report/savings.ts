import { describeValue } from '../errors.ts';
import { costOfPaths, s3RequestsCostUsd } from '../pricing.ts';
import { ReportInputError } from './errors.ts';

/**
 * The month's savings counters (`SAVINGS#TOTAL`, `SAVINGS#DIST#<id>`): what new keys and inventory
 * listings saved and cost. Definitions: docs/report.md, "What new keys and listings save".
 */
export interface SavingsCounts {
  /** Changed keys that were new (no path needed). */
  readonly newKeys: number;
  /** New keys' paths the issued plans left uncovered: what covering every change would have added. */
  readonly newKeyPathsAvoided: number;
  /** S3 LIST requests the collector made: inventories (ListObjectsV2) and new-key evidence (ListObjectVersions pages). */
  readonly listRequests: number;
  /** S3 GET-tier requests the collector made for new-key evidence (GetBucketVersioning). */
  readonly getRequests: number;
  /** Batches issued with an inventory. */
  readonly inventoryPlans: number;
  /** Over those batches: min(changed paths, k) minus the paths planned. */
  readonly inventoryPathsSaved: number;
}

/** The savings counters of the month, account and per distribution (absent: none recorded). */
export interface SavingsInput {
  readonly total: SavingsCounts;
  readonly distributions: readonly { readonly distributionId: string; readonly counters: SavingsCounts }[];
}

/** Savings counters with the listing's cost. */
export interface SavingsFigures extends SavingsCounts {
  /** What the listings cost: `listRequests` at $0.005 per 1,000 plus `getRequests` at $0.0004 per 1,000 (not rounded). */
  readonly listCostUsd: number;
}

/** The report's savings section. */
export interface MonthSavings {
  readonly totals: SavingsFigures & {
    /** What the paths new keys avoided would have added to the month's bill (free tier applied). */
    readonly newKeyCostAvoidedUsd: number;
    /** The same for the paths the inventory saved; compare with `listCostUsd`. */
    readonly inventoryCostAvoidedUsd: number;
  };
  readonly distributions: readonly (SavingsFigures & { readonly distributionId: string })[];
}

/** The savings counters' attribute names. */
export const SAVINGS_FIELDS = [
  'newKeys',
  'newKeyPathsAvoided',
  'listRequests',
  'getRequests',
  'inventoryPlans',
  'inventoryPathsSaved',
] as const;

/** All zero: a month without savings counters. */
export const NO_SAVINGS: SavingsCounts = {
  newKeys: 0,
  newKeyPathsAvoided: 0,
  listRequests: 0,
  getRequests: 0,
  inventoryPlans: 0,
  inventoryPathsSaved: 0,
};

/**
 * The savings section: the counters, what the listings cost, and what the avoided paths would have
 * added to this month's bill on top of the account's `accountPaths` (so nothing while the month stays
 * within the free tier either way).
 *
 * @param input - the month's savings counters, if any
 * @param accountPaths - the month's paths, ours and outside
 * @throws ReportInputError when a counter is not a non-negative integer
 */
export function buildSavings(input: SavingsInput | undefined, accountPaths: number): MonthSavings {
  const total = input?.total ?? NO_SAVINGS;
  checkSavings('SAVINGS#TOTAL', total);
  for (const { distributionId, counters } of input?.distributions ?? []) {
    checkSavings(`SAVINGS#DIST#${distributionId}`, counters);
  }
  // Priced on top of the account's paths in one step (a difference of two costs carries float noise).
  const added = (paths: number) => costOfPaths(accountPaths, paths);
  return {
    totals: {
      ...figuresOf(total),
      newKeyCostAvoidedUsd: added(total.newKeyPathsAvoided),
      inventoryCostAvoidedUsd: added(total.inventoryPathsSaved),
    },
    distributions: [...(input?.distributions ?? [])]
      .sort((a, b) => (a.distributionId < b.distributionId ? -1 : a.distributionId > b.distributionId ? 1 : 0))
      .map(({ distributionId, counters }) => ({ distributionId, ...figuresOf(counters) })),
  };
}

function figuresOf(counts: SavingsCounts): SavingsFigures {
  const picked = Object.fromEntries(SAVINGS_FIELDS.map((field) => [field, counts[field]])) as unknown as SavingsCounts;
  return { ...picked, listCostUsd: s3RequestsCostUsd(counts.listRequests, counts.getRequests) };
}

function checkSavings(item: string, counts: SavingsCounts): void {
  for (const field of SAVINGS_FIELDS) {
    const value = counts[field];
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new ReportInputError(`${item}.${field}: expected a non-negative integer, got ${describeValue(value)}`);
    }
  }
}
