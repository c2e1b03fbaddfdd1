import {
  describePeriodState,
  describeSource,
  formatCount,
  formatInstant,
  formatLatency,
  formatMoney,
  formatOptionalCount,
  formatSmallMoney,
} from './format-values.ts';
import { escapeHtml } from './html-escape.ts';
import { HTML_STYLE } from './html-style.ts';
import { renderChart } from './render-chart.ts';
import { requestsText, savingsHtml } from './render-savings.ts';
import type { MonthlyReport, ReportFigures } from './types.ts';

/** At most this many paths of one outside invalidation are listed (the rest are counted). */
const MAX_LISTED_PATHS = 10;

/**
 * The report as one self-contained HTML page: inline CSS, the inline SVG chart, tables. No script,
 * no external asset or link, so it reads the same offline, in a mail attachment or with JavaScript off.
 *
 * @param report - from {@link buildMonthlyReport}
 */
export function renderHtml(report: MonthlyReport): string {
  const title = `CloudFront invalidation report ${report.month}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${HTML_STYLE}</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)} <small>(UTC)</small></h1>
<p class="meta">${escapeHtml(metaLine(report))}</p>
${verdict(report)}
${cards(report)}
<figure>
${renderChart(report)}
<figcaption>Bars: paths issued per UTC day (left axis). Line: paths used since the 1st (right axis), against the account's free tier of ${formatCount(report.freeTier.limit)} paths a month shared by all distributions.</figcaption>
</figure>
<h2>By distribution</h2>
${distributionTable(report)}
${savingsHtml(report, table)}
${daysTable(report)}
${outsideTable(report)}
<h2>Notes</h2>
<ul class="notes">${report.notes.map((note) => `<li>${escapeHtml(note)}</li>`).join('')}</ul>
<p class="meta">Cost: $0.005 a path beyond the first ${formatCount(report.freeTier.limit)} paths of the month; a wildcard path counts as one path. Distribution costs are shares of the account's bill in proportion to their paths.</p>
</main>
</body>
</html>
`;
}

function metaLine(report: MonthlyReport): string {
  const { labels, period } = report;
  const source = describeSource(labels);
  const state = describePeriodState(period);
  return [...source, `as of ${formatInstant(report.generatedAt)}`, state].join(' · ');
}

function verdict(report: MonthlyReport): string {
  const { projection } = report;
  const text = `${projection.overBudget ? 'Over budget' : 'Within budget'}: ${formatCount(projection.paths)} paths ${projection.basis === 'rate' ? 'projected by the month end' : 'this month'}, budget ${formatCount(projection.budget)}, cost ${formatMoney(projection.costUsd)}.`;
  return `<p class="verdict ${projection.overBudget ? 'over' : 'ok'}">${escapeHtml(text)}</p>`;
}

function cards(report: MonthlyReport): string {
  const { totals, freeTier } = report;
  const savings = report.savings.totals;
  const outside =
    report.reconciliation.status === 'done'
      ? `${formatCount(totals.outsidePaths ?? 0)} in ${formatCount(totals.outsideInvalidations ?? 0)} invalidations`
      : report.reconciliation.status === 'failed'
        ? 'unknown: reconciliation failed'
        : 'not checked';
  const items: [string, string, string][] = [
    [
      'Paths issued',
      formatCount(totals.paths),
      `${formatCount(totals.invalidations)} invalidations, ${formatCount(totals.wildcardPaths)} wildcard`,
    ],
    ['Changed objects', formatCount(totals.changedObjects), `${formatCount(totals.pathsSaved)} paths saved`],
    [
      'Free tier left',
      formatCount(freeTier.left),
      `${formatCount(freeTier.used)} of ${formatCount(freeTier.limit)} used`,
    ],
    ['Cost', formatMoney(totals.costUsd), `one path per object: ${formatMoney(totals.baselineCostUsd)}`],
    ['Cost avoided', formatMoney(totals.costAvoidedUsd), 'against one path per object'],
    [
      'Paths avoided: new keys',
      formatCount(savings.newKeyPathsAvoided),
      `${formatCount(savings.newKeys)} new keys needed no path`,
    ],
    [
      'Listings',
      formatSmallMoney(savings.listCostUsd),
      `${requestsText(savings)} saved ${formatCount(savings.inventoryPathsSaved)} paths (${formatMoney(savings.inventoryCostAvoidedUsd)})`,
    ],
    ['Outside paths', formatOptionalCount(totals.outsidePaths), outside],
    [
      'Latency',
      formatLatency(totals.latency.medianMs),
      totals.latency.samples === 0 ? 'none recorded' : `median; p95 ${formatLatency(totals.latency.p95Ms)}`,
    ],
  ];
  const cells = items.map(
    ([label, value, detail]) =>
      `<div class="card"><div class="label">${escapeHtml(label)}</div><div class="value">${escapeHtml(value)}</div><div class="detail">${escapeHtml(detail)}</div></div>`,
  );
  return `<div class="cards">${cells.join('')}</div>`;
}

