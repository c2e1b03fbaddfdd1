import { formatCount, formatMoney, formatPlural, formatSmallMoney } from './format-values.ts';
import { escapeHtml } from './html-escape.ts';
import type { SavingsFigures } from './savings.ts';
import { layoutColumns } from './text-layout.ts';
import type { MonthlyReport } from './types.ts';

/**
 * The savings section in every format that shows it: what new keys avoided, and what the inventory
 * listings cost against the paths they saved (docs/report.md, "What new keys and listings save").
 */

/**
 * Summary rows: `Paths avoided` (new keys) and `Listings`, each a label and its text.
 *
 * @param report - the report
 */
export function savingsRows(report: MonthlyReport): [string, string][] {
  const { totals } = report.savings;
  return [
    [
      'Paths avoided',
      `new keys: ${formatCount(totals.newKeyPathsAvoided)} (${formatPlural(totals.newKeys, 'new key')} needed no path; ${formatMoney(totals.newKeyCostAvoidedUsd)} this month)`,
    ],
    [
      'Listings',
      `${requestsText(totals)} (${formatSmallMoney(totals.listCostUsd)}) saved ${formatPlural(totals.inventoryPathsSaved, 'path')} in ${formatCount(totals.inventoryPlans)} ${totals.inventoryPlans === 1 ? 'batch' : 'batches'} (${formatMoney(totals.inventoryCostAvoidedUsd)} this month)`,
    ],
  ];
}

/**
 * The S3 requests behind the listings: `1,234 S3 LIST requests`, with `and 5 GET requests` when the
 * new-key evidence asked for a bucket's versioning (GET tier, priced apart).
 *
 * @param figures - the account's or a distribution's savings figures
 */
export function requestsText(figures: SavingsFigures): string {
  const list = formatPlural(figures.listRequests, 'S3 LIST request');
  return figures.getRequests === 0 ? list : `${list} and ${formatPlural(figures.getRequests, 'GET request')}`;
}

const HEADERS = ['distribution', 'new keys', 'avoided', 'LIST', 'GET', 'list cost', 'batches', 'saved'];

function cellsOf(figures: SavingsFigures): string[] {
  return [
    formatCount(figures.newKeys),
    formatCount(figures.newKeyPathsAvoided),
    formatCount(figures.listRequests),
    formatCount(figures.getRequests),
    formatSmallMoney(figures.listCostUsd),
    formatCount(figures.inventoryPlans),
    formatCount(figures.inventoryPathsSaved),
  ];
}

/**
 * The text table by distribution, or nothing when the month recorded no savings.
 *
 * @param report - the report
 */
export function savingsTable(report: MonthlyReport): string[] {
  const { totals, distributions } = report.savings;
  if (distributions.length === 0) return [];
  return [
    '',
    'New keys and listings (avoided: new-key paths uncovered; saved by the inventory;',
    'LIST, GET: the S3 requests of inventories and new-key evidence, in list cost)',
    ...layoutColumns(
      HEADERS.map((header, index) => ({ header, align: index === 0 ? ('left' as const) : ('right' as const) })),
      distributions.map((d) => [d.distributionId, ...cellsOf(d)]),
      [['total', ...cellsOf(totals)]],
    ),
  ];
}

/**
 * The HTML table by distribution, or nothing when the month recorded no savings.
 *
 * @param report - the report
 * @param table - the page's table builder (headers, body rows, footer row)
 */
export function savingsHtml(
  report: MonthlyReport,
  table: (headers: readonly string[], rows: readonly string[], footer?: string) => string,
): string {
  const { totals, distributions } = report.savings;
  if (distributions.length === 0) return '';
  const row = (name: string, cells: readonly string[], tag: 'td' | 'th') =>
    `<tr><${tag} class="name">${escapeHtml(name)}</${tag}>${cells.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`;
  return `<h2>New keys and listings</h2>
<p class="meta">Avoided: paths of new keys (nothing stale to invalidate) that no issued path covers. Saved: paths the inventory listings saved against planning without them. LIST, GET: the S3 requests of inventories and new-key evidence, at $0.005 and $0.0004 per 1,000.</p>
${table(
  HEADERS,
  distributions.map((d) => row(d.distributionId, cellsOf(d), 'td')),
  row('total', cellsOf(totals), 'th'),
)}`;
}
