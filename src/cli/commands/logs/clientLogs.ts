import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { findClient } from '../../../core/clients/catalog.js';
import {
  type ClientLogPlace,
  clientLogPlaces,
  type FoundLogFile,
  findLogFiles,
} from '../../../core/clients/logFiles.js';
import { lineFilter } from '../../../core/logs/lineFilter.js';
import { McpctlError } from '../../../shared/errors.js';
import type { Invocation } from '../../invocation.js';
import { clientEnv } from '../clients/clientEnv.js';
import { type LogFlags, parseLogFlags } from './printLogs.js';

/** Without --tail, the last lines of each file: a client's log grows for months. */
const DEFAULT_TAIL = 100;
/** How often -f looks for new lines and new files (a poll: it works the same on every OS and file system). */
const POLL_MS = 200;
/** A file read at most this far back for its tail. */
const TAIL_WINDOW = 4 * 1024 * 1024;

interface Followed {
  file: FoundLogFile;
  /** Prefix of its lines: its name when the place is a folder of several files. */
  label: string | undefined;
  offset: number;
  /** Bytes after the last newline, waiting for the rest of their line. */
  partial: string;
}

/**
 * `logs --client CLIENT`: the AI client's own MCP log files on this machine (where it writes them on
 * this OS), the last lines of each, oldest file first; `-f` then prints lines appended to them and to
 * files that appear (a new server's log). It reads files only: no daemon is asked or started.
 */
export async function printClientLogs(inv: Invocation, name: string, flags: LogFlags): Promise<void> {
  const client = findClient(name);
  const request = parseLogFlags(flags, Date.now());
  if (request.since !== undefined) {
    throw new McpctlError('INVALID_ARGUMENT', "--since applies to the logs mcpctl keeps, not to a client's files", {
      hint: 'use --tail N, or --grep with the date as the client writes it',
    });
  }
  const logs = clientLogPlaces(client.id, clientEnv(inv.ctx));
  if ('none' in logs) {
    throw new McpctlError('NOT_FOUND', `${client.title}: no known MCP log location`, { hint: logs.none });
  }
  const keep = lineFilter(request);
  const tail = request.tail ?? DEFAULT_TAIL;
  const write = async (label: string | undefined, file: string, text: string): Promise<void> => {
    if (keep !== undefined && !keep({ time: null, stream: 'client', text })) return;
    if (inv.out.machine) await inv.out.item({ file, text });
    else inv.out.out(label === undefined ? text : `${label}: ${text}`);
  };
  const followed = new Map<string, Followed>();
  const scan = (fromStart: boolean): Followed[] => {
    const fresh: Followed[] = [];
    for (const place of logs.places) {
      for (const file of findLogFiles(place)) {
        if (followed.has(file.path)) continue;
        const size = sizeOf(file.path);
        const entry = { file, label: labelOf(place, file), offset: fromStart ? 0 : size, partial: '' };
        followed.set(file.path, entry);
        fresh.push(entry);
      }
    }
    return fresh;
  };
  const initial = scan(false);
  if (initial.length === 0) {
    const where = logs.places.map((place) => place.path).join(', ');
    if (!request.follow) {
      throw new McpctlError('NOT_FOUND', `${client.title}: no MCP log files in ${where}`, {
        hint: `${client.title} writes them there once it has started an MCP server on this machine`,
      });
    }
    inv.out.note(`mcpctl: no ${client.title} MCP log files yet in ${where}; waiting for them (Ctrl-C to stop)`);
  }
  for (const place of logs.places) if (place.note && initial.length > 0) inv.out.note(`mcpctl: ${place.note}`);
  for (const entry of initial) {
    for (const text of lastLines(entry.file.path, entry.offset, tail)) await write(entry.label, entry.file.path, text);
  }
  if (!request.follow) return;
  await follow(inv.ctx.signal, async () => {
    // Files that appeared since are read from their start: all they hold is new.
    scan(true);
    for (const entry of followed.values()) {
      for (const text of newLines(entry)) await write(entry.label, entry.file.path, text);
    }
  });
}

function labelOf(place: ClientLogPlace, file: FoundLogFile): string | undefined {
  return place.match === undefined ? undefined : file.name;
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function readRange(path: string, start: number, end: number): string {
  if (end <= start) return '';
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(end - start);
    const read = readSync(fd, buffer, 0, buffer.length, start);
    return buffer.toString('utf8', 0, read);
  } finally {
    closeSync(fd);
  }
}

/** The last `count` complete lines before `end`. */
function lastLines(path: string, end: number, count: number): string[] {
  if (count === 0) return [];
  const text = readRange(path, Math.max(0, end - TAIL_WINDOW), end);
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  return lines.slice(-count);
}

/** The complete lines appended since the last look (a file cut shorter, as by rotation, is read again). */
function newLines(entry: Followed): string[] {
  const size = sizeOf(entry.file.path);
  if (size < entry.offset) {
    entry.offset = 0;
    entry.partial = '';
  }
  if (size === entry.offset) return [];
  const text = entry.partial + readRange(entry.file.path, entry.offset, size);
  entry.offset = size;
  const lines = text.split(/\r?\n/);
  entry.partial = lines.pop() ?? '';
  return lines;
}

/** Runs `tick` every POLL_MS until `signal` aborts (Ctrl-C). */
async function follow(signal: AbortSignal, tick: () => Promise<void>): Promise<void> {
  while (!signal.aborted) {
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, POLL_MS);
      signal.addEventListener('abort', done);
    });
    if (!signal.aborted) await tick();
  }
}
