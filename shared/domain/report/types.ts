import type { MonthKey } from '../month.ts';
import type { PendingFigures, PendingInput } from './pending.ts';
import type { MonthSavings, SavingsInput } from './savings.ts';

/**
 * The report model: what the month's DynamoDB partition (and, optionally, CloudFront itself) says,
 * and the figures built from it. Input types are declared by the report's needs; the DynamoDB reader
 * and the CloudFront reconciler map their items onto them.
 */

/** The five counters kept per month, distribution and day (`TOTAL`, `DIST#id`, `DAY#DD#…`). */
export interface PathCounters {
  readonly paths: number;
  readonly exactPaths: number;
  readonly wildcardPaths: number;
  readonly invalidations: number;
  readonly changedObjects: number;
}

/** Ledger statuses the report knows; anything else is counted as `other`. */
export const REPORT_LEDGER_STATUS = {
  reserved: 'reserved',
  issued: 'issued',
  completed: 'completed',
  released: 'released',
  timedOut: 'timed-out',
} as const;

/** One ledger item (`INV#unitKey`) as far as the report needs it. */
export interface LedgerItemSummary {
  readonly unitKey: string;
  readonly distributionId: string;
  readonly status: string;
  readonly pathCount: number;
  readonly callerReference: string;
  readonly invalidationId: string | null;
  readonly reservedAt: number;
  /** Creation to completion, recorded by the watcher; null when it did not (yet). */
  readonly latencyMs: number | null;
}

/** An invalidation CloudFront holds, as the reconciler lists it. */
export interface CloudFrontInvalidationRecord {
  readonly distributionId: string;
  readonly invalidationId: string;
  readonly createTime: number;
  readonly status: string;
  /** Null when the details were not fetched because the id is already in the ledger. */
  readonly callerReference: string | null;
  readonly paths: readonly string[] | null;
}

/** What reconciliation found, or why it could not run. */
export type ReconciliationInput =
  | {
      readonly kind: 'done';
      /** The distributions whose invalidations were listed. */
      readonly distributionIds: readonly string[];
      /** Every invalidation CloudFront created in the month on those distributions. */
      readonly invalidations: readonly CloudFrontInvalidationRecord[];
    }
  | { readonly kind: 'failed'; readonly reason: string };

/** Everything {@link buildMonthlyReport} needs; time is a parameter. */
export interface MonthlyReportInput {
  readonly month: MonthKey;
  /** The instant the report is made (epoch ms): decides past / current month and the projection. */
  readonly now: number;
  readonly total: PathCounters;
  readonly distributions: readonly { readonly distributionId: string; readonly counters: PathCounters }[];
  /** Day counters (`DAY#DD#TOTAL`), any order, days 1..31. */
  readonly days: readonly { readonly day: number; readonly counters: PathCounters }[];
  readonly ledger: readonly LedgerItemSummary[];
  /** Absent: reconciliation was not asked for. */
  readonly reconciliation?: ReconciliationInput;
  /** The stage's MONTHLY_PATH_BUDGET; absent: the free tier. */
  readonly monthlyPathBudget?: number;
  /** Where the figures came from, shown in the report header. */
  readonly labels?: { readonly stage?: string; readonly tableName?: string };
  /** What waits in the pending set now, per distribution (absent: not read). */
  readonly pending?: readonly PendingInput[];
  /** The month's savings counters: new keys and inventory listings (absent: none recorded). */
  readonly savings?: SavingsInput;
}

/** Completion latency over the ledger items where the watcher recorded one. */
export interface LatencyFigures {
  readonly samples: number;
  readonly medianMs: number | null;
  readonly p95Ms: number | null;
}

