import * as z from 'zod';
import { McpctlError } from '../../shared/errors.js';
import { ENV_NAME_PATTERN, serverNameSchema } from '../servers/definition.js';
import {
  CLIENT_TOOL_NAME_PATTERN,
  type ProfileSpec,
  profileNameSchema,
  profileSpecSchema,
  TOOL_MODES,
  toolGlobSchema,
} from './definition.js';

/**
 * The changes `profile add|remove|env|filter|tool|set` make, one operation per call, applied by the
 * daemon to the profile as it is (so two edits in a row never undo each other). The CLI parses
 * the same schema first, so a bad shape fails with exit 2 before the daemon is touched.
 */

const envNameSchema = z.string().regex(ENV_NAME_PATTERN, 'environment names must match [A-Za-z_][A-Za-z0-9_]*');
const toolNameSchema = z
  .string()
  .regex(CLIENT_TOOL_NAME_PATTERN, 'a tool name is 1-64 characters of a-z, A-Z, 0-9, "_", "-"');
const globsSchema = z.array(toolGlobSchema).max(200);

/** Server names given once each: a server is a member of a profile only once. */
export const memberListSchema = z
  .array(serverNameSchema)
  .max(200)
  .refine((servers) => new Set(servers).size === servers.length, {
    message: 'a server can be a member of a profile only once (it is named twice)',
  });

export const profileEditSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('addMembers'), servers: memberListSchema.min(1) }).strict(),
  z.object({ op: z.literal('removeMembers'), servers: memberListSchema.min(1) }).strict(),
  z
    .object({
      op: z.literal('setEnv'),
      server: serverNameSchema,
      // Keys checked one by one: a record's key schema would only say "Invalid key in record".
      env: z
        .record(z.string(), z.string())
        .refine((env) => Object.keys(env).length > 0, 'give KEY=VALUE')
        .superRefine((env, ctx) => {
          for (const key of Object.keys(env).filter((name) => !ENV_NAME_PATTERN.test(name))) {
            ctx.addIssue({ code: 'custom', message: `'${key}' is not an environment name ([A-Za-z_][A-Za-z0-9_]*)` });
          }
        }),
    })
    .strict(),
  z.object({ op: z.literal('unsetEnv'), server: serverNameSchema, keys: z.array(envNameSchema).min(1) }).strict(),
  z
    .object({
      op: z.literal('filter'),
      /** A list given replaces the profile's; `clear` empties both first. */
      allow: globsSchema.optional(),
      deny: globsSchema.optional(),
      clear: z.boolean().default(false),
    })
    .strict()
    .refine((edit) => edit.clear || edit.allow !== undefined || edit.deny !== undefined, {
      message: 'give --allow GLOB..., --deny GLOB... or --clear',
    }),
  z
    .object({
      op: z.literal('tool'),
      /** The namespaced name, as clients see it before the override. */
      tool: toolNameSchema,
      rename: toolNameSchema.optional(),
      description: z.string().max(10_000).optional(),
      /** Drops the override: clients see the tool as the member names it. */
      reset: z.boolean().default(false),
    })
    .strict()
    .refine((edit) => edit.reset !== (edit.rename !== undefined || edit.description !== undefined), {
      message: 'give --rename NEW and/or --description TEXT, or --reset (not both)',
    }),
  z
    .object({
      op: z.literal('settings'),
      /** '' drops it. */
      description: z.string().max(1000).optional(),
      mode: z.enum(TOOL_MODES).optional(),
      pin: globsSchema.optional(),
      separator: z
        .string()
        .regex(/^[a-zA-Z0-9_-]{1,8}$/, 'the separator is 1-8 characters of a-z, A-Z, 0-9, "_", "-"')
        .optional(),
      prefixFirst: z.boolean().optional(),
      listTimeoutMs: z.number().int().min(1).max(600_000).optional(),
    })
    .strict()
    .refine((edit) => Object.keys(edit).length > 1, { message: 'give at least one setting to change' }),
]);
export type ProfileEdit = z.output<typeof profileEditSchema>;

