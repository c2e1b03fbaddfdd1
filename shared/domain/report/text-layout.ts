/** Plain-text layout helpers for the terminal report: aligned columns and wrapped sentences. */

/** Width the terminal report is laid out for. */
export const TEXT_WIDTH = 80;

/** A column: its header and whether its cells align right (numbers) or left (names). */
export interface TextColumn {
  readonly header: string;
  readonly align: 'left' | 'right';
}

const GAP = '  ';

/**
 * Lays out rows under headers, each column as wide as its widest cell, two spaces apart, and no
 * trailing spaces.
 *
 * @param columns - headers and alignment
 * @param rows - cells, one array per row, as many as columns
 * @param footer - optional rows after a rule (a total)
 */
export function layoutColumns(
  columns: readonly TextColumn[],
  rows: readonly (readonly string[])[],
  footer: readonly (readonly string[])[] = [],
): string[] {
  const all = [columns.map((column) => column.header), ...rows, ...footer];
  const widths = columns.map((_, index) => Math.max(...all.map((row) => (row[index] ?? '').length)));
  const line = (cells: readonly string[]) =>
    columns
      .map((column, index) => {
        const cell = cells[index] ?? '';
        const width = widths[index] ?? 0;
        return column.align === 'right' ? cell.padStart(width) : cell.padEnd(width);
      })
      .join(GAP)
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join(GAP);
  return [
    line(columns.map((column) => column.header)),
    rule,
    ...rows.map(line),
    ...(footer.length > 0 ? [rule, ...footer.map(line)] : []),
  ];
}

/**
 * Wraps a sentence at `width` columns (words longer than the width stay whole), indenting the
 * continuation lines by the width of `prefix`.
 *
 * @param text - one paragraph
 * @param width - the line width, e.g. 80
 * @param prefix - put before the first line, e.g. `- `
 */
export function wrapText(text: string, width: number, prefix = ''): string[] {
  const indent = ' '.repeat(prefix.length);
  const lines: string[] = [];
  let current = prefix;
  let empty = true;
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (!empty && current.length + 1 + word.length > width) {
      lines.push(current);
      current = indent + word;
    } else {
      current = empty ? current + word : `${current} ${word}`;
    }
    empty = false;
  }
  lines.push(current);
  return lines;
}

/**
 * Cuts a text to `width` characters, ending in `…` when cut.
 *
 * @param text - any text
 * @param width - at least 1
 */
export function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}
