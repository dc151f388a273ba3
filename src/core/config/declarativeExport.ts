import type * as z from 'zod';
import { type ProfileSpec, profileSpecSchema } from '../profiles/definition.js';
import { unknownProfile } from '../profiles/registry.js';
import { type ServerSpec, sameDefinition, serverSpecSchema } from '../servers/definition.js';
import { DECLARATIVE_API_VERSION } from './declarative.js';
import { changedFields, type DefinedState } from './declarativePlan.js';

/** The fields a reader looks for first, in this order; the others follow in the schema's order. */
const SERVER_FIELDS_FIRST = ['name', 'transport', 'command', 'args', 'cwd', 'env', 'url', 'headers'];

/**
 * The definitions as the file `apply -f` reads: each without the fields that hold their default
 * (a file says what was chosen, and a later default applies to what was not), so applying it again
 * validates to the very same definitions and changes nothing. With `profile`, that profile and only
 * the servers it uses.
 */
export function exportDocument(
  state: DefinedState,
  options: { profile?: string | undefined },
): Record<string, unknown> {
  let { servers, profiles } = state;
  if (options.profile !== undefined) {
    const profile = profiles.find((spec) => spec.name === options.profile);
    if (!profile) {
      throw unknownProfile(options.profile);
    }
    const members = new Set(profile.members.map((member) => member.server));
    servers = servers.filter((spec) => members.has(spec.name));
    profiles = [profile];
  }
  return {
    apiVersion: DECLARATIVE_API_VERSION,
    servers: servers.map((spec) => ordered(withoutDefaults(spec, serverSpecSchema, sameServer), SERVER_FIELDS_FIRST)),
    profiles: profiles.map((spec) => withoutDefaults(spec, profileSpecSchema, sameProfile)),
  };
}

function sameServer(a: ServerSpec, b: ServerSpec): boolean {
  return sameDefinition(a, b);
}

function sameProfile(a: ProfileSpec, b: ProfileSpec): boolean {
  return changedFields(a, b).length === 0;
}

type Path = Array<string | number>;

/**
 * Leaves out each field (depth first: a whole `policy`, else its single values; list items too,
 * a member's empty `env`) whose absence validates to the same definition.
 */
function withoutDefaults<S extends z.ZodType>(
  full: z.output<S>,
  schema: S,
  same: (a: z.output<S>, b: z.output<S>) => boolean,
): Record<string, unknown> {
  const dropped: Path[] = [];
  const holds = (candidate: unknown): boolean => {
    const parsed = schema.safeParse(candidate);
    return parsed.success && same(parsed.data, full);
  };
  const visit = (value: unknown, path: Path): void => {
    const children: Array<[string | number, unknown]> = Array.isArray(value)
      ? value.map((item, index): [number, unknown] => [index, item])
      : isRecord(value)
        ? Object.entries(value)
        : [];
    for (const [key, child] of children) {
      const childPath = [...path, key];
      if (!Array.isArray(value) && holds(omit(full, [...dropped, childPath]))) dropped.push(childPath);
      else visit(child, childPath);
    }
  };
  visit(full, []);
  return omit(full, dropped) as Record<string, unknown>;
}

/** A deep copy of `value` without the fields at `paths`. */
function omit(value: unknown, paths: Path[], at: Path = []): unknown {
  if (Array.isArray(value)) return value.map((item, index) => omit(item, paths, [...at, index]));
  if (!isRecord(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const path = [...at, key];
    if (child === undefined || paths.some((dropped) => samePath(dropped, path))) continue;
    copy[key] = omit(child, paths, path);
  }
  return copy;
}

function samePath(a: Path, b: Path): boolean {
  return a.length === b.length && a.every((key, index) => key === b[index]);
}

function ordered(value: Record<string, unknown>, first: string[]): Record<string, unknown> {
  const keys = [...first.filter((key) => key in value), ...Object.keys(value).filter((key) => !first.includes(key))];
  return Object.fromEntries(keys.map((key) => [key, value[key]]));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
