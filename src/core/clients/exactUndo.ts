import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ClientLocation, EntryValue } from './catalog.js';
import { withEntry } from './configFile.js';

const NEWEST_BACKUPS = 5;

function backupsNewestFirst(file: string): string[] {
  const prefix = `${basename(file)}.mcpctl-`;
  let names: string[];
  try {
    names = readdirSync(dirname(file)).filter((name) => name.startsWith(prefix) && name.endsWith('.bak'));
  } catch {
    return [];
  }
  return names
    .map((name) => join(dirname(file), name))
    .map((path) => ({ path, time: statSync(path).mtimeMs }))
    .sort((a, b) => b.time - a.time)
    .slice(0, NEWEST_BACKUPS)
    .map(({ path }) => path);
}

/**
 * The text before install, when one of the newest backups beside the file is exactly it: the
 * backup with the same entries written into it gives the current text byte for byte. That undoes
 * what a structural removal cannot tell apart (a server map install created vs one that was
 * already there, empty). Undefined when no backup matches (the file changed since in any other way).
 */
export function exactUndo(
  location: ClientLocation,
  current: string,
  written: Array<[string, EntryValue]>,
): string | undefined {
  for (const path of backupsNewestFirst(location.file)) {
    let before: string;
    try {
      before = readFileSync(path, 'utf8');
      const redone = written.reduce((text, [name, value]) => withEntry(location, text, name, value), before);
      if (redone === current) return before;
    } catch {
      // an unreadable or malformed backup is no candidate
    }
  }
  return undefined;
}
