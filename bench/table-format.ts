/** Renders rows as a Markdown table (numbers right-aligned), for the terminal and docs/benchmarks.md. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const numeric = header.map(
    (_, column) =>
      rows.length > 0 &&
      rows.every((row) => /^[\d ./()a-z-]*\d/.test(row[column] ?? '') && /^\d/.test(row[column] ?? '')),
  );
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, column) => (numeric[column] ? cell.padStart(widths[column] as number) : cell.padEnd(widths[column] as number))).join(' | ')} |`;
  const rule = `| ${widths.map((width, column) => (numeric[column] ? `${'-'.repeat(width - 1)}:` : '-'.repeat(width))).join(' | ')} |`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}
