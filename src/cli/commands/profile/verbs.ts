import { controlMethods, type ProfileView } from '../../../core/api.js';
import { TOOL_MODES } from '../../../core/profiles/definition.js';
import type { ProfileEdit } from '../../../core/profiles/edits.js';
import { parseInput } from '../../../core/validation.js';
import { McpctlError } from '../../../shared/errors.js';
import { parseChoice, parseDurationFlag, parseKeyValue } from '../../flags.js';
import type { Invocation } from '../../invocation.js';
import { renderProfileDetail, renderProfileTable } from '../../output/profiles.js';

/** Checked here with the daemon's own schema, so a bad shape exits 2 before the daemon is touched. */
function checkedEdit(name: string, edit: unknown) {
  return parseInput(controlMethods.updateProfile.input, { name, edit }, 'profile change');
}

function checkedName(name: string): string {
  return parseInput(controlMethods.getProfile.input, { name }, 'profile name').name;
}

async function printProfile(inv: Invocation, view: ProfileView, said: string): Promise<void> {
  if (inv.out.machine) await inv.out.data(view);
  else inv.out.out(said);
}

export async function createProfile(
  inv: Invocation,
  name: string,
  flags: { server: string[]; description?: string; copyFrom?: string },
): Promise<void> {
  const input = parseInput(
    controlMethods.createProfile.input,
    {
      name,
      servers: flags.server,
      ...(flags.description === undefined ? {} : { description: flags.description }),
      ...(flags.copyFrom === undefined ? {} : { copyFrom: flags.copyFrom }),
    },
    'profile',
  );
  const view = await (await inv.api()).createProfile(input);
  const copied = input.copyFrom === undefined ? '' : `, copied from ${input.copyFrom}`;
  await printProfile(inv, view, `created profile ${view.name} (${members(view)}${copied})`);
}

function members(view: ProfileView): string {
  return view.members.length === 1 ? '1 member' : `${view.members.length} members`;
}

/** What one edit did, in a line. */
function describeEdit(edit: ProfileEdit): string {
  switch (edit.op) {
    case 'addMembers':
      return `added ${edit.servers.join(', ')}`;
    case 'removeMembers':
      return `removed ${edit.servers.join(', ')}`;
    case 'setEnv':
      return `set ${Object.keys(edit.env).join(', ')} for ${edit.server}`;
    case 'unsetEnv':
      return `unset ${edit.keys.join(', ')} for ${edit.server}`;
    case 'filter':
      return 'filters changed';
    case 'tool':
      return edit.reset ? `override of ${edit.tool} dropped` : `override of ${edit.tool} set`;
    case 'settings':
      return 'settings changed';
  }
}

export async function editProfile(inv: Invocation, name: string, edit: unknown): Promise<void> {
  const input = checkedEdit(name, edit);
  const view = await (await inv.api()).updateProfile(input);
  await printProfile(inv, view, `profile ${view.name}: ${describeEdit(input.edit)} (${members(view)})`);
}

export async function setMemberEnv(inv: Invocation, name: string, server: string, pairs: string[]): Promise<void> {
  const env = Object.fromEntries(pairs.map((pair) => parseKeyValue('KEY=VALUE', pair)));
  await editProfile(inv, name, { op: 'setEnv', server, env });
}

interface SetFlags {
  tools?: string;
  pin: string[];
  clearPins?: boolean;
  separator?: string;
  prefixFirst?: boolean;
  listTimeout?: string;
  description?: string;
}

export async function setProfile(inv: Invocation, name: string, flags: SetFlags): Promise<void> {
  if (flags.clearPins && flags.pin.length > 0) {
    throw new McpctlError('INVALID_ARGUMENT', 'give --pin GLOB... or --clear-pins, not both', {
      hint: '--pin replaces the pins; --clear-pins drops them',
    });
  }
  const pin = flags.clearPins ? [] : flags.pin.length > 0 ? flags.pin : undefined;
  await editProfile(inv, name, {
    op: 'settings',
    ...(flags.tools === undefined ? {} : { mode: parseChoice('--tools', flags.tools, TOOL_MODES) }),
    ...(pin === undefined ? {} : { pin }),
    ...(flags.separator === undefined ? {} : { separator: flags.separator }),
    ...(flags.prefixFirst === undefined ? {} : { prefixFirst: flags.prefixFirst }),
    ...(flags.listTimeout === undefined
      ? {}
      : { listTimeoutMs: parseDurationFlag('--list-timeout', flags.listTimeout, { min: 1, max: 600_000 }) }),
    ...(flags.description === undefined ? {} : { description: flags.description }),
  });
}

export const EMPTY_HINT = 'No profiles. Create one with: mcpctl profile create NAME --server SERVER...';

export async function listProfiles(inv: Invocation): Promise<void> {
  const views = await (await inv.api()).listProfiles({});
  if (inv.out.machine) return inv.out.data(views);
  if (views.length === 0) return inv.out.note(EMPTY_HINT);
  inv.out.out(renderProfileTable(views, { headers: inv.out.headers }));
}

export async function showProfile(inv: Invocation, name: string): Promise<void> {
  const detail = await (await inv.api()).getProfile({ name: checkedName(name) });
  if (inv.out.machine) return inv.out.data(detail);
  inv.out.out(renderProfileDetail(detail, inv.out.color));
}

export async function removeProfile(inv: Invocation, name: string): Promise<void> {
  const result = await (await inv.api()).removeProfile({ name: checkedName(name) });
  if (inv.out.machine) return inv.out.data(result);
  inv.out.out(`removed profile ${result.name}`);
}

export async function useProfile(inv: Invocation, name: string): Promise<void> {
  const result = await (await inv.api()).useProfile({ name: checkedName(name) });
  if (inv.out.machine) return inv.out.data(result);
  inv.out.out(`now using profile ${result.name}`);
}

export async function printCurrentProfile(inv: Invocation): Promise<void> {
  const current = await (await inv.api()).currentProfile({});
  if (inv.out.machine) return inv.out.data(current);
  if (current.name === null) {
    throw new McpctlError('NOT_FOUND', 'no current profile', { hint: "set one with 'mcpctl profile use NAME'" });
  }
  inv.out.out(current.name);
}
