import { formatCount, formatMoney } from './format-values.ts';
import type { MonthlyReport } from './types.ts';

/** SNS allows subjects of up to 100 printable ASCII characters. */
const MAX_SUBJECT = 100;

/** What the scheduled report says in the SNS subject line. */
export interface ReportAlert {
  /** True when the projection passes the budget: the message is worth an alarm. */
  readonly alarm: boolean;
  readonly subject: string;
}

/**
 * The SNS subject for a report: `ALARM:` first when the month's projection passes the budget, so
 * mail filters and chat integrations can route it; otherwise a plain summary.
 *
 * @param report - from {@link buildMonthlyReport}
 * @param stage - the deployment stage, to tell accounts apart in an inbox
 */
export function alertOf(report: MonthlyReport, stage: string): ReportAlert {
  const { projection } = report;
  const verb = projection.basis === 'rate' ? 'projected' : 'used';
  const subject = projection.overBudget
    ? `ALARM: CloudFront invalidations ${stage} ${report.month}: ${formatCount(projection.paths)} paths ${verb}, budget ${formatCount(projection.budget)}, ${formatMoney(projection.costUsd)}`
    : `CloudFront invalidations ${stage} ${report.month}: ${formatCount(projection.paths)} paths ${verb}, ${formatMoney(projection.costUsd)}`;
  return { alarm: projection.overBudget, subject: toSubject(subject) };
}

function toSubject(text: string): string {
  // Printable ASCII only, no line breaks (SNS rejects anything else in a subject).
  const ascii = text.replace(/[^\x20-\x7e]/g, '?');
  return ascii.length <= MAX_SUBJECT ? ascii : `${ascii.slice(0, MAX_SUBJECT - 3)}...`;
}
