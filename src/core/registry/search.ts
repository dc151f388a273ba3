import { McpctlError } from '../../shared/errors.js';
import type { RegistryClient } from './client.js';
import { queryWords, rankByRelevance } from './rank.js';
import { isLatest, nextCursorOf, type RegistryEntry, type RegistryServer } from './serverJson.js';

/** One result of `mcpctl search`: what the table shows, and the whole entry for `-o json`. */
export interface RegistryMatch {
  registry: string;
  name: string;
  title?: string;
  version: string;
  description: string;
  /** stdio, streamable-http, sse: of its packages, then of its remotes. */
  transports: string[];
  /** npm, pypi, oci, ...; `remote` when it is reachable as a URL. */
  packageTypes: string[];
  /** Relative relevance, comparable within one search only. */
  score: number;
  server: RegistryServer;
}

/** The official registry's largest page. */
const PAGE_SIZE = 100;
/** Pages followed per word and registry: enough to rank, bounded for a word every name contains. */
const MAX_PAGES = 5;

export const DEFAULT_RESULTS = 20;

/**
 * Asks every registry for `query` (see entriesFor; following its cursor), merges the entries, and
 * ranks them by relevance over name, title and description. Entries a registry returned that the
 * ranking does not match (its substring search is wider) come last.
 */
export async function searchRegistries(
  clients: readonly RegistryClient[],
  query: string,
  limit: number,
): Promise<RegistryMatch[]> {
  const words = queryWords(query);
  if (words.length === 0) {
    throw new McpctlError('INVALID_ARGUMENT', `nothing to search for in '${query}'`, {
      hint: "give a word a server's name or description would hold, e.g. mcpctl search filesystem",
    });
  }
  const entries = new Map<string, { registry: string; entry: RegistryEntry }>();
  for (const client of clients) {
    for (const entry of await entriesFor(client, query.trim(), words)) {
      const key = `${client.registry.name}\u0000${entry.server.name}`;
      const seen = entries.get(key);
      // A registry that ignores version=latest lists every version: keep the latest one.
      if (seen === undefined || (isLatest(seen.entry) !== true && isLatest(entry) !== false)) {
        entries.set(key, { registry: client.registry.name, entry });
      }
    }
  }
  const documents = [...entries].map(([id, { entry }]) => ({
    id,
    name: entry.server.name,
    ...(entry.server.title === undefined ? {} : { title: entry.server.title }),
    description: entry.server.description,
  }));
  const ranked = await rankByRelevance(documents, query);
  const scores = new Map(ranked.map((hit) => [hit.id, hit.score]));
  const order = [...ranked.map((hit) => hit.id), ...[...entries.keys()].filter((id) => !scores.has(id))];
  return order.slice(0, limit).map((id) => {
    const found = entries.get(id) as { registry: string; entry: RegistryEntry };
    return toMatch(found.registry, found.entry.server, scores.get(id) ?? 0);
  });
}

/**
 * What one registry lists for the query. One token (`filesystem`, `io.github.user/weather`) is asked
 * as it is, a name being the likeliest thing typed; several words, or a token that finds nothing,
 * are asked word by word, at once.
 */
async function entriesFor(client: RegistryClient, query: string, words: readonly string[]): Promise<RegistryEntry[]> {
  if (!/\s/.test(query)) {
    const whole = await fetchAll(client, query);
    if (whole.length > 0 || (words.length === 1 && words[0] === query.toLowerCase())) return whole;
  }
  return (await Promise.all(words.map((word) => fetchAll(client, word)))).flat();
}

/** Every entry a registry lists for `word` (latest versions), following its cursor up to MAX_PAGES pages. */
export async function fetchAll(client: RegistryClient, word: string): Promise<RegistryEntry[]> {
  const found: RegistryEntry[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const list = await client.listServers({
      search: word,
      limit: PAGE_SIZE,
      version: 'latest',
      ...(cursor ? { cursor } : {}),
    });
    found.push(...list.servers);
    cursor = nextCursorOf(list);
    if (cursor === undefined || list.servers.length === 0) break;
  }
  return found;
}

function transportsOf(server: RegistryServer): string[] {
  const kinds = [
    ...(server.packages ?? []).map((pkg) => pkg.transport.type),
    ...(server.remotes ?? []).map((remote) => remote.type),
  ];
  return [...new Set(kinds)];
}

function packageTypesOf(server: RegistryServer): string[] {
  const kinds = (server.packages ?? []).map((pkg) => pkg.registryType);
  if ((server.remotes ?? []).length > 0) kinds.push('remote');
  return [...new Set(kinds)];
}

function toMatch(registry: string, server: RegistryServer, score: number): RegistryMatch {
  return {
    registry,
    name: server.name,
    ...(server.title === undefined ? {} : { title: server.title }),
    version: server.version,
    description: server.description,
    transports: transportsOf(server),
    packageTypes: packageTypesOf(server),
    score,
    server,
  };
}
