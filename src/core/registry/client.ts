import type * as z from 'zod';
import { formatDuration } from '../../shared/duration.js';
import { McpctlError } from '../../shared/errors.js';
import type { Paths } from '../../shared/paths.js';
import { RegistryCache } from './cache.js';
import { findRegistry, listRegistries, OFFICIAL_REGISTRY, type Registry } from './registries.js';
import { type RegistryEntry, type RegistryPage, registryEntrySchema, registryPageSchema } from './serverJson.js';

/**
 * A client of one registry's read API, the generic MCP Registry API that the official registry
 * serves: `GET /v0/servers?search=&cursor=&limit=&version=` and
 * `GET /v0/servers/{name}/versions/{version}`. Every answer is validated; every failure names the
 * registry. Answers are cached with their ETag (cache.ts); a registry out of reach (no answer in
 * time, refused, 5xx) falls back on the cached answer with a note, unless `refresh` is set.
 */
export interface RegistryClientOptions {
  cache: RegistryCache;
  timeoutMs: number;
  /** Ignore the cache: no If-None-Match, no fallback; the new answer replaces the cached one. */
  refresh: boolean;
  /** A diagnostic for the user (stderr): the cached copy was used. */
  notify: (message: string) => void;
}

export interface ListQuery {
  search?: string;
  cursor?: string;
  limit?: number;
  /** `latest`: one entry per server (the official registry's filter; others may ignore it). */
  version?: string;
}

const API_PREFIX = '/v0';

export class RegistryClient {
  constructor(
    readonly registry: Registry,
    private readonly options: RegistryClientOptions,
  ) {}

  listServers(query: ListQuery): Promise<RegistryPage> {
    const params = new URLSearchParams();
    if (query.search) params.set('search', query.search);
    if (query.cursor) params.set('cursor', query.cursor);
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    if (query.version) params.set('version', query.version);
    const search = params.size > 0 ? `?${params}` : '';
    return this.get(`${API_PREFIX}/servers${search}`, registryPageSchema, 'a server list').then((list) => {
      if (list === undefined) throw this.failure(`${API_PREFIX}/servers`, 'answered 404 Not Found');
      return list;
    });
  }

  /** One version of a server (`latest` for the newest), or undefined when the registry has no such entry. */
  getServer(name: string, version: string): Promise<RegistryEntry | undefined> {
    const path = `${API_PREFIX}/servers/${encodeURIComponent(name)}/versions/${encodeURIComponent(version)}`;
    return this.get(path, registryEntrySchema, 'a server entry');
  }

  private async get<S extends z.ZodType>(path: string, schema: S, what: string): Promise<z.output<S> | undefined> {
    const url = `${this.registry.url}${path}`;
    const { cache, refresh } = this.options;
    const cached = refresh ? undefined : cache.get(this.registry.name, url);
    let response: Response;
    let body: string;
    try {
      const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'mcpctl' };
      if (cached?.etag) headers['if-none-match'] = cached.etag;
      // No Ctrl-C signal here: a command that listens on it outlives the first Ctrl-C (bin/mcpctl.ts).
      const signal = AbortSignal.timeout(this.options.timeoutMs);
      response = await fetch(url, { headers, signal, redirect: 'follow' });
      body = await response.text();
    } catch (error) {
      return this.outOfReach(url, schema, what, this.describeFetchError(error), cached?.body, cached?.fetchedAt);
    }
    if (response.status === 304 && cached) {
      cache.put(this.registry.name, { ...cached, fetchedAt: new Date().toISOString() });
      return this.parse(url, cached.body, schema, what);
    }
    if (response.status === 404) return undefined;
    const status = `answered ${response.status} ${response.statusText}`.trim();
    if (response.status >= 500) return this.outOfReach(url, schema, what, status, cached?.body, cached?.fetchedAt);
    if (!response.ok) throw this.failure(url, status);
    const parsed = this.parse(url, body, schema, what);
    const etag = response.headers.get('etag') ?? undefined;
    cache.put(this.registry.name, {
      url,
      fetchedAt: new Date().toISOString(),
      body,
      ...(etag === undefined ? {} : { etag }),
    });
    return parsed;
  }

  private outOfReach<S extends z.ZodType>(
    url: string,
    schema: S,
    what: string,
    reason: string,
    cachedBody: string | undefined,
    fetchedAt: string | undefined,
  ): z.output<S> {
    if (cachedBody === undefined) throw this.failure(url, reason);
    this.options.notify(
      `registry '${this.registry.name}' ${reason}: using its answer cached at ${fetchedAt} (--refresh refuses the cache)`,
    );
    return this.parse(url, cachedBody, schema, what);
  }

  private parse<S extends z.ZodType>(url: string, body: string, schema: S, what: string): z.output<S> {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw this.formatError(url, `${what} was expected, got no JSON (${JSON.stringify(body.slice(0, 60))})`);
    }
    const result = schema.safeParse(json);
    if (result.success) return result.data;
    const problems = result.error.issues.slice(0, 3).map((issue) => {
      const field = issue.path.length > 0 ? issue.path.join('.') : '(top)';
      return `${field}: ${issue.message}`;
    });
    throw this.formatError(url, `not ${what} in the MCP Registry format: ${problems.join('; ')}`);
  }

  private formatError(url: string, detail: string): McpctlError {
    return new McpctlError(
      'CONFIG_INVALID',
      `registry '${this.registry.name}' sent a bad document for ${url}: ${detail}`,
      {
        hint: `check that ${this.registry.url} serves the MCP Registry API (GET ${API_PREFIX}/servers); 'mcpctl registry ls' shows the URL`,
      },
    );
  }

  private failure(url: string, reason: string): McpctlError {
    return new McpctlError('UPSTREAM_UNREACHABLE', `registry '${this.registry.name}' ${reason} (${url})`, {
      hint: `check your network and the registry's URL ('mcpctl registry ls'); answers seen before are used from the cache when it is out of reach`,
    });
  }

  private describeFetchError(error: unknown): string {
    if (error instanceof Error && error.name === 'TimeoutError') {
      return `did not answer within ${formatDuration(this.options.timeoutMs)}`;
    }
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    const message = cause instanceof Error ? cause.message : String(cause);
    return `is unreachable: ${message}`;
  }
}

export interface OpenOptions {
  paths: Paths;
  /** One registry by name; all of them (in their order) when absent. */
  only?: string;
  timeoutMs: number;
  refresh: boolean;
  notify: (message: string) => void;
}

/** Clients of the configured registries (`registry add|ls|rm`), sharing one cache. */
export function openRegistries(options: OpenOptions): RegistryClient[] {
  const registries =
    options.only === undefined ? listRegistries(options.paths) : [findRegistry(options.paths, options.only)];
  if (registries.length === 0) {
    throw new McpctlError('NOT_FOUND', 'no registry is configured', {
      hint: `add one: mcpctl registry add ${OFFICIAL_REGISTRY.name} --url ${OFFICIAL_REGISTRY.url}`,
    });
  }
  const cache = RegistryCache.forPaths(options.paths);
  const clientOptions: RegistryClientOptions = {
    cache,
    timeoutMs: options.timeoutMs,
    refresh: options.refresh,
    notify: options.notify,
  };
  return registries.map((registry) => new RegistryClient(registry, clientOptions));
}
