import { openRegistries } from '../../../core/registry/client.js';
import { DEFAULT_RESULTS, type RegistryMatch, searchRegistries } from '../../../core/registry/search.js';
import { parseIntegerFlag } from '../../flags.js';
import type { Invocation } from '../../invocation.js';
import { renderTable } from '../../output/table.js';
import { registryOptions } from './options.js';

export interface SearchFlags {
  registry?: string;
  limit?: string;
  refresh?: true;
}

const DESCRIPTION_WIDTH = 60;

function shorten(text: string, width: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= width ? line : `${line.slice(0, width - 1)}…`;
}

function rows(matches: readonly RegistryMatch[], withRegistry: boolean, wide: boolean): string[][] {
  return matches.map((match) => [
    ...(withRegistry ? [match.registry] : []),
    match.name,
    match.version,
    match.transports.join(',') || '-',
    match.packageTypes.join(',') || '-',
    wide ? match.description : shorten(match.description, DESCRIPTION_WIDTH),
  ]);
}

export async function searchCommand(inv: Invocation, query: string, flags: SearchFlags): Promise<void> {
  const limit = flags.limit === undefined ? DEFAULT_RESULTS : parseIntegerFlag('--limit', flags.limit, 1, 500);
  const clients = openRegistries(registryOptions(inv, flags));
  const matches = await searchRegistries(clients, query, limit);
  if (inv.out.machine) return inv.out.data(matches);
  if (matches.length === 0) {
    return inv.out.note(`No server matches '${query}'. Try another word, or --refresh to ask again.`);
  }
  const withRegistry = clients.length > 1;
  const columns = [...(withRegistry ? ['REGISTRY'] : []), 'NAME', 'VERSION', 'TRANSPORT', 'PACKAGE', 'DESCRIPTION'];
  inv.out.out(
    renderTable(columns, rows(matches, withRegistry, inv.out.format === 'wide'), { headers: inv.out.headers }),
  );
}
