import { homedir } from 'node:os';
import { posix, win32 } from 'node:path';
import { McpctlError } from '../../shared/errors.js';
import { CLIENT_IDS, type ClientId } from './clientIds.js';

export { CLIENT_IDS } from './clientIds.js';

export const CLIENT_SCOPES = ['user', 'project', 'local'] as const;
export type ClientScope = (typeof CLIENT_SCOPES)[number];
export type FileFormat = 'json' | 'jsonc' | 'toml';

/** Where the client files are looked for: the user's environment, platform and project folder. */
export interface ClientEnv {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  /** The project folder (project and local scopes). */
  cwd: string;
}

/** One config file of a client and where its server map sits in it. */
export interface ClientLocation {
  scope: ClientScope;
  file: string;
  /** Keys from the file's root to the server map, e.g. `['projects', '/repo', 'mcpServers']`. */
  keyPath: string[];
  format: FileFormat;
}

/** A value an entry mcpctl writes holds; the file layer serialises it as JSON or TOML. */
export type EntryValue = Record<string, string | string[] | Record<string, string>>;

export interface ClientDefinition {
  id: ClientId;
  title: string;
  aliases: readonly string[];
  /** Whether it connects to a Streamable HTTP URL (else only stdio entries are written). */
  http: boolean;
  /** Gemini CLI: a bare `url` means SSE. */
  bareUrlIsSse?: boolean;
  defaultScope: ClientScope;
  locations(where: ClientEnv): ClientLocation[];
  /** A folder whose presence means the client is installed, even with no config file yet. */
  appDir(where: ClientEnv): string;
  stdioEntry(command: string, args: string[], env: Record<string, string>): EntryValue;
  httpEntry(url: string): EntryValue;
}

interface Dirs {
  join: (...parts: string[]) => string;
  home: string;
  /** XDG_CONFIG_HOME (Linux), ~/Library/Application Support (macOS), %APPDATA% (Windows). */
  appConfig: string;
  /** ~/.config on Linux and macOS (where Zed keeps its settings), %APPDATA% on Windows. */
  dotConfig: string;
}

function dirs(where: ClientEnv): Dirs {
  const { env, platform } = where;
  const join = platform === 'win32' ? win32.join : posix.join;
  const home = (platform === 'win32' ? env.USERPROFILE : env.HOME) ?? env.HOME ?? homedir();
  const xdg = env.XDG_CONFIG_HOME || join(home, '.config');
  const appData = env.APPDATA || join(home, 'AppData', 'Roaming');
  if (platform === 'win32') return { join, home, appConfig: appData, dotConfig: appData };
  if (platform === 'darwin')
    return { join, home, appConfig: join(home, 'Library', 'Application Support'), dotConfig: xdg };
  return { join, home, appConfig: xdg, dotConfig: xdg };
}

function plainStdio(command: string, args: string[], env: Record<string, string>): EntryValue {
  return Object.keys(env).length > 0 ? { command, args, env } : { command, args };
}

function typedStdio(command: string, args: string[], env: Record<string, string>): EntryValue {
  return { type: 'stdio', ...plainStdio(command, args, env) };
}

const MCP_SERVERS = ['mcpServers'];

