import type { EntryValue } from '../../../core/clients/catalog.js';
import { clientLocations, findClient } from '../../../core/clients/catalog.js';
import { parseServerMap, readConfig, withoutEntry } from '../../../core/clients/configFile.js';
import { exactUndo } from '../../../core/clients/exactUndo.js';
import { gatewayTargetOf } from '../../../core/clients/ownership.js';
import type { Invocation } from '../../invocation.js';
import { applyEdit, type EditOutcome, printEdit } from './applyEdit.js';
import { clientEnv } from './report.js';

export interface UninstallFlags {
  scope?: string;
  config?: string;
  server?: string[];
  profile?: string;
  dryRun?: boolean;
}

/**
 * Removes the entries mcpctl wrote (recognised by what they run or reach, never by name alone) from
 * the client's files: every scope unless --scope, all of them unless --server/--profile narrow it.
 */
export async function uninstallClient(inv: Invocation, name: string, flags: UninstallFlags): Promise<void> {
  const client = findClient(name);
  const options = { ...(flags.scope ? { scope: flags.scope } : {}), ...(flags.config ? { config: flags.config } : {}) };
  const wanted = (kind: string, target: string): boolean => {
    if (flags.server === undefined && flags.profile === undefined) return true;
    return kind === 'server' ? (flags.server ?? []).includes(target) : flags.profile === target;
  };
  const outcomes: Array<EditOutcome & { removed: string[] }> = [];
  for (const location of clientLocations(client, clientEnv(inv.ctx), options)) {
    const snapshot = readConfig(client, location);
    const removed = snapshot.entries
      .filter((entry) => {
        const target = gatewayTargetOf(entry);
        return target !== undefined && wanted(target.kind, target.name);
      })
      .map((entry) => entry.name);
    if (removed.length === 0) continue;
    const edit = (text: string): string => {
      const values = parseServerMap(location, text);
      const written = removed.map((name): [string, EntryValue] => [name, values[name] as EntryValue]);
      return (
        exactUndo(location, text, written) ?? removed.reduce((next, entry) => withoutEntry(location, next, entry), text)
      );
    };
    const outcome = applyEdit(location, edit, flags.dryRun === true);
    outcomes.push({ ...outcome, removed });
    if (!inv.out.machine) printEdit(inv, outcome, `removed ${removed.join(', ')} from`);
  }
  if (inv.out.machine) return inv.out.data(outcomes);
  if (outcomes.length === 0) inv.out.note(`no mcpctl entries in ${client.title}'s config`);
}
