import { stripVTControlCharacters } from 'node:util';

export interface TableOptions {
  /** false after `--no-headers`: rows only, for scripts (`awk`, `cut`). */
  headers: boolean;
  /** Prefix of every line, for tables nested in a describe block. */
  indent?: string;
}

const GAP = '   ';

/** Width as the terminal shows it: colour codes take no room. */
export function visibleWidth(text: string): number {
  return stripVTControlCharacters(text).length;
}

/**
 * Left-aligned columns separated by three spaces (as kubectl does), no trailing spaces.
 * Cells may carry colour; alignment uses their visible width.
 */
export function renderTable(
  columns: readonly string[],
  rows: readonly (readonly string[])[],
  options: TableOptions,
): string {
  const all = options.headers ? [columns, ...rows] : rows;
  if (all.length === 0) return '';
  const widths = columns.map((_, index) => Math.max(0, ...all.map((row) => visibleWidth(row[index] ?? ''))));
  const indent = options.indent ?? '';
  const lines = all.map((row) => {
    const cells = columns.map((_, index) => {
      const cell = row[index] ?? '';
      const isLast = index === columns.length - 1;
      return isLast ? cell : cell + ' '.repeat((widths[index] ?? 0) - visibleWidth(cell));
    });
    return indent + cells.join(GAP).trimEnd();
  });
  return `${lines.join('\n')}\n`;
}
