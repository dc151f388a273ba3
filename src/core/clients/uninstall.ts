import type { ClientDefinition, ClientLocation, EntryValue } from './catalog.js';
import { parseServerMap, readConfig, withoutEntry } from './configFile.js';
import { exactUndo } from './exactUndo.js';
import { gatewayTargetOf } from './ownership.js';

/** Which of mcpctl's entries go: all of them unless servers or a profile narrow it. */
export interface UninstallChoice {
  servers?: string[] | undefined;
  profile?: string | undefined;
}

export interface UninstallPlan {
  edit(text: string): string;
  removed: string[];
}

/**
 * The entries mcpctl wrote in one of the client's files (recognised by what they run or reach,
 * never by name alone) and the edit that removes them: the backup install made when the file
 * is otherwise unchanged since (byte for byte), else a removal of each entry. Undefined: none.
 */
export function planUninstall(
  client: ClientDefinition,
  location: ClientLocation,
  choice: UninstallChoice,
): UninstallPlan | undefined {
  const wanted = (kind: string, target: string): boolean => {
    if (choice.servers === undefined && choice.profile === undefined) return true;
    return kind === 'server' ? (choice.servers ?? []).includes(target) : choice.profile === target;
  };
  const removed = readConfig(client, location)
    .entries.filter((entry) => {
      const target = gatewayTargetOf(entry);
      return target !== undefined && wanted(target.kind, target.name);
    })
    .map((entry) => entry.name);
  if (removed.length === 0) return undefined;
  return {
    removed,
    edit: (text) => {
      const values = parseServerMap(location, text);
      const written = removed.map((name): [string, EntryValue] => [name, values[name] as EntryValue]);
      return (
        exactUndo(location, text, written) ?? removed.reduce((next, entry) => withoutEntry(location, next, entry), text)
      );
    },
  };
}