function distributionTable(report: MonthlyReport): string {
  const headers = [
    'distribution',
    'invalidations',
    'paths',
    'wildcard',
    'changed',
    'saved',
    'outside',
    'free tier',
    'cost',
    'avoided',
    'latency median / p95',
  ];
  const row = (name: string, f: ReportFigures, tag: 'td' | 'th') =>
    `<tr><${tag} class="name">${escapeHtml(name)}</${tag}>${[
      formatCount(f.invalidations),
      formatCount(f.paths),
      formatCount(f.wildcardPaths),
      formatCount(f.changedObjects),
      formatCount(f.pathsSaved),
      formatOptionalCount(f.outsidePaths),
      formatCount(f.freeTierUsed),
      formatMoney(f.costUsd),
      formatMoney(f.costAvoidedUsd),
      f.latency.samples === 0 ? '-' : `${formatLatency(f.latency.medianMs)} / ${formatLatency(f.latency.p95Ms)}`,
    ]
      .map((cell) => `<td>${escapeHtml(cell)}</td>`)
      .join('')}</tr>`;
  return table(
    headers,
    report.distributions.map((d) => row(d.distributionId, d, 'td')),
    row('total', report.totals, 'th'),
  );
}

function daysTable(report: MonthlyReport): string {
  const withData = report.days.filter((d) => d.paths + d.outsidePaths > 0);
  if (withData.length === 0) return '';
  const rows = withData.map(
    (d) =>
      `<tr><td class="name">${d.date}</td><td>${formatCount(d.paths)}</td><td>${formatCount(d.outsidePaths)}</td><td>${formatCount(d.cumulativePaths)}</td></tr>`,
  );
  return `<details><summary>Days with paths (${withData.length})</summary>${table(['date', 'paths', 'outside', 'cumulative'], rows)}</details>`;
}

function outsideTable(report: MonthlyReport): string {
  const { outside } = report.reconciliation;
  if (outside.length === 0) return '';
  const rows = outside.map(
    (o) =>
      `<tr><td class="name">${escapeHtml(formatInstant(o.createdAt))}</td><td class="name">${escapeHtml(o.distributionId)}</td><td class="name">${escapeHtml(o.invalidationId)}</td><td class="name">${escapeHtml(o.callerReference)}</td><td>${formatCount(o.paths.length)}</td><td class="paths">${listPaths(o.paths)}</td></tr>`,
  );
  return `<h2>Invalidations submitted outside this service</h2>
<p class="meta">Found in CloudFront but not in the ledger (console, CI, other tools). They use the same free tier.</p>
${table(['created', 'distribution', 'invalidation', 'caller reference', 'paths', 'invalidated paths'], rows)}`;
}

function listPaths(paths: readonly string[]): string {
  const listed = paths.slice(0, MAX_LISTED_PATHS).map((path) => `<code>${escapeHtml(path)}</code>`);
  const more = paths.length > MAX_LISTED_PATHS ? ` and ${formatCount(paths.length - MAX_LISTED_PATHS)} more` : '';
  return listed.join(' ') + more;
}

function table(headers: readonly string[], rows: readonly string[], footer?: string): string {
  const head = `<thead><tr>${headers.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead>`;
  const foot = footer === undefined ? '' : `<tfoot>${footer}</tfoot>`;
  return `<div class="table-wrap"><table>${head}<tbody>${rows.join('')}</tbody>${foot}</table></div>`;
}
