import {
  describePeriodState,
  describeSource,
  formatCount,
  formatInstant,
  formatLatency,
  formatMoney,
  formatOptionalCount,
  formatPlural,
} from './format-values.ts';
import { savingsRows } from './render-savings.ts';
import type { MonthlyReport, ReportFigures } from './types.ts';

/** At most this many paths of one outside invalidation are listed (the rest are counted). */
const MAX_LISTED_PATHS = 20;

/**
 * The report as GitHub-flavoured Markdown: what the scheduled Lambda publishes to SNS (it reads as
 * plain text in an email too) and what fits a wiki page or a pull request comment.
 *
 * @param report - from {@link buildMonthlyReport}
 */
export function renderMarkdown(report: MonthlyReport): string {
  const { totals, freeTier, projection, period, labels } = report;
  const source = describeSource(labels, (text) => `\`${text}\``).join(', ');
  const state = describePeriodState(period);
  const how = projection.basis === 'rate' ? 'projected by the month end' : 'this month';
  const verdict = projection.overBudget
    ? `**Over budget: ${formatCount(projection.paths)} paths ${how}, budget ${formatCount(projection.budget)}.**`
    : `Within budget: ${formatCount(projection.paths)} paths ${how}, budget ${formatCount(projection.budget)}.`;
  const lines = [
    `# CloudFront invalidation report ${report.month} (UTC)`,
    '',
    `${source === '' ? '' : `${source}; `}as of ${formatInstant(report.generatedAt)} (${state})`,
    '',
    verdict,
    '',
    '| figure | value |',
    '| --- | --- |',
    `| Paths issued | ${formatCount(totals.paths)} in ${formatPlural(totals.invalidations, 'invalidation')} (${formatCount(totals.exactPaths)} exact, ${formatCount(totals.wildcardPaths)} wildcard) |`,
    `| Changed objects | ${formatCount(totals.changedObjects)} |`,
    `| Paths saved | ${formatCount(totals.pathsSaved)} against one path per object |`,
    `| Outside paths | ${outsideText(report)} |`,
    `| Free tier | ${formatCount(freeTier.used)} of ${formatCount(freeTier.limit)} used, ${formatCount(freeTier.left)} left |`,
    `| Cost | ${formatMoney(totals.costUsd)} |`,
    `| Cost avoided | ${formatMoney(totals.costAvoidedUsd)} (one path per object: ${formatMoney(totals.baselineCostUsd)}) |`,
    ...savingsRows(report).map(([label, text]) => `| ${label} | ${text} |`),
    `| Projection | ${formatCount(projection.paths)} paths, ${formatMoney(projection.costUsd)} (${projection.basis === 'rate' ? 'at the current rate' : 'actual'}) |`,
    `| Latency | ${totals.latency.samples === 0 ? 'none recorded' : `median ${formatLatency(totals.latency.medianMs)}, p95 ${formatLatency(totals.latency.p95Ms)} (${formatCount(totals.latency.samples)})`} |`,
    '',
    '## By distribution',
    '',
    '| distribution | invalidations | paths | wildcard | changed | saved | outside | free tier | cost | avoided | latency median | p95 |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...report.distributions.map((d) => distributionRow(`\`${escapeCode(d.distributionId)}\``, d)),
    distributionRow('**total**', totals),
    ...daysSection(report),
    ...outsideSection(report),
    '',
    '## Notes',
    '',
    ...report.notes.map((note) => `- ${escapeText(note)}`),
  ];
  return `${lines.join('\n')}\n`;
}

function outsideText(report: MonthlyReport): string {
  const { reconciliation, totals } = report;
  if (reconciliation.status === 'not-run') return 'not checked';
  if (reconciliation.status === 'failed') return 'unknown (reconciliation failed)';
  return `${formatCount(totals.outsidePaths ?? 0)} in ${formatCount(totals.outsideInvalidations ?? 0)} invalidations`;
}

function distributionRow(name: string, f: ReportFigures): string {
  const cells = [
    name,
    formatCount(f.invalidations),
    formatCount(f.paths),
    formatCount(f.wildcardPaths),
    formatCount(f.changedObjects),
    formatCount(f.pathsSaved),
    formatOptionalCount(f.outsidePaths),
    formatCount(f.freeTierUsed),
    formatMoney(f.costUsd),
    formatMoney(f.costAvoidedUsd),
    formatLatency(f.latency.medianMs),
    formatLatency(f.latency.p95Ms),
  ];
  return `| ${cells.join(' | ')} |`;
}

function daysSection(report: MonthlyReport): string[] {
  const withData = report.days.filter((d) => d.paths + d.outsidePaths > 0);
  if (withData.length === 0) return [];
  return [
    '',
    '## Days with paths',
    '',
    '| date | paths | outside | cumulative |',
    '| --- | ---: | ---: | ---: |',
    ...withData.map(
      (d) =>
        `| ${d.date} | ${formatCount(d.paths)} | ${formatCount(d.outsidePaths)} | ${formatCount(d.cumulativePaths)} |`,
    ),
  ];
}

function outsideSection(report: MonthlyReport): string[] {
  const { outside } = report.reconciliation;
  if (outside.length === 0) return [];
  return [
    '',
    '## Invalidations submitted outside this service',
    '',
    ...outside.flatMap((o) => {
      const listed = o.paths.slice(0, MAX_LISTED_PATHS).map((path) => `\`${escapeCode(path)}\``);
      const more =
        o.paths.length > MAX_LISTED_PATHS ? ` and ${formatCount(o.paths.length - MAX_LISTED_PATHS)} more` : '';
      return [
        `- ${formatInstant(o.createdAt)}, \`${escapeCode(o.distributionId)}\`, invalidation \`${escapeCode(o.invalidationId)}\`, caller reference \`${escapeCode(o.callerReference)}\`, ${formatCount(o.paths.length)} path${o.paths.length === 1 ? '' : 's'}: ${listed.join(' ')}${more}`,
      ];
    }),
  ];
}

/** Text inside a code span: backticks cannot be escaped there, so they become `'`; pipes are escaped for tables. */
function escapeCode(text: string): string {
  return text
    .replaceAll('`', "'")
    .replaceAll('|', '\\|')
    .replace(/[\r\n]+/g, ' ');
}

/** Plain Markdown text: characters that would start emphasis, links, HTML or table cells are escaped. */
function escapeText(text: string): string {
  return text.replace(/[\\`*_[\]<>|#]/g, (char) => `\\${char}`).replace(/[\r\n]+/g, ' ');
}
