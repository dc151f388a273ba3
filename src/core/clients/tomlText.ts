import { isDeepStrictEqual } from 'node:util';
import { parse, TomlError } from 'smol-toml';
import { McpctlError } from '../../shared/errors.js';
import type { EntryValue } from './catalog.js';

/**
 * Codex's config.toml, edited by lines: an entry is appended as its own `[mcp_servers.NAME]` table
 * and removed by deleting that table's lines, so comments and formatting elsewhere stay as they
 * were. Every edit is checked by parsing the result: one that would change anything but the
 * entry is refused.
 */

const UNTOUCHED = 'fix the file (it was left untouched), or point at another with --config FILE';

export function parseTomlText(text: string, file: string): Record<string, unknown> {
  try {
    return parse(text) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof TomlError) {
      const reason = error.message.split('\n')[0]?.replace(/^Invalid TOML document: /, '') ?? 'invalid TOML';
      throw new McpctlError('CONFIG_INVALID', `${file}:${error.line}:${error.column}: ${reason}`, { hint: UNTOUCHED });
    }
    throw error;
  }
}

function tomlKey(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key);
}

// A JSON string is a valid TOML basic string (same escapes).
function tomlValue(value: string | string[] | Record<string, string>): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((item) => JSON.stringify(item)).join(', ')}]`;
  const pairs = Object.entries(value).map(([key, item]) => `${tomlKey(key)} = ${JSON.stringify(item)}`);
  return pairs.length === 0 ? '{}' : `{ ${pairs.join(', ')} }`;
}

function tableText(tableKey: string, name: string, value: EntryValue, eol: string): string {
  const lines = [`[${tableKey}.${tomlKey(name)}]`];
  for (const [key, item] of Object.entries(value)) lines.push(`${tomlKey(key)} = ${tomlValue(item)}`);
  return lines.join(eol) + eol;
}

const HEADER = /^\s*\[\[?\s*(.+?)\s*\]\]?\s*(?:#.*)?$/;

/** Splits a dotted TOML key into its parts (bare, "basic" or 'literal'). */
function keyParts(key: string): string[] {
  const parts: string[] = [];
  const pattern = /\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*(?:\.|$)/gy;
  for (let match = pattern.exec(key); match && match[0].length > 0; match = pattern.exec(key)) {
    const basic = match[1];
    parts.push(basic !== undefined ? (JSON.parse(`"${basic}"`) as string) : (match[2] ?? match[3] ?? ''));
    if (pattern.lastIndex >= key.length) break;
  }
  return parts;
}

/** Line ranges [start, end) of the tables `[tableKey.name]` and its sub-tables. */
function tableRanges(lines: string[], tableKey: string, name: string): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  let open: number | undefined;
  lines.forEach((line, index) => {
    const header = HEADER.exec(line);
    if (!header) return;
    const parts = keyParts(header[1] as string);
    const ours = parts[0] === tableKey && parts[1] === name;
    if (open !== undefined && !ours) {
      ranges.push([open, index]);
      open = undefined;
    }
    if (ours && open === undefined) open = index;
  });
  if (open !== undefined) ranges.push([open, lines.length]);
  return ranges;
}

/** smol-toml's tables have no prototype: compare their JSON form. */
function same(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(JSON.parse(JSON.stringify(a ?? null)), JSON.parse(JSON.stringify(b ?? null)));
}

function entriesOf(document: Record<string, unknown>, tableKey: string): Record<string, unknown> {
  const map = document[tableKey];
  return typeof map === 'object' && map !== null && !Array.isArray(map) ? (map as Record<string, unknown>) : {};
}

function refuse(file: string, what: string): never {
  throw new McpctlError('CONFIG_INVALID', `${file}: cannot ${what} by editing only its table's lines`, {
    hint: `the file defines ${'`mcp_servers`'} in a form mcpctl does not edit (inline or dotted keys); edit it by hand`,
  });
}

/** The edited text parsed; an edit that broke the document is refused as such (not blamed on the file). */
function parseEdited(text: string, file: string, what: string): Record<string, unknown> {
  try {
    return parse(text) as Record<string, unknown>;
  } catch {
    return refuse(file, what);
  }
}

/** The text without the entry's table(s); lines before it (comments of the next table) stay. */
export function withoutTomlEntry(text: string, file: string, tableKey: string, name: string): string {
  const before = entriesOf(parseTomlText(text, file), tableKey);
  if (!(name in before)) return text;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split(eol);
  const ranges = tableRanges(lines, tableKey, name);
  for (const [start, rawEnd] of [...ranges].reverse()) {
    let end = rawEnd;
    // Comments and blank lines at the block's end introduce what follows: keep them.
    while (end > start + 1 && rawEnd < lines.length && /^\s*(#.*)?$/.test(lines[end - 1] ?? '')) end -= 1;
    // The blank line install wrote before the table goes with it.
    const from = start > 0 && (lines[start - 1] ?? '').trim() === '' ? start - 1 : start;
    lines.splice(from, end - from, ...(rawEnd === lines.length && from > 0 ? [''] : []));
  }
  const result = lines.join(eol);
  const after = entriesOf(parseEdited(result, file, `remove '${name}'`), tableKey);
  const { [name]: _removed, ...expected } = before;
  if (name in after || !same(after, expected)) refuse(file, `remove '${name}'`);
  return result;
}

/** The text with the entry as a table of its own at the end (replacing an existing one). */
export function withTomlEntry(text: string, file: string, tableKey: string, name: string, value: EntryValue): string {
  const base = withoutTomlEntry(text, file, tableKey, name);
  const eol = base.includes('\r\n') ? '\r\n' : '\n';
  const separator = base.length === 0 ? '' : base.endsWith(eol) ? eol : `${eol}${eol}`;
  const result = `${base}${separator}${tableText(tableKey, name, value, eol)}`;
  const document = parseEdited(result, file, `add '${name}'`);
  const others = entriesOf(parseTomlText(base, file), tableKey);
  const { [name]: written, ...rest } = entriesOf(document, tableKey);
  if (!same(written, value) || !same(rest, others)) refuse(file, `add '${name}'`);
  return result;
}

/** The server map of a parsed document. */
export function tomlEntries(document: Record<string, unknown>, tableKey: string): Record<string, unknown> {
  return entriesOf(document, tableKey);
}
