/** The HTML report's stylesheet, inlined into the page (no external asset). */
export const HTML_STYLE = `
:root { color-scheme: light; --ink: #111827; --muted: #4b5563; --line: #e5e7eb; --bar: #2563eb;
  --outside: #ea580c; --free: #dc2626; --ok: #047857; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #f9fafb; }
main { max-width: 1180px; margin: 0 auto; padding: 24px; background: #fff; }
h1 { font-size: 24px; margin: 0 0 4px; } h1 small { color: var(--muted); font-weight: normal; font-size: 16px; }
h2 { font-size: 18px; margin: 28px 0 8px; }
.meta { color: var(--muted); margin: 4px 0; }
.verdict { padding: 10px 14px; border-radius: 6px; font-weight: 600; margin: 16px 0; }
.verdict.ok { background: #ecfdf5; color: var(--ok); border: 1px solid #a7f3d0; }
.verdict.over { background: #fef2f2; color: var(--free); border: 1px solid #fecaca; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(130px, 1fr)); gap: 10px; margin: 16px 0; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; }
.card .label { color: var(--muted); font-size: 13px; } .card .value { font-size: 22px; font-weight: 650; }
.card .detail { color: var(--muted); font-size: 12px; }
figure { margin: 16px 0; } figcaption { color: var(--muted); font-size: 13px; }
svg.chart { width: 100%; height: auto; display: block; font-size: 12px; }
svg .bar { fill: var(--bar); } svg .bar-outside { fill: var(--outside); }
svg .cumulative { fill: none; stroke: var(--ink); stroke-width: 2.5; }
svg .projection { stroke: var(--ink); stroke-width: 2; stroke-dasharray: 2 4; }
svg .free-tier { stroke: var(--free); stroke-width: 2; stroke-dasharray: 8 5; }
svg .free-tier-label, svg .projection-label { paint-order: stroke; stroke: #fff; stroke-width: 4px; stroke-linejoin: round; }
svg .free-tier-label { fill: var(--free); font-weight: 600; } svg .projection-label { fill: var(--ink); font-weight: 600; }
svg .grid { stroke: var(--line); } svg .axis { stroke: var(--muted); }
svg .tick { fill: var(--muted); font-size: 11px; } svg .axis-title, svg .legend text { fill: var(--ink); }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; font-size: 13px; }
th, td { padding: 5px 7px; border-bottom: 1px solid var(--line); text-align: right; white-space: nowrap; vertical-align: top; }
th.name, td.name, thead th:first-child { text-align: left; } tfoot th, tfoot td { font-weight: 650; border-top: 2px solid var(--ink); }
td.paths { text-align: left; white-space: normal; } code { font-size: 13px; }
details { margin: 20px 0; } summary { font-weight: 600; cursor: pointer; }
.notes li { margin: 4px 0; }
`;
