import type { MonthInvalidations } from '../../shared/adapters/cloudfront-reconciler.ts';
import type { MonthPartition } from '../../shared/adapters/dynamodb-report-reader.ts';
import { type MonthBounds, monthBounds, monthKeyOf } from '../../shared/domain/month.ts';
import {
  alertOf,
  buildMonthlyReport,
  type LedgerItemSummary,
  type MonthlyReport,
  type ReconciliationInput,
  renderMarkdown,
} from '../../shared/domain/report/index.ts';

/** The EventBridge schedule's input: the previous month's report, or the mid-month budget check. */
export interface ScheduledReportEvent {
  readonly kind: 'monthly' | 'daily';
}

/** Which reports reach the topic: all (monthly always, daily when over budget), failures (alarms only), off. */
export type ReportNotifyMode = 'all' | 'failures' | 'off';

/** One SNS message. */
export interface ReportMessage {
  readonly subject: string;
  readonly message: string;
  readonly attributes: Readonly<Record<string, string>>;
}

/** What the scheduled report needs; the handler wires real adapters, tests local ones. */
export interface ScheduledReportDeps {
  readonly reader: { readMonth(month: string): Promise<MonthPartition> };
  /** Absent: no reconciliation with CloudFront. */
  readonly reconciler?: {
    listMonth(
      bounds: MonthBounds,
      options: { readonly distributionIds?: readonly string[]; readonly ledger: readonly LedgerItemSummary[] },
    ): Promise<MonthInvalidations>;
  };
  /** Distributions from the stage's routes (besides those in the ledger) to reconcile. */
  readonly distributionIds: readonly string[];
  readonly publish: (message: ReportMessage) => Promise<void>;
  readonly stage: string;
  readonly tableName: string;
  readonly monthlyPathBudget: number;
  readonly notify: ReportNotifyMode;
  readonly now: () => number;
  readonly log: {
    info(message: string, extra?: Record<string, unknown>): void;
    warn(message: string, extra?: Record<string, unknown>): void;
  };
}

/** What one scheduled run did. */
export interface ScheduledReportResult {
  readonly kind: ScheduledReportEvent['kind'];
  readonly month: string;
  readonly alarm: boolean;
  readonly published: boolean;
  readonly subject: string;
  readonly report: MonthlyReport;
}

/** The scheduled event is not `{"kind":"monthly"}` or `{"kind":"daily"}`. Not retryable. */
export class ReportEventError extends Error {
  override name = 'ReportEventError';
  readonly retryable = false;
}

// SNS messages are at most 256 KiB; the Markdown of a month with many outside invalidations could pass it.
const MAX_MESSAGE_BYTES = 256 * 1024 - 1024;

/**
 * Builds the report the schedule asks for and publishes its Markdown to SNS: `monthly` reports the
 * previous UTC month (actual figures); `daily` checks the current month's projection against
 * MONTHLY_PATH_BUDGET and publishes only when it passes it. Over budget, the subject starts with
 * `ALARM:` and the `alarm` message attribute is `true`, so subscriptions can filter on it.
 *
 * @param event - `{"kind":"monthly"}` or `{"kind":"daily"}`
 * @param deps - adapters, settings and the clock
 * @throws ReportEventError for any other event; adapter errors when DynamoDB or SNS fail
 */
export async function runScheduledReport(event: unknown, deps: ScheduledReportDeps): Promise<ScheduledReportResult> {
  const { kind } = parseEvent(event);
  const now = deps.now();
  const month = kind === 'monthly' ? monthKeyOf(monthBounds(monthKeyOf(now)).startMs - 1) : monthKeyOf(now);
  const partition = await deps.reader.readMonth(month);
  const reconciliation = await reconcile(month, partition, deps);
  const report = buildMonthlyReport({
    month,
    now,
    ...partition,
    ...(reconciliation === undefined ? {} : { reconciliation }),
    monthlyPathBudget: deps.monthlyPathBudget,
    labels: { stage: deps.stage, tableName: deps.tableName },
  });
  const alert = alertOf(report, deps.stage);
  const wanted = deps.notify !== 'off' && (alert.alarm || (kind === 'monthly' && deps.notify === 'all'));
  if (wanted) {
    await deps.publish({
      subject: alert.subject,
      message: limitBytes(renderMarkdown(report), month),
      attributes: {
        kind: alert.alarm ? 'budget-alarm' : 'monthly-report',
        alarm: String(alert.alarm),
        month,
        stage: deps.stage,
      },
    });
  }
  deps.log.info('report done', {
    kind,
    month,
    alarm: alert.alarm,
    published: wanted,
    projectedPaths: report.projection.paths,
    budget: report.projection.budget,
  });
  return { kind, month, alarm: alert.alarm, published: wanted, subject: alert.subject, report };
}

function parseEvent(event: unknown): ScheduledReportEvent {
  const kind = typeof event === 'object' && event !== null ? (event as { kind?: unknown }).kind : undefined;
  if (kind === 'monthly' || kind === 'daily') return { kind };
  const got = typeof kind === 'string' ? JSON.stringify(kind.slice(0, 40)) : typeof kind;
  throw new ReportEventError(`report event: expected {"kind":"monthly"} or {"kind":"daily"}, got kind ${got}`);
}

/** Reconciles when a reconciler is wired; a failure degrades the report (a note) instead of losing it. */
async function reconcile(
  month: string,
  partition: MonthPartition,
  deps: ScheduledReportDeps,
): Promise<ReconciliationInput | undefined> {
  if (deps.reconciler === undefined) return undefined;
  // Only named distributions: the function's role may list invalidations, not every distribution.
  const distributionIds = [
    ...new Set([...deps.distributionIds, ...partition.ledger.map((item) => item.distributionId)]),
  ];
  if (distributionIds.length === 0) return { kind: 'done', distributionIds: [], invalidations: [] };
  try {
    const found = await deps.reconciler.listMonth(monthBounds(month), { distributionIds, ledger: partition.ledger });
    return { kind: 'done', ...found };
  } catch (error) {
    const reason = error instanceof Error ? (error.message.split('\n')[0] ?? error.name) : String(error);
    deps.log.warn('reconciliation failed', { month, reason });
    return { kind: 'failed', reason };
  }
}

function limitBytes(markdown: string, month: string): string {
  if (Buffer.byteLength(markdown, 'utf8') <= MAX_MESSAGE_BYTES) return markdown;
  const tail = `\n\n(truncated to fit SNS; run \`invalidator report --month ${month}\` for the full report)\n`;
  const cut = Buffer.from(markdown, 'utf8')
    .subarray(0, MAX_MESSAGE_BYTES - Buffer.byteLength(tail))
    .toString('utf8');
  // A multi-byte character cut in half decodes to U+FFFD; drop it.
  return cut.replace(/\uFFFD$/, '') + tail;
}
