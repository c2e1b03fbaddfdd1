import { formatCount } from './format-values.ts';
import { escapeHtml } from './html-escape.ts';
import type { MonthlyReport } from './types.ts';

/** Size of the chart's coordinate system (it scales to the page width). */
export const CHART_SIZE = { width: 800, height: 360 } as const;
const PLOT = { left: 64, right: 80, top: 56, bottom: 52 } as const;
const PLOT_WIDTH = CHART_SIZE.width - PLOT.left - PLOT.right;
const PLOT_HEIGHT = CHART_SIZE.height - PLOT.top - PLOT.bottom;
const TICKS = 5;
const MIN_BAR = 2;

/**
 * The month as an inline SVG chart: one bar per day with paths (paths per day on the left axis, the
 * part submitted elsewhere stacked in another colour), the cumulative paths as a line on the right
 * axis, the account's free tier as a dashed horizontal line on that axis, and for the current month
 * a dotted projection to the month end. Bars stay below the free-tier line. The x axis has one slot per day of the month. No script, no
 * external reference; every bar has a `<title>` with its figures.
 *
 * @param report - from {@link buildMonthlyReport}
 */
export function renderChart(report: MonthlyReport): string {
  const { daysInMonth } = report.period;
  const slot = PLOT_WIDTH / daysInMonth;
  const cumulativeMax = niceMax(
    Math.max(report.freeTier.limit * 1.15, report.projection.paths, ...report.days.map((d) => d.cumulativePaths)),
  );
  // A day's bar (left axis) never reaches the free-tier line (right axis): the tallest stays under 90%
  // of the line's height, so a busy day cannot look like the month passed the tier.
  const dailyPeak = Math.max(10, ...report.days.map((d) => d.paths + d.outsidePaths));
  const freeTierShare = report.freeTier.limit / cumulativeMax;
  const dailyMax = niceMax(Math.max(dailyPeak * 1.05, dailyPeak / (freeTierShare * 0.9)));
  const yDaily = (value: number) => PLOT.top + PLOT_HEIGHT - (value / dailyMax) * PLOT_HEIGHT;
  const yCumulative = (value: number) => PLOT.top + PLOT_HEIGHT - (value / cumulativeMax) * PLOT_HEIGHT;
  const xCenter = (day: number) => PLOT.left + (day - 0.5) * slot;
  const label = `Paths per day and cumulative paths in ${report.month} against the ${formatCount(report.freeTier.limit)}-path free tier`;
  const parts = [
    `<svg class="chart" viewBox="0 0 ${CHART_SIZE.width} ${CHART_SIZE.height}" role="img" aria-labelledby="chart-title">`,
    `<title id="chart-title">${escapeHtml(label)}</title>`,
    ...legend(report.freeTier.limit),
    ...axes(dailyMax, cumulativeMax, yDaily, yCumulative),
    ...dayLabels(daysInMonth, xCenter),
    ...bars(report, slot, xCenter, yDaily),
    ...cumulativeLine(report, xCenter, yCumulative),
    ...freeTierLine(report.freeTier.limit, yCumulative),
    '</svg>',
  ];
  return parts.join('\n');
}

function legend(freeTier: number): string[] {
  const items = [
    { swatch: '<rect x="0" y="-9" width="12" height="12" class="bar"/>', text: 'paths per day (left axis)' },
    { swatch: '<rect x="0" y="-9" width="12" height="12" class="bar-outside"/>', text: 'submitted elsewhere' },
    { swatch: '<line x1="0" y1="-3" x2="16" y2="-3" class="cumulative"/>', text: 'cumulative (right axis)' },
    { swatch: '<line x1="0" y1="-3" x2="16" y2="-3" class="free-tier"/>', text: `free tier ${formatCount(freeTier)}` },
  ];
  const widths = [190, 150, 175, 130];
  let x = PLOT.left;
  return items.map((item, index) => {
    const group = `<g class="legend" transform="translate(${x} 24)">${item.swatch}<text x="20" y="2">${escapeHtml(item.text)}</text></g>`;
    x += widths[index] ?? 150;
    return group;
  });
}

function axes(
  dailyMax: number,
  cumulativeMax: number,
  yDaily: (value: number) => number,
  yCumulative: (value: number) => number,
): string[] {
  const right = PLOT.left + PLOT_WIDTH;
  const bottom = PLOT.top + PLOT_HEIGHT;
  const parts: string[] = [];
  for (let i = 0; i <= TICKS; i++) {
    const daily = (dailyMax / TICKS) * i;
    const cumulative = (cumulativeMax / TICKS) * i;
    const y = round(yDaily(daily));
    parts.push(
      `<line class="grid" x1="${PLOT.left}" y1="${y}" x2="${right}" y2="${y}"/>`,
      `<text class="tick" x="${PLOT.left - 8}" y="${y + 4}" text-anchor="end">${formatCount(daily)}</text>`,
      `<text class="tick tick-right" x="${right + 8}" y="${round(yCumulative(cumulative)) + 4}">${formatCount(cumulative)}</text>`,
    );
  }
  parts.push(
    `<line class="axis" x1="${PLOT.left}" y1="${bottom}" x2="${right}" y2="${bottom}"/>`,
    `<text class="axis-title" transform="translate(16 ${PLOT.top + PLOT_HEIGHT / 2}) rotate(-90)" text-anchor="middle">paths per day</text>`,
    `<text class="axis-title" transform="translate(${CHART_SIZE.width - 12} ${PLOT.top + PLOT_HEIGHT / 2}) rotate(90)" text-anchor="middle">cumulative paths</text>`,
    `<text class="axis-title" x="${PLOT.left + PLOT_WIDTH / 2}" y="${CHART_SIZE.height - 8}" text-anchor="middle">day of month (UTC)</text>`,
  );
  return parts;
}