/** The figures of one distribution or of the whole account. */
export interface ReportFigures {
  /** Invalidations this service issued (counters: net of released units). */
  readonly invalidations: number;
  readonly paths: number;
  readonly exactPaths: number;
  readonly wildcardPaths: number;
  /** Changed S3 objects the service received. */
  readonly changedObjects: number;
  /** changedObjects − paths: what batching saved against one path per object (negative if it cost more). */
  readonly pathsSaved: number;
  /** Invalidations someone else submitted (null: not reconciled). */
  readonly outsideInvalidations: number | null;
  readonly outsidePaths: number | null;
  /** Share of the account's free tier these paths used. */
  readonly freeTierUsed: number;
  /** Share of the account's invalidation bill (ours + outside paths). */
  readonly costUsd: number;
  /** Share of the bill one path per object would have run up (plus the same outside paths). */
  readonly baselineCostUsd: number;
  /** baselineCostUsd − costUsd. */
  readonly costAvoidedUsd: number;
  readonly latency: LatencyFigures;
}

/** One distribution's row. */
export interface DistributionFigures extends ReportFigures {
  readonly distributionId: string;
}

/** One UTC day of the month. */
export interface DayFigures {
  readonly day: number;
  /** `YYYY-MM-DD`. */
  readonly date: string;
  /** Our invalidations and paths that day (`DAY#DD#TOTAL`). */
  readonly invalidations: number;
  readonly paths: number;
  readonly changedObjects: number;
  /** Paths of invalidations submitted elsewhere that day (0 when not reconciled). */
  readonly outsidePaths: number;
  /** Paths counted against the free tier since the 1st, this day included (ours + outside). */
  readonly cumulativePaths: number;
}

/** An invalidation found in CloudFront that the ledger does not know. */
export interface OutsideInvalidation {
  readonly distributionId: string;
  readonly invalidationId: string;
  /** ISO 8601, UTC. */
  readonly createdAt: string;
  readonly status: string;
  readonly callerReference: string;
  readonly paths: readonly string[];
}

/** Counts of ledger items by status (see docs/report.md for what each means for the figures). */
export interface LedgerStatusCounts {
  readonly reserved: number;
  readonly issued: number;
  readonly completed: number;
  readonly released: number;
  readonly timedOut: number;
  readonly other: number;
}

/** The month's report: every renderer reads only this. */
export interface MonthlyReport {
  readonly schemaVersion: 1;
  readonly month: MonthKey;
  /** ISO 8601 of `now`. */
  readonly generatedAt: string;
  readonly labels: { readonly stage: string | null; readonly tableName: string | null };
  readonly period: {
    readonly start: string;
    readonly end: string;
    readonly daysInMonth: number;
    /** Days of the month behind `now` (0 for a future month, daysInMonth for a past one). */
    readonly elapsedDays: number;
    readonly state: 'past' | 'current' | 'future';
  };
  readonly freeTier: { readonly limit: number; readonly used: number; readonly left: number };
  readonly totals: ReportFigures;
  readonly distributions: readonly DistributionFigures[];
  readonly days: readonly DayFigures[];
  readonly projection: {
    /**
     * `rate` for the current month once its first active day is a day old; `actual` (the paths so far)
     * for a past or future month, and for a current one with less than a day of activity.
     */
    readonly basis: 'actual' | 'rate';
    /** Paths (ours + outside) expected by the end of the month. */
    readonly paths: number;
    readonly costUsd: number;
    readonly budget: number;
    readonly overBudget: boolean;
  };
  readonly ledger: LedgerStatusCounts;
  readonly reconciliation: {
    readonly status: 'not-run' | 'done' | 'failed';
    readonly reason: string | null;
    readonly distributionsChecked: readonly string[];
    readonly outside: readonly OutsideInvalidation[];
  };
  /** Changes waiting in the pending set at `generatedAt`, longest wait first (also in `notes`). */
  readonly pending: readonly PendingFigures[];
  /** What new keys and inventory listings saved, and what the listings cost (docs/report.md). */
  readonly savings: MonthSavings;
  /** Plain sentences about gaps in the data (pending reservations, counters vs ledger, …). */
  readonly notes: readonly string[];
}
