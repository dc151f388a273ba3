/**
 * One MCP server entry of a client's config, in a canonical form whatever the client's spelling
 * (`url`/`serverUrl`/`httpUrl`, `type`, Zed's nested `command: {path, args, env}`). Values are kept
 * verbatim: `${VAR}`-style references stay references, never resolved.
 */
export type ClientEntry = EntryBody & {
  /** Fields the client honours that mcpctl's definition has no place for (reported by import). */
  dropped?: string[];
  /** Windsurf `disabled: true`, Codex `enabled = false`: imported with autostart off. */
  disabled?: boolean;
};

type EntryBody =
  | {
      name: string;
      transport: 'stdio';
      command: string;
      args: string[];
      env: Record<string, string>;
      cwd?: string;
    }
  | { name: string; transport: 'http' | 'sse'; url: string; headers: Record<string, string> }
  /** An entry mcpctl cannot read (no command and no url, or a type it does not know). */
  | { name: string; transport: 'unknown'; reason: string };

type Raw = Record<string, unknown>;

function isRecord(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function stringMap(value: unknown): Record<string, string> {
  if (!isRecord(value)) return {};
  const out: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) {
    if (typeof item === 'string') out[key] = item;
    else if (typeof item === 'number' || typeof item === 'boolean') out[key] = String(item);
  }
  return out;
}

/**
 * Which field holds a remote entry's URL and which transport it means. Gemini: `httpUrl` is
 * Streamable HTTP and a bare `url` SSE (unless `type` says http); everywhere else a `url` is
 * Streamable HTTP unless `type` is `sse`. Windsurf spells it `serverUrl`.
 */
function remote(raw: Raw, bareUrlIsSse: boolean): { url: string; transport: 'http' | 'sse' } | undefined {
  const type = typeof raw.type === 'string' ? raw.type.toLowerCase() : undefined;
  if (typeof raw.httpUrl === 'string') return { url: raw.httpUrl, transport: 'http' };
  const url = typeof raw.url === 'string' ? raw.url : typeof raw.serverUrl === 'string' ? raw.serverUrl : undefined;
  if (url === undefined) return undefined;
  if (type === 'sse') return { url, transport: 'sse' };
  if (type === 'http' || type === 'streamable-http' || type === 'streamablehttp') return { url, transport: 'http' };
  return { url, transport: bareUrlIsSse && typeof raw.url === 'string' ? 'sse' : 'http' };
}

export interface ReadOptions {
  /** Gemini CLI: a `url` without `type` is SSE (`httpUrl` is Streamable HTTP). */
  bareUrlIsSse?: boolean;
}

/** Fields some client honours that an mcpctl definition cannot carry (env files, token indirections, OAuth). */
const UNSUPPORTED = ['envFile', 'env_vars', 'bearer_token_env_var', 'env_http_headers', 'oauth'];

/** The canonical form of one raw entry. */
export function toClientEntry(name: string, raw: unknown, options: ReadOptions = {}): ClientEntry {
  if (!isRecord(raw)) return { name, transport: 'unknown', reason: 'the entry is not an object' };
  const body = toBody(name, raw, options);
  const dropped = UNSUPPORTED.filter((field) => raw[field] !== undefined);
  const disabled = raw.disabled === true || raw.enabled === false;
  return { ...body, ...(dropped.length > 0 ? { dropped } : {}), ...(disabled ? { disabled } : {}) };
}

function toBody(name: string, raw: Raw, options: ReadOptions): EntryBody {
  const headers = stringMap(raw.headers ?? raw.http_headers);
  const found = remote(raw, options.bareUrlIsSse === true);
  if (found) return { name, transport: found.transport, url: found.url, headers };
  // Zed's oldest form: "command": {"path", "args", "env"}.
  if (isRecord(raw.command) && typeof raw.command.path === 'string') {
    const nested = raw.command;
    return {
      name,
      transport: 'stdio',
      command: nested.path as string,
      args: strings(nested.args),
      env: stringMap(nested.env),
    };
  }
  if (typeof raw.command === 'string' && raw.command.length > 0) {
    const entry: EntryBody = {
      name,
      transport: 'stdio',
      command: raw.command,
      args: strings(raw.args),
      env: stringMap(raw.env),
    };
    if (typeof raw.cwd === 'string') entry.cwd = raw.cwd;
    return entry;
  }
  return { name, transport: 'unknown', reason: 'neither a command nor a url' };
}

/** The entries of a client's server map (`mcpServers`, `servers`, `context_servers`, `mcp_servers`). */
export function toClientEntries(map: unknown, options: ReadOptions = {}): ClientEntry[] {
  if (!isRecord(map)) return [];
  return Object.entries(map).map(([name, raw]) => toClientEntry(name, raw, options));
}
