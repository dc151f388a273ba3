import { readFileSync } from 'node:fs';
import type { Node } from 'jsonc-parser';
import { getNodeValue } from 'jsonc-parser';
import { McpctlError } from '../../shared/errors.js';
import type { ClientDefinition, ClientLocation, EntryValue } from './catalog.js';
import { type ClientEntry, toClientEntries } from './entry.js';
import { jsonValueAt, parseJsonText, withJsonEntry, withoutJsonEntry } from './jsonText.js';
import { parseTomlText, tomlEntries, withoutTomlEntry, withTomlEntry } from './tomlText.js';

/** A client's config file as read now: its text (null when absent) and the entries of its server map. */
export interface ConfigSnapshot {
  location: ClientLocation;
  text: string | null;
  entries: ClientEntry[];
}

function readText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    if ((error as NodeJS.ErrnoException).code === 'EACCES') {
      throw new McpctlError('PERMISSION_DENIED', `cannot read ${file}: permission denied`, { cause: error });
    }
    throw error;
  }
}

/** The server map of `text` (throws CONFIG_INVALID with file:line:col for a malformed file). */
export function parseServerMap(location: ClientLocation, text: string): Record<string, unknown> {
  if (location.format === 'toml') {
    const [table] = location.keyPath;
    return tomlEntries(parseTomlText(text, location.file), table ?? 'mcp_servers');
  }
  const root = text.trim() === '' ? undefined : parseJsonText(text, location.file, location.format === 'jsonc');
  const map = jsonValueAt(root, location.keyPath);
  return map ? (getNodeValue(map) as Record<string, unknown>) : {};
}

export function readConfig(client: ClientDefinition, location: ClientLocation): ConfigSnapshot {
  const text = readText(location.file);
  const raw = text === null ? {} : parseServerMap(location, text);
  const options = client.bareUrlIsSse ? { bareUrlIsSse: true } : {};
  return { location, text, entries: toClientEntries(raw, options) };
}

function jsonRoot(location: ClientLocation, text: string): Node | undefined {
  return text.trim() === '' ? undefined : parseJsonText(text, location.file, location.format === 'jsonc');
}

/** `text` with the entry `name` set to `value` (added at the end of the map, or replaced in place). */
export function withEntry(location: ClientLocation, text: string, name: string, value: EntryValue): string {
  if (location.format === 'toml') return withTomlEntry(text, location.file, location.keyPath[0] ?? '', name, value);
  return withJsonEntry(text, jsonRoot(location, text), location.keyPath, name, value);
}

/** `text` without the entry `name` (unchanged when there is none). */
export function withoutEntry(location: ClientLocation, text: string, name: string): string {
  if (location.format === 'toml') return withoutTomlEntry(text, location.file, location.keyPath[0] ?? '', name);
  return withoutJsonEntry(text, jsonRoot(location, text), location.keyPath, name);
}
