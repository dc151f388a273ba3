import { existsSync, readFileSync, statSync } from 'node:fs';
import type { Document, LineCounter } from 'yaml';
import { writeFileAtomic } from '../../daemon/service/files.js';
import { McpctlError } from '../../shared/errors.js';
import { loadYaml } from '../../shared/yaml.js';

/** config.yaml as a YAML document: edits keep its comments, key order and the formatting of what they do not touch. */
export interface ConfigDocument {
  file: string;
  /** The file's text as read, then as edited: what writeConfigDocument writes. */
  text: string;
  doc: Document;
  lines: LineCounter;
}

export async function readConfigDocument(file: string): Promise<ConfigDocument> {
  const yaml = await loadYaml();
  const lines = new yaml.LineCounter();
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const doc = yaml.parseDocument(text, { lineCounter: lines, keepSourceTokens: false });
  const error = doc.errors[0];
  if (error) {
    const at = error.linePos?.[0];
    const reason = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
    throw new McpctlError('CONFIG_INVALID', `${file}${at ? `:${at.line}:${at.col}` : ''}: ${reason}`, {
      hint: 'fix the YAML at that line and column, then run the command again (nothing was changed)',
    });
  }
  if (doc.contents !== null && !yaml.isMap(doc.contents)) {
    throw new McpctlError('CONFIG_INVALID', `${file}: expected a mapping of sections (logs, gateway, servers, cli)`, {
      hint: "start the file with a section, e.g. 'logs:'",
    });
  }
  return { file, text, doc, lines };
}

/** The value at `section.name` and the line it is written on; undefined when the file does not set it. */
export function configValue(
  config: ConfigDocument,
  path: readonly string[],
): { value: unknown; line?: number } | undefined {
  if (!config.doc.hasIn(path)) return undefined;
  const node = config.doc.getIn(path, true) as { range?: [number, number, number]; toJSON?: () => unknown } | unknown;
  const range = (node as { range?: [number, number, number] } | undefined)?.range;
  const value = config.doc.getIn(path);
  const plain =
    value !== null && typeof value === 'object' && 'toJSON' in value
      ? (value as { toJSON(): unknown }).toJSON()
      : value;
  return range ? { value: plain, line: config.lines.linePos(range[0]).line } : { value: plain };
}

/** The document as plain data, for the schema to judge. */
export function configData(config: ConfigDocument): Record<string, unknown> {
  const data: unknown = config.doc.toJS();
  return data !== null && typeof data === 'object' ? (data as Record<string, unknown>) : {};
}

type Range = [number, number, number];
interface Located {
  range?: Range | null;
}
interface PairNode {
  key: (Located & { value?: unknown }) | null;
  value: Located | null;
}

function lineStart(text: string, at: number): number {
  return text.lastIndexOf('\n', at - 1) + 1;
}

/** Just past the newline that ends the line holding `at` (its trailing comment included). */
function lineEnd(text: string, at: number): number {
  const newline = text.indexOf('\n', at);
  return newline < 0 ? text.length : newline + 1;
}

/** The block map of `section` and its pair for `name`, when the file has them in plain block style. */
function locate(config: ConfigDocument, section: string, name: string) {
  const root = config.doc.contents as { items?: PairNode[] } | null;
  const sectionPair = root?.items?.find((pair) => pair.key?.value === section);
  const map = sectionPair?.value as ({ items?: PairNode[]; flow?: boolean } & Located) | null | undefined;
  const items = map && !map.flow && Array.isArray(map.items) ? map.items : undefined;
  return { sectionPair, items, pair: items?.find((pair) => pair.key?.value === name) };
}

/** A text edit, or undefined when the file's shape is not one this edits by hand (the document edit is used then). */
function editText(config: ConfigDocument, path: readonly string[], repr: string | undefined): string | undefined {
  const [section = '', name = ''] = path;
  const text = config.text;
  const { sectionPair, items, pair } = locate(config, section, name);
  if (repr === undefined) {
    const keyRange = pair?.key?.range;
    const valueRange = pair?.value?.range;
    if (!keyRange || !valueRange) return undefined;
    const alone = items?.length === 1 && sectionPair?.key?.range;
    const from = lineStart(text, alone ? (sectionPair.key?.range?.[0] ?? 0) : keyRange[0]);
    return text.slice(0, from) + text.slice(lineEnd(text, valueRange[1]));
  }
  if (pair) {
    const range = pair.value?.range;
    return range ? text.slice(0, range[0]) + repr + text.slice(range[1]) : undefined;
  }
  if (items && items.length > 0) {
    const first = items[0]?.key?.range;
    const last = items.at(-1)?.value?.range;
    if (!first || !last) return undefined;
    const indent = ' '.repeat(first[0] - lineStart(text, first[0]));
    const at = lineEnd(text, last[1]);
    const newline = at === text.length && !text.endsWith('\n') ? '\n' : '';
    return `${text.slice(0, at)}${newline}${indent}${name}: ${repr}\n${text.slice(at)}`;
  }
  if (sectionPair) return undefined;
  const separator = text === '' || text.endsWith('\n') ? '' : '\n';
  return `${text}${separator}${section}:\n  ${name}: ${repr}\n`;
}

/**
 * Sets (or, with value undefined, removes) `section.name` by editing only the lines it is on, so
 * the rest of the file stays byte for byte: its comments, spacing and order. A removed setting
 * takes its section along when it was the last one there. A file shaped otherwise (flow maps, a
 * section with no entries) is edited as a document instead, which keeps the comments.
 */
async function applyEdit(config: ConfigDocument, path: readonly string[], value: unknown): Promise<void> {
  const yaml = await loadYaml();
  const repr = value === undefined ? undefined : yaml.stringify(value).trimEnd();
  const edited = editText(config, path, repr);
  if (edited !== undefined) {
    const check = yaml.parseDocument(edited);
    const landed = value === undefined ? !check.hasIn(path) : check.getIn(path) === value;
    if (check.errors.length === 0 && landed) {
      config.text = edited;
      return;
    }
  }
  if (value === undefined) config.doc.deleteIn(path);
  else config.doc.setIn(path, value);
  const section = path.slice(0, -1);
  const rest = config.doc.getIn(section) as { items?: unknown[] } | undefined;
  if (value === undefined && rest?.items?.length === 0) config.doc.deleteIn(section);
  config.text = config.doc.contents === null ? '' : config.doc.toString({ lineWidth: 0 });
}

export function setConfigValue(config: ConfigDocument, path: readonly string[], value: unknown): Promise<void> {
  return applyEdit(config, path, value);
}

/** Removes `section.name`, and the section when nothing is left in it. Returns false when it was not set. */
export async function unsetConfigValue(config: ConfigDocument, path: readonly string[]): Promise<boolean> {
  if (!config.doc.hasIn(path)) return false;
  await applyEdit(config, path, undefined);
  return true;
}

/** Written whole to a temp file and renamed over the old one: a reader sees the old file or the new. */
export function writeConfigDocument(config: ConfigDocument): void {
  const mode = existsSync(config.file) ? statSync(config.file).mode & 0o777 : 0o644;
  writeFileAtomic(config.file, config.text, mode);
}