/** What `profile create` sends: members by name; `copyFrom` takes another profile's members and settings. */
export const profileCreateSchema = z
  .object({
    name: profileNameSchema,
    servers: memberListSchema.default([]),
    description: z.string().max(1000).optional(),
    copyFrom: profileNameSchema.optional(),
  })
  .strict();
export type ProfileCreate = z.output<typeof profileCreateSchema>;

function notMember(profile: string, server: string): McpctlError {
  return new McpctlError('NOT_FOUND', `server '${server}' is not a member of profile '${profile}'`, {
    hint: `see its members with 'mcpctl profile show ${profile}'; add it with 'mcpctl profile add ${profile} ${server}'`,
  });
}

function alreadyMember(profile: string, server: string): McpctlError {
  return new McpctlError('INVALID_ARGUMENT', `server '${server}' is already a member of profile '${profile}'`, {
    hint: `a server is a member of a profile once; change its env with 'mcpctl profile env set ${profile} ${server} KEY=VALUE'`,
  });
}

/**
 * The new profile from `create`: the copied one's members and settings (a snapshot, so a copy can
 * never refer back to its source), then the named servers after them.
 */
export function createdProfile(input: ProfileCreate, source: ProfileSpec | undefined): ProfileSpec {
  const base: ProfileSpec = source ? structuredClone(source) : profileSpecSchema.parse({ name: input.name });
  const members = [...base.members];
  for (const server of input.servers) {
    if (members.some((member) => member.server === server)) throw alreadyMember(input.name, server);
    members.push({ server, env: {} });
  }
  const description = input.description ?? base.description;
  return checked({ ...base, name: input.name, members, ...(description ? { description } : {}) });
}

/** The profile after one edit; a member it names must be one (NOT_FOUND, exit 8). */
export function applyEdit(spec: ProfileSpec, edit: ProfileEdit): ProfileSpec {
  const next = structuredClone(spec);
  const member = (server: string) => {
    const found = next.members.find((m) => m.server === server);
    if (!found) throw notMember(spec.name, server);
    return found;
  };
  switch (edit.op) {
    case 'addMembers':
      for (const server of edit.servers) {
        if (next.members.some((m) => m.server === server)) throw alreadyMember(spec.name, server);
        next.members.push({ server, env: {} });
      }
      break;
    case 'removeMembers':
      for (const server of edit.servers) member(server);
      next.members = next.members.filter((m) => !edit.servers.includes(m.server));
      break;
    case 'setEnv':
      Object.assign(member(edit.server).env, edit.env);
      break;
    case 'unsetEnv': {
      const env = member(edit.server).env;
      for (const key of edit.keys) delete env[key];
      break;
    }
    case 'filter':
      if (edit.clear) next.filters = { allow: [], deny: [] };
      if (edit.allow) next.filters.allow = edit.allow;
      if (edit.deny) next.filters.deny = edit.deny;
      break;
    case 'tool':
      if (edit.reset) delete next.overrides[edit.tool];
      else {
        const override = { ...next.overrides[edit.tool] };
        if (edit.rename !== undefined) override.rename = edit.rename;
        if (edit.description !== undefined) override.description = edit.description;
        next.overrides[edit.tool] = override;
      }
      break;
    case 'settings':
      if (edit.description !== undefined) {
        if (edit.description === '') delete next.description;
        else next.description = edit.description;
      }
      if (edit.mode !== undefined) next.tools.mode = edit.mode;
      if (edit.pin !== undefined) next.tools.pin = edit.pin;
      if (edit.separator !== undefined) next.naming.separator = edit.separator;
      if (edit.prefixFirst !== undefined) next.naming.prefixFirst = edit.prefixFirst;
      if (edit.listTimeoutMs !== undefined) next.listTimeoutMs = edit.listTimeoutMs;
      break;
  }
  return checked(next);
}

/** The whole profile still obeys its schema (a 201st member, say): INVALID_ARGUMENT otherwise. */
function checked(spec: ProfileSpec): ProfileSpec {
  const result = profileSpecSchema.safeParse(spec);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.') || 'profile'}: ${issue.message}`);
  throw new McpctlError('INVALID_ARGUMENT', `invalid profile '${spec.name}': ${problems.join('; ')}`, {
    hint: `see the profile with 'mcpctl profile show ${spec.name}'`,
  });
}
