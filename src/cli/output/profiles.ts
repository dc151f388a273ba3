import type { ProfileDetail, ProfileView } from '../../core/api.js';
import { formatDuration } from '../../shared/duration.js';
import type { Palette } from './colors.js';
import { type Field, renderFields } from './fields.js';
import { colorState } from './states.js';
import { renderTable } from './table.js';

const EMPTY = '-';

/** `profile ls`: `*` marks the current profile, as `kubectl config get-contexts` does. */
export function renderProfileTable(views: readonly ProfileView[], options: { headers: boolean }): string {
  const rows = views.map((view) => [
    view.current ? '*' : '',
    view.name,
    String(view.members.length),
    view.tools.mode,
    view.description ?? '',
  ]);
  return renderTable(['CURRENT', 'NAME', 'MEMBERS', 'MODE', 'DESCRIPTION'], rows, options);
}

function pairs(env: Record<string, string>): string {
  const entries = Object.entries(env);
  return entries.length === 0 ? EMPTY : entries.map(([key, value]) => `${key}=${value}`).join(' ');
}

/** `all`, or `search (pinned: fs__read_*)`. */
function toolMode(view: ProfileView): string {
  if (view.tools.mode === 'all') return 'all';
  return view.tools.pin.length === 0 ? 'search' : `search (pinned: ${view.tools.pin.join(', ')})`;
}

function naming(view: ProfileView): string {
  const shape = `SERVER${view.naming.separator}TOOL`;
  return view.naming.prefixFirst ? shape : `${shape}, the first member's tools unprefixed`;
}

function filters(view: ProfileView): string[] {
  const { allow, deny } = view.filters;
  if (allow.length === 0 && deny.length === 0) return [];
  return [
    `allow ${allow.length === 0 ? '*' : allow.join(', ')}`,
    ...(deny.length === 0 ? [] : [`deny ${deny.join(', ')}`]),
  ];
}

function overrides(view: ProfileView): string[] {
  return Object.entries(view.overrides).map(([tool, override]) => {
    const parts = [
      override.rename ? `-> ${override.rename}` : undefined,
      override.description ? `"${override.description}"` : undefined,
    ];
    return `${tool} ${parts.filter((part) => part !== undefined).join(' ')}`;
  });
}

function renderMembers(view: ProfileView, palette: Palette): string {
  if (view.members.length === 0) return 'Members:  <none>\n';
  const rows = view.members.map((member) => [
    member.server,
    member.state === 'missing' ? palette.red('missing') : colorState(member.state, palette),
    // The server's own (its name), or `NAME@<hash>` of its own for this env (shared by profiles giving the same).
    member.instance,
    pairs(member.env),
  ]);
  return `Members:\n${renderTable(['SERVER', 'STATE', 'INSTANCE', 'ENV'], rows, { headers: true, indent: '  ' })}`;
}

/** The endpoint's live view: each member's state and the names clients see, mapped to the member's own. */
function renderCatalog(catalog: ProfileDetail['catalog'], palette: Palette): string {
  if (catalog === null) return 'Catalog:  not available (the gateway serves no endpoint for this profile now)\n';
  const rows: string[][] = [];
  for (const member of catalog.members) {
    const state = member.state === 'ready' ? palette.green(member.state) : palette.yellow(member.state);
    const status = member.detail ? `${state} (${member.detail})` : state;
    const entries = [
      ...member.tools.map((entry) => ['tool', entry] as const),
      ...member.prompts.map((entry) => ['prompt', entry] as const),
    ];
    if (entries.length === 0) rows.push([member.server, status, EMPTY, EMPTY, EMPTY]);
    for (const [kind, entry] of entries) rows.push([member.server, status, kind, entry.name, entry.original]);
  }
  const table = renderTable(['MEMBER', 'STATE', 'KIND', 'NAME', 'ORIGINAL'], rows, { headers: true, indent: '  ' });
  const counts = catalog.members.map(
    (m) =>
      `${m.server}: ${m.tools.length} tools, ${m.prompts.length} prompts, ${m.resources} resources, ${m.resourceTemplates} templates`,
  );
  const collisions =
    catalog.collisions.length === 0
      ? 'Collisions:  <none>\n'
      : `Collisions:\n${catalog.collisions
          .map((c) => `  ${c.kind} ${c.name}: served by ${c.winner}, not by ${c.losers.join(', ')}\n`)
          .join('')}`;
  return `Catalog:\n${table}${counts.map((line) => `  ${line}\n`).join('')}${collisions}`;
}

/** `profile show`: the definition as a describe block, its members with their servers' state, then the catalog. */
export function renderProfileDetail(detail: ProfileDetail, palette: Palette): string {
  const fields: Field[] = [
    ['Name', detail.name],
    ['Description', detail.description ?? EMPTY],
    ['Current', detail.current ? 'yes' : 'no'],
    ['Tools', toolMode(detail)],
    ['Naming', naming(detail)],
    ['Filters', filters(detail)],
    ['Overrides', overrides(detail)],
    ['List timeout', formatDuration(detail.listTimeoutMs)],
    ['Created', detail.createdAt],
    ['Updated', detail.updatedAt],
  ];
  return `${renderFields(fields)}\n${renderMembers(detail, palette)}\n${renderCatalog(detail.catalog, palette)}`;
}
