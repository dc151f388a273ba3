import { isAbsolute, resolve } from 'node:path';
import type { ServerView } from '../api.js';
import { type ServerSpecInput, serverSpecSchema } from '../servers/definition.js';
import type { ClientDefinition, ClientLocation } from './catalog.js';
import type { ClientEntry } from './entry.js';
import { gatewayTargetOf } from './ownership.js';

/** Labels an imported server carries, so `install --replace` knows which client entries it replaces. */
export const IMPORTED_FROM = 'mcpctl.imported-from';
export const IMPORTED_ENTRY = 'mcpctl.imported-entry';

export type ClashMode = 'skip' | 'rename' | 'overwrite';

/** One entry of a client file and what import does with it. */
export interface ImportItem {
  client: string;
  scope: string;
  file: string;
  entry: string;
  transport: string;
  /** The mcpctl server name (normalised; renamed on a clash with --rename). */
  name: string;
  action: 'add' | 'overwrite' | 'unchanged' | 'skip';
  /** Why an entry is skipped, or what was renamed. */
  note?: string;
  spec?: ServerSpecInput;
}

/** An entry name as a server name: lower case, a-z 0-9 . _ -, starting with a letter or digit, at most 63. */
export function serverNameFrom(entry: string): string {
  const name = entry
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[._-]+/, '')
    .slice(0, 63);
  return name.length > 0 ? name : 'server';
}

function specOf(
  client: ClientDefinition,
  projectDir: string,
  entry: ClientEntry,
  name: string,
): ServerSpecInput | string {
  const labels = { [IMPORTED_FROM]: client.id, [IMPORTED_ENTRY]: entry.name.slice(0, 255) };
  if (entry.transport === 'unknown') return entry.reason;
  if (entry.transport !== 'stdio') {
    const spec: ServerSpecInput = { name, transport: 'http', url: entry.url, headers: entry.headers, labels };
    return entry.transport === 'sse' ? { ...spec, sse: true } : spec;
  }
  const spec: ServerSpecInput = {
    name,
    transport: 'stdio',
    command: entry.command,
    args: entry.args,
    env: entry.env,
    labels,
  };
  // A relative cwd is relative to the folder the client runs in: the project.
  if (entry.cwd !== undefined) spec.cwd = isAbsolute(entry.cwd) ? entry.cwd : resolve(projectDir, entry.cwd);
  return spec;
}

function problemsOf(spec: ServerSpecInput): string | undefined {
  const result = serverSpecSchema.safeParse(spec);
  if (result.success) return undefined;
  return result.error.issues.map((issue) => `${issue.path.join('.') || 'definition'}: ${issue.message}`).join('; ');
}

function sameSource(view: ServerView, spec: ServerSpecInput): boolean {
  if (spec.transport === 'http') return view.transport === 'http' && view.url === spec.url;
  return (
    view.transport === 'stdio' &&
    view.command === spec.command &&
    JSON.stringify(view.args) === JSON.stringify(spec.args ?? [])
  );
}

function freeName(name: string, taken: Set<string>): string {
  for (let n = 2; ; n += 1) {
    const suffix = `-${n}`;
    const candidate = `${name.slice(0, 63 - suffix.length)}${suffix}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/**
 * What importing `entries` does, against the servers that exist: each entry added, skipped (with
 * why), or, on a name taken by another definition, skipped / renamed with a suffix / overwritten.
 * Entries mcpctl wrote itself are skipped; values are kept verbatim (`${VAR}` stays a reference).
 */
export function planImport(
  sources: Array<{ client: ClientDefinition; location: ClientLocation; entries: ClientEntry[] }>,
  existing: ServerView[],
  clash: ClashMode,
  projectDir: string,
): ImportItem[] {
  const byName = new Map(existing.map((view) => [view.name, view]));
  const taken = new Set(byName.keys());
  const items: ImportItem[] = [];
  for (const { client, location, entries } of sources) {
    for (const entry of entries) {
      const base = {
        client: client.id,
        scope: location.scope,
        file: location.file,
        entry: entry.name,
        transport: entry.transport,
      };
      let name = serverNameFrom(entry.name);
      if (gatewayTargetOf(entry)) {
        items.push({ ...base, name, action: 'skip', note: "mcpctl's own entry" });
        continue;
      }
      const spec = specOf(client, projectDir, entry, name);
      if (typeof spec === 'string') {
        items.push({ ...base, name, action: 'skip', note: spec });
        continue;
      }
      const problems = problemsOf(spec);
      if (problems) {
        items.push({ ...base, name, action: 'skip', note: problems });
        continue;
      }
      if (entry.disabled) spec.autostart = false;
      const view = byName.get(name);
      let action: ImportItem['action'] = 'add';
      let note: string | undefined = entry.dropped ? `not imported: ${entry.dropped.join(', ')}` : undefined;
      if (view && sameSource(view, spec)) {
        items.push({ ...base, name, action: 'unchanged', note: 'already a server' });
        continue;
      }
      if (taken.has(name)) {
        if (clash === 'skip' || (clash === 'overwrite' && !view)) {
          items.push({ ...base, name, action: 'skip', note: `name '${name}' is taken (--rename or --overwrite)` });
          continue;
        }
        if (clash === 'rename') {
          note = [`renamed from '${name}'`, note].filter(Boolean).join('; ');
          name = freeName(name, taken);
          spec.name = name;
        } else action = 'overwrite';
      }
      taken.add(name);
      items.push({ ...base, name, action, spec, ...(note ? { note } : {}) });
    }
  }
  return items;
}
