import { visibleWidth } from './table.js';

/** One line of a describe block; a list value puts its first item beside the label and the rest below. */
export type Field = readonly [label: string, value: string | readonly string[]];

const NONE = '<none>';

/**
 * A human key/value block (`Name:   everything`), the table form of show-like commands.
 * Labels end with a colon and values start in one column, like `kubectl describe`.
 */
export function renderFields(fields: readonly Field[], indent = ''): string {
  const width = Math.max(0, ...fields.map(([label]) => visibleWidth(label) + 1));
  const lines: string[] = [];
  for (const [label, value] of fields) {
    const items = typeof value === 'string' ? [value] : value.length > 0 ? value : [NONE];
    const head = `${indent}${label}:`.padEnd(indent.length + width + 2);
    lines.push(`${head}${items[0] ?? ''}`.trimEnd());
    const pad = ' '.repeat(head.length);
    for (const item of items.slice(1)) lines.push(`${pad}${item}`.trimEnd());
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
