import { type Dirent, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, posix, win32 } from 'node:path';
import type { ClientEnv } from './catalog.js';
import type { ClientId } from './clientIds.js';

/**
 * Where an AI client writes its own MCP logs: a folder searched for matching files, or one file.
 * `note` says what the place holds when it is more than MCP (a whole app log).
 */
export interface ClientLogPlace {
  /** A folder (files matching `match` in it, `depth` levels down) or, with no `match`, one file. */
  path: string;
  match?: RegExp;
  depth?: number;
  note?: string;
}

/** A client's log places on this OS, or why it has none mcpctl knows of. */
export type ClientLogs = { places: ClientLogPlace[] } | { none: string };

interface LogDirs {
  join: (...parts: string[]) => string;
  home: string;
  /** %APPDATA%, ~/Library/Application Support, $XDG_CONFIG_HOME: where Electron apps keep `logs/`. */
  appConfig: string;
  /** %LOCALAPPDATA%, ~/Library/Caches, $XDG_CACHE_HOME. */
  cache: string;
  /** %LOCALAPPDATA%, ~/Library/Logs, $XDG_DATA_HOME. */
  data: string;
}

function logDirs(where: ClientEnv): LogDirs {
  const { env, platform } = where;
  const join = platform === 'win32' ? win32.join : posix.join;
  const home = (platform === 'win32' ? env.USERPROFILE : env.HOME) ?? env.HOME ?? homedir();
  if (platform === 'win32') {
    const local = env.LOCALAPPDATA || join(home, 'AppData', 'Local');
    return { join, home, appConfig: env.APPDATA || join(home, 'AppData', 'Roaming'), cache: local, data: local };
  }
  if (platform === 'darwin') {
    const library = join(home, 'Library');
    return {
      join,
      home,
      appConfig: join(library, 'Application Support'),
      cache: join(library, 'Caches'),
      data: join(library, 'Logs'),
    };
  }
  return {
    join,
    home,
    appConfig: env.XDG_CONFIG_HOME || join(home, '.config'),
    cache: env.XDG_CACHE_HOME || join(home, '.cache'),
    data: env.XDG_DATA_HOME || join(home, '.local', 'share'),
  };
}

/** VS Code and its forks write each window's output channels under `logs/<session>/window<N>/`. */
function electronLogs(d: LogDirs, app: string): ClientLogPlace {
  return { path: d.join(d.appConfig, app, 'logs'), match: /mcp/i, depth: 6 };
}

/**
 * Each client's MCP log files, per OS (as each documents them or writes them; the README lists them).
 * A Record over every id: a client added to the catalog must say where its logs are, or that it has none.
 */
const CLIENT_LOGS: Record<ClientId, (where: ClientEnv, d: LogDirs) => ClientLogs> = {
  // mcp.log and one mcp-server-NAME.log per server.
  'claude-desktop': (w, d) => {
    const dir = w.platform === 'darwin' ? d.join(d.data, 'Claude') : d.join(d.appConfig, 'Claude', 'logs');
    return { places: [{ path: dir, match: /^mcp.*\.log$/ }] };
  },
  // One folder per project, an mcp-logs-SERVER folder in it per server (env-paths' cache of 'claude-cli').
  'claude-code': (w, d) => {
    const dir =
      w.platform === 'win32' ? d.join(d.cache, 'claude-cli-nodejs', 'Cache') : d.join(d.cache, 'claude-cli-nodejs');
    return { places: [{ path: dir, match: /(^|\/)mcp-logs-[^/]+\/[^/]+$/, depth: 2 }] };
  },
  cursor: (_w, d) => ({ places: [electronLogs(d, 'Cursor')] }),
  vscode: (_w, d) => ({ places: [electronLogs(d, 'Code')] }),
  windsurf: (_w, d) => ({ places: [electronLogs(d, 'Windsurf')] }),
  zed: (w, d) => {
    const file =
      w.platform === 'darwin'
        ? d.join(d.data, 'Zed', 'Zed.log')
        : w.platform === 'win32'
          ? d.join(d.data, 'Zed', 'logs', 'Zed.log')
          : d.join(d.data, 'zed', 'logs', 'Zed.log');
    return { places: [{ path: file, note: "Zed's whole log: its context servers' lines are among the rest" }] };
  },
  codex: (w, d) => {
    const file = d.join(w.env.CODEX_HOME || d.join(d.home, '.codex'), 'log', 'codex-tui.log');
    return { places: [{ path: file, note: "Codex's whole log (RUST_LOG sets how much it writes)" }] };
  },
  gemini: () => ({
    none: "Gemini CLI writes no MCP log file; run it with --debug to see its MCP servers' output in the terminal",
  }),
};

export function clientLogPlaces(id: ClientId, where: ClientEnv): ClientLogs {
  return CLIENT_LOGS[id](where, logDirs(where));
}

/** A log file found, with its size and time (newest last when sorted). */
export interface FoundLogFile {
  path: string;
  /** Relative to its place's folder (the file name for a single-file place). */
  name: string;
  mtimeMs: number;
}

/** The files of a place that exist now, oldest first; at most `limit` (the newest). */
export function findLogFiles(place: ClientLogPlace, limit = 20): FoundLogFile[] {
  const found: FoundLogFile[] = [];
  if (place.match === undefined) {
    const stat = statOf(place.path);
    if (stat?.isFile()) found.push({ path: place.path, name: lastPart(place.path), mtimeMs: stat.mtimeMs });
    return found;
  }
  const match = place.match;
  const walk = (dir: string, relative: string, depth: number): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // missing or unreadable: nothing there
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      const name = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory() && depth > 0) walk(path, name, depth - 1);
      else if (entry.isFile() && match.test(name)) {
        const stat = statOf(path);
        if (stat) found.push({ path, name, mtimeMs: stat.mtimeMs });
      }
    }
  };
  walk(place.path, '', place.depth ?? 0);
  found.sort((a, b) => a.mtimeMs - b.mtimeMs || (a.name < b.name ? -1 : 1));
  return found.slice(-limit);
}

function statOf(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function lastPart(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}