export const CLIENTS: readonly ClientDefinition[] = [
  {
    id: 'claude-desktop',
    title: 'Claude Desktop',
    aliases: ['claude', 'claude-app'],
    http: false,
    defaultScope: 'user',
    appDir: (w) => {
      const d = dirs(w);
      return d.join(d.appConfig, 'Claude');
    },
    locations: (w) => {
      const d = dirs(w);
      const file = d.join(d.appConfig, 'Claude', 'claude_desktop_config.json');
      return [{ scope: 'user', file, keyPath: MCP_SERVERS, format: 'json' }];
    },
    stdioEntry: plainStdio,
    httpEntry: () => {
      throw new McpctlError('INVALID_ARGUMENT', 'Claude Desktop reads no URLs from its config file', {
        hint: 'install it with --transport stdio (the default)',
      });
    },
  },
  {
    id: 'claude-code',
    title: 'Claude Code',
    aliases: ['claudecode', 'claude-cli'],
    http: true,
    defaultScope: 'user',
    appDir: (w) => {
      const d = dirs(w);
      return w.env.CLAUDE_CONFIG_DIR || d.join(d.home, '.claude');
    },
    locations: (w) => {
      const d = dirs(w);
      const state = d.join(w.env.CLAUDE_CONFIG_DIR || d.home, '.claude.json');
      return [
        { scope: 'user', file: state, keyPath: MCP_SERVERS, format: 'json' },
        { scope: 'local', file: state, keyPath: ['projects', w.cwd, 'mcpServers'], format: 'json' },
        { scope: 'project', file: d.join(w.cwd, '.mcp.json'), keyPath: MCP_SERVERS, format: 'json' },
      ];
    },
    stdioEntry: typedStdio,
    httpEntry: (url) => ({ type: 'http', url }),
  },
  {
    id: 'cursor',
    title: 'Cursor',
    aliases: [],
    http: true,
    defaultScope: 'user',
    appDir: (w) => dirs(w).join(dirs(w).home, '.cursor'),
    locations: (w) => {
      const d = dirs(w);
      return [
        { scope: 'user', file: d.join(d.home, '.cursor', 'mcp.json'), keyPath: MCP_SERVERS, format: 'json' },
        { scope: 'project', file: d.join(w.cwd, '.cursor', 'mcp.json'), keyPath: MCP_SERVERS, format: 'json' },
      ];
    },
    stdioEntry: plainStdio,
    httpEntry: (url) => ({ url }),
  },
  {
    id: 'vscode',
    title: 'VS Code',
    aliases: ['code', 'vs-code'],
    http: true,
    defaultScope: 'user',
    appDir: (w) => dirs(w).join(dirs(w).appConfig, 'Code', 'User'),
    locations: (w) => {
      const d = dirs(w);
      return [
        { scope: 'user', file: d.join(d.appConfig, 'Code', 'User', 'mcp.json'), keyPath: ['servers'], format: 'jsonc' },
        { scope: 'project', file: d.join(w.cwd, '.vscode', 'mcp.json'), keyPath: ['servers'], format: 'jsonc' },
      ];
    },
    stdioEntry: typedStdio,
    httpEntry: (url) => ({ type: 'http', url }),
  },
  {
    id: 'windsurf',
    title: 'Windsurf',
    aliases: ['codeium'],
    http: true,
    defaultScope: 'user',
    appDir: (w) => dirs(w).join(dirs(w).home, '.codeium', 'windsurf'),
    locations: (w) => {
      const d = dirs(w);
      const file = d.join(d.home, '.codeium', 'windsurf', 'mcp_config.json');
      return [{ scope: 'user', file, keyPath: MCP_SERVERS, format: 'json' }];
    },
    stdioEntry: plainStdio,
    // Windsurf's remote field is serverUrl; a Cursor-style url does not connect.
    httpEntry: (url) => ({ serverUrl: url }),
  },
  {
    id: 'zed',
    title: 'Zed',
    aliases: [],
    http: true,
    defaultScope: 'user',
    appDir: (w) => dirs(w).join(dirs(w).dotConfig, w.platform === 'win32' ? 'Zed' : 'zed'),
    locations: (w) => {
      const d = dirs(w);
      const user = d.join(d.dotConfig, w.platform === 'win32' ? 'Zed' : 'zed', 'settings.json');
      return [
        { scope: 'user', file: user, keyPath: ['context_servers'], format: 'jsonc' },
        {
          scope: 'project',
          file: d.join(w.cwd, '.zed', 'settings.json'),
          keyPath: ['context_servers'],
          format: 'jsonc',
        },
      ];
    },
    stdioEntry: plainStdio,
    httpEntry: (url) => ({ url }),
  },
  {
    id: 'codex',
    title: 'Codex CLI',
    aliases: ['codex-cli'],
    http: true,
    defaultScope: 'user',
    appDir: (w) => w.env.CODEX_HOME || dirs(w).join(dirs(w).home, '.codex'),
    locations: (w) => {
      const d = dirs(w);
      const user = d.join(w.env.CODEX_HOME || d.join(d.home, '.codex'), 'config.toml');
      return [
        { scope: 'user', file: user, keyPath: ['mcp_servers'], format: 'toml' },
        { scope: 'project', file: d.join(w.cwd, '.codex', 'config.toml'), keyPath: ['mcp_servers'], format: 'toml' },
      ];
    },
    stdioEntry: plainStdio,
    httpEntry: (url) => ({ url }),
  },
  {
    id: 'gemini',
    title: 'Gemini CLI',
    aliases: ['gemini-cli'],
    http: true,
    bareUrlIsSse: true,
    defaultScope: 'user',
    appDir: (w) => dirs(w).join(dirs(w).home, '.gemini'),
    locations: (w) => {
      const d = dirs(w);
      return [
        { scope: 'user', file: d.join(d.home, '.gemini', 'settings.json'), keyPath: MCP_SERVERS, format: 'jsonc' },
        { scope: 'project', file: d.join(w.cwd, '.gemini', 'settings.json'), keyPath: MCP_SERVERS, format: 'jsonc' },
      ];
    },
    stdioEntry: plainStdio,
    httpEntry: (url) => ({ httpUrl: url }),
  },
];

if (CLIENTS.map((client) => client.id).join() !== CLIENT_IDS.join()) {
  throw new Error("CLIENT_IDS (core/clients/clientIds.ts) must list the catalog's clients in its order");
}

/** The client named `name` (its id or an alias); exit 2 listing the known ones otherwise. */
export function findClient(name: string): ClientDefinition {
  const key = name.toLowerCase();
  const client = CLIENTS.find((candidate) => candidate.id === key || candidate.aliases.includes(key));
  if (client) return client;
  throw new McpctlError('INVALID_ARGUMENT', `unknown client '${name}'`, {
    hint: `known clients: ${CLIENT_IDS.join(', ')}`,
  });
}

const SCOPE_ALIASES: Record<string, ClientScope> = { global: 'user', workspace: 'project' };

/** `--scope` as given (also `global` for user and `workspace` for project), checked against the client's scopes. */
export function parseScope(client: ClientDefinition, where: ClientEnv, scope: string): ClientScope {
  const normal = SCOPE_ALIASES[scope] ?? scope;
  const scopes = client.locations(where).map((location) => location.scope);
  const found = scopes.find((candidate) => candidate === normal);
  if (found) return found;
  throw new McpctlError('INVALID_ARGUMENT', `${client.title} has no '${scope}' scope`, {
    hint: `its scopes: ${scopes.join(', ')}`,
  });
}

/**
 * The files of `client` to read or write: one scope, every scope, or `--config FILE` (a file of the
 * client's shape; for Claude Code's local scope the project's map inside it).
 */
export function clientLocations(
  client: ClientDefinition,
  where: ClientEnv,
  options: { scope?: string; config?: string } = {},
): ClientLocation[] {
  const all = client.locations(where);
  const scope = options.scope === undefined ? undefined : parseScope(client, where, options.scope);
  const chosen = scope === undefined ? all : all.filter((location) => location.scope === scope);
  if (options.config === undefined) return chosen;
  const base = chosen[0] ?? all[0];
  if (!base) return [];
  const file = (where.platform === 'win32' ? win32 : posix).resolve(where.cwd, options.config);
  return [{ ...base, file }];
}
