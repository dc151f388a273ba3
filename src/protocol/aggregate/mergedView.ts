import type { Item, MemberCatalog } from './memberCatalog.js';
import { clientSafeName, namespaced } from './naming.js';
import type { AggregateCatalogView, AggregateSettings, CatalogEntry, CollisionView, ListedTool } from './types.js';

/** Where a client-visible tool or prompt name goes: its member, under the member's own name. */
export interface NameRoute {
  member: string;
  original: string;
}

export interface TemplateRoute {
  /** The template's literal start, before its first `{`: what a concrete URI must begin with. */
  prefix: string;
  template: string;
  member: string;
}

/**
 * Everything the profile's sessions are answered from, built once per change of any member's
 * lists or of the profile, never per request: lists ready to page through and the lookup tables
 * that send each call to its member.
 */
export interface MergedView {
  tools: ListedTool[];
  toolRoutes: Map<string, NameRoute>;
  prompts: Item[];
  promptRoutes: Map<string, NameRoute>;
  resources: Item[];
  resourceRoutes: Map<string, string>;
  resourceTemplates: Item[];
  templateRoutes: TemplateRoute[];
  /** Client-visible names the profile's filters hide: called by name, they are refused. */
  filtered: Set<string>;
  /** Names of members that are not serving now: a call is told which server and why. */
  vanished: Map<string, string>;
  catalog: AggregateCatalogView;
  /** Per list, what its clients see (names in order): a change means list_changed. */
  fingerprints: Record<'tools' | 'prompts' | 'resources', string>;
}

type NamedKind = 'tools' | 'prompts';

export function buildView(settings: AggregateSettings, catalogs: readonly MemberCatalog[]): MergedView {
  const view: MergedView = {
    tools: [],
    toolRoutes: new Map(),
    prompts: [],
    promptRoutes: new Map(),
    resources: [],
    resourceRoutes: new Map(),
    resourceTemplates: [],
    templateRoutes: [],
    filtered: new Set(),
    vanished: new Map(),
    catalog: { members: [], collisions: [] },
    fingerprints: { tools: '', prompts: '', resources: '' },
  };
  const collisions = new Map<string, CollisionView>();
  const collide = (kind: CollisionView['kind'], name: string, winner: string, loser: string): void => {
    const key = `${kind}\u0000${name}`;
    const known = collisions.get(key);
    if (known === undefined) collisions.set(key, { kind, name, winner, losers: [loser] });
    else if (!known.losers.includes(loser)) known.losers.push(loser);
  };

  catalogs.forEach((catalog, index) => {
    const prefixed = settings.prefixFirst || index > 0;
    const named = (kind: NamedKind): CatalogEntry[] =>
      addNamed(settings, view, catalog, kind, prefixed, (name, winner) =>
        collide(kind === 'tools' ? 'tool' : 'prompt', name, winner, catalog.name),
      );
    const tools = named('tools');
    const prompts = named('prompts');
    const resources = catalog.available ? (catalog.lists.resources ?? []) : [];
    for (const resource of resources) {
      const uri = resource.uri;
      if (typeof uri !== 'string') continue;
      const winner = view.resourceRoutes.get(uri);
      if (winner !== undefined) {
        collide('resource', uri, winner, catalog.name);
        continue;
      }
      view.resourceRoutes.set(uri, catalog.name);
      view.resources.push(resource);
    }
    const templates = catalog.available ? (catalog.lists.resourceTemplates ?? []) : [];
    for (const template of templates) {
      const uriTemplate = template.uriTemplate;
      if (typeof uriTemplate !== 'string') continue;
      const winner = view.templateRoutes.find((route) => route.template === uriTemplate);
      if (winner !== undefined) {
        collide('resource', uriTemplate, winner.member, catalog.name);
        continue;
      }
      const brace = uriTemplate.indexOf('{');
      view.templateRoutes.push({
        prefix: brace === -1 ? uriTemplate : uriTemplate.slice(0, brace),
        template: uriTemplate,
        member: catalog.name,
      });
      view.resourceTemplates.push(template);
    }
    const detail = catalog.detail();
    view.catalog.members.push({
      server: catalog.name,
      state: catalog.state(),
      ...(detail === undefined || catalog.state() === 'ready' ? {} : { detail }),
      tools,
      prompts,
      resources: resources.length,
      resourceTemplates: templates.length,
    });
  });
  // Longest prefix first, so the most specific template wins a URI.
  view.templateRoutes.sort((a, b) => b.prefix.length - a.prefix.length);
  view.catalog.collisions = [...collisions.values()];
  view.fingerprints = {
    tools: fingerprint(view.tools),
    prompts: fingerprint(view.prompts),
    resources: `${view.resources.map((r) => r.uri).join('\n')}\u0000${view.resourceTemplates.map((t) => t.uriTemplate).join('\n')}`,
  };
  return view;
}

/** A member's tools or prompts, namespaced, filtered and overridden, into the view; returns what it contributes. */
function addNamed(
  settings: AggregateSettings,
  view: MergedView,
  catalog: MemberCatalog,
  kind: NamedKind,
  prefixed: boolean,
  collided: (name: string, winner: string) => void,
): CatalogEntry[] {
  const routes = kind === 'tools' ? view.toolRoutes : view.promptRoutes;
  const listed: Item[] = kind === 'tools' ? view.tools : view.prompts;
  const items = catalog.available ? catalog.lists[kind] : catalog.vanished[kind];
  const entries: CatalogEntry[] = [];
  for (const item of items ?? []) {
    const original = item.name;
    if (typeof original !== 'string') continue;
    const full = namespaced(catalog.name, original, settings.separator, prefixed);
    const safe = clientSafeName(full);
    const override = settings.overrides[safe];
    const name = override?.rename ?? safe;
    if (!settings.allows(full)) {
      view.filtered.add(name);
      continue;
    }
    if (!catalog.available) {
      if (!routes.has(name)) view.vanished.set(name, catalog.name);
      continue;
    }
    const winner = routes.get(name);
    if (winner !== undefined) {
      collided(name, winner.member);
      continue;
    }
    view.vanished.delete(name);
    view.filtered.delete(name);
    routes.set(name, { member: catalog.name, original });
    const description = override?.description ?? (typeof item.description === 'string' ? item.description : undefined);
    listed.push(description === undefined ? { ...item, name } : { ...item, name, description });
    entries.push(description === undefined ? { name, original } : { name, original, description });
  }
  return entries;
}

function fingerprint(items: readonly Item[]): string {
  return items.map((item) => `${String(item.name)}\u0001${String(item.description ?? '')}`).join('\n');
}