function dayLabels(daysInMonth: number, xCenter: (day: number) => number): string[] {
  const labels: string[] = [];
  const y = PLOT.top + PLOT_HEIGHT + 16;
  for (let day = 1; day <= daysInMonth; day++) {
    labels.push(`<text class="tick" x="${round(xCenter(day))}" y="${y}" text-anchor="middle">${day}</text>`);
  }
  return labels;
}

function bars(
  report: MonthlyReport,
  slot: number,
  xCenter: (day: number) => number,
  yDaily: (value: number) => number,
): string[] {
  const width = round(Math.max(2, slot * 0.7));
  const bottom = PLOT.top + PLOT_HEIGHT;
  // A day with paths always shows: at least MIN_BAR units tall, however small against the axis.
  const topOf = (value: number) => (value > 0 ? Math.min(yDaily(value), bottom - MIN_BAR) : bottom);
  return report.days
    .filter((d) => d.paths + d.outsidePaths > 0)
    .map((d) => {
      const x = round(xCenter(d.day) - width / 2);
      const top = round(topOf(d.paths + d.outsidePaths));
      const outsideTop = round(topOf(d.outsidePaths));
      const title = `${d.date}: ${formatCount(d.paths + d.outsidePaths)} paths${d.outsidePaths > 0 ? ` (${formatCount(d.outsidePaths)} submitted elsewhere)` : ''}, ${formatCount(d.cumulativePaths)} cumulative`;
      const outside =
        d.outsidePaths > 0
          ? `<rect class="bar-outside" x="${x}" y="${outsideTop}" width="${width}" height="${round(bottom - outsideTop)}"/>`
          : '';
      return `<g class="day" data-day="${d.day}"><title>${escapeHtml(title)}</title><rect class="bar" x="${x}" y="${top}" width="${width}" height="${round(bottom - top)}"/>${outside}</g>`;
    });
}

function cumulativeLine(
  report: MonthlyReport,
  xCenter: (day: number) => number,
  yCumulative: (value: number) => number,
): string[] {
  if (report.days.length === 0) return [];
  const points = [
    `${PLOT.left},${PLOT.top + PLOT_HEIGHT}`,
    ...report.days.map((d) => `${round(xCenter(d.day))},${round(yCumulative(d.cumulativePaths))}`),
  ];
  const parts = [`<polyline class="cumulative" points="${points.join(' ')}"/>`];
  const last = report.days[report.days.length - 1];
  if (report.projection.basis === 'rate' && last !== undefined) {
    const x2 = PLOT.left + PLOT_WIDTH;
    const y2 = round(yCumulative(report.projection.paths));
    parts.push(
      `<line class="projection" x1="${round(xCenter(last.day))}" y1="${round(yCumulative(last.cumulativePaths))}" x2="${x2}" y2="${y2}"/>`,
      `<text class="projection-label" x="${x2 - 4}" y="${y2 - 8}" text-anchor="end">projected ${formatCount(report.projection.paths)}</text>`,
    );
  }
  return parts;
}

function freeTierLine(limit: number, yCumulative: (value: number) => number): string[] {
  const y = round(yCumulative(limit));
  return [
    `<line class="free-tier" x1="${PLOT.left}" y1="${y}" x2="${PLOT.left + PLOT_WIDTH}" y2="${y}" data-paths="${limit}"/>`,
    `<text class="free-tier-label" x="${PLOT.left + 6}" y="${y - 6}">free tier: ${formatCount(limit)} paths a month (right axis, account-wide)</text>`,
  ];
}

/**
 * The axis maximum: TICKS times the smallest round step at or above `value / TICKS`, so every tick is
 * a whole, readable number (steps of 1, 2, 5 × 10^k below ten; finer multiples above).
 */
function niceMax(value: number): number {
  const step = value / TICKS;
  const magnitude = 10 ** Math.floor(Math.log10(step));
  const multiples = magnitude >= 10 ? [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10] : [1, 2, 5, 10];
  const nice = multiples.map((m) => m * magnitude).find((candidate) => candidate >= step) ?? 10 * magnitude;
  return Math.max(1, Math.round(nice * TICKS));
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
