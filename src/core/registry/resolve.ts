import { McpctlError } from '../../shared/errors.js';
import type { RegistryClient } from './client.js';
import { REGISTRY_NAME_PATTERN } from './registries.js';
import { fetchAll } from './search.js';
import { isLatest, type RegistryEntry } from './serverJson.js';

/** `server add --from [REGISTRY:]SERVER[@VERSION]`, taken apart. */
export interface EntryRef {
  registry?: string;
  /** A full name (`io.github.user/weather`) or the part after its slash (`weather`). */
  server: string;
  version?: string;
}

export function parseEntryRef(value: string): EntryRef {
  let rest = value.trim();
  const ref: Partial<EntryRef> = {};
  const colon = rest.indexOf(':');
  // Server names hold no colon, so one names the registry.
  if (colon > 0) {
    const registry = rest.slice(0, colon);
    if (!REGISTRY_NAME_PATTERN.test(registry)) throw badRef(value, `'${registry}' is no registry name`);
    ref.registry = registry;
    rest = rest.slice(colon + 1);
  }
  const at = rest.lastIndexOf('@');
  if (at > 0) {
    ref.version = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (ref.version === '') throw badRef(value, 'the version after @ is empty');
  }
  if (!/^([a-zA-Z0-9.-]+\/)?[a-zA-Z0-9._-]+$/.test(rest)) throw badRef(value, `'${rest}' is no server name`);
  return { ...ref, server: rest };
}

function badRef(value: string, why: string): McpctlError {
  return new McpctlError('INVALID_ARGUMENT', `invalid --from '${value}': ${why}`, {
    hint: 'write --from [REGISTRY:]SERVER[@VERSION], e.g. --from filesystem or --from official:io.github.user/weather@1.2.0',
  });
}

/** The part after the slash, without the affixes names often carry: `mcp-server-weather` → `weather`. */
function shortNames(name: string): string[] {
  const tail = (name.split('/').pop() ?? name).toLowerCase();
  const bare = tail.replace(/^(mcp-server-|server-|mcp-)/, '').replace(/(-mcp-server|-server|-mcp)$/, '');
  return bare === tail ? [tail] : [tail, bare];
}

/** The entries `short` names: its exact tail first; only if none, the tails without affixes. */
function matchShortName(entries: readonly RegistryEntry[], short: string): string[] {
  const wanted = short.toLowerCase();
  const names = [...new Set(entries.map((entry) => entry.server.name))];
  const exact = names.filter((name) => shortNames(name)[0] === wanted);
  return exact.length > 0 ? exact : names.filter((name) => shortNames(name).includes(wanted));
}

/**
 * The entry `ref` names, asking the registries in order (the first that has it wins). A short name
 * that several servers of one registry share is refused with their full names.
 */
export async function resolveEntry(
  clients: readonly RegistryClient[],
  ref: EntryRef,
): Promise<{ registry: string; entry: RegistryEntry }> {
  const version = ref.version ?? 'latest';
  for (const client of clients) {
    let name = ref.server;
    if (!name.includes('/')) {
      const listed = await fetchAll(client, name);
      const names = matchShortName(listed, name);
      if (names.length > 1) {
        throw new McpctlError(
          'INVALID_ARGUMENT',
          `'${ref.server}' names several servers in registry '${client.registry.name}': ${names.join(', ')}`,
          { hint: `give the full name: --from ${client.registry.name}:${names[0]}` },
        );
      }
      const [only] = names;
      if (only === undefined) continue;
      name = only;
      const latest = listed.find((entry) => entry.server.name === only && isLatest(entry) !== false);
      if (ref.version === undefined && latest) return { registry: client.registry.name, entry: latest };
    }
    const entry = await client.getServer(name, version);
    if (entry) return { registry: client.registry.name, entry };
    // The server is there (found by its short name, or its latest version is): the version is not.
    if (ref.version !== undefined && (name !== ref.server || (await client.getServer(name, 'latest')))) {
      throw new McpctlError('NOT_FOUND', `registry '${client.registry.name}' has no version ${version} of ${name}`, {
        hint: `drop @${version} for the latest version`,
      });
    }
  }
  const asked = clients.map((client) => client.registry.name).join(', ');
  throw new McpctlError('NOT_FOUND', `no server '${ref.server}${ref.version ? `@${ref.version}` : ''}' in ${asked}`, {
    hint: `find its name with: mcpctl search ${ref.server.split('/').pop() ?? ref.server}`,
  });
}
