import * as z from 'zod';
import { ENV_NAME_PATTERN, SERVER_NAME_PATTERN, serverNameSchema } from '../servers/definition.js';

/**
 * A profile: a named set of servers served as one MCP endpoint (`/profiles/NAME/mcp`), its tools
 * and prompts namespaced per member and trimmed by filters. This is what the store keeps (as JSON)
 * and what `apply -f` and `export` read and write; defaults make a bare `{name, members}` valid.
 */

/** Profile names share the server name rule: they become URL segments and file names. */
export const PROFILE_NAME_PATTERN = SERVER_NAME_PATTERN;
export const profileNameSchema = z
  .string()
  .regex(PROFILE_NAME_PATTERN, 'must be 1-63 characters of a-z, 0-9, ".", "_" or "-", starting with a letter or digit');

/** What the strictest clients accept as a tool or prompt name (Claude, Cursor, VS Code). */
export const CLIENT_TOOL_NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;

/**
 * A glob over namespaced names: `*` any run, `?` one character. Any other character must be one a
 * namespaced name can hold, so a glob that cannot match anything is refused instead of silently empty.
 */
export const TOOL_GLOB_PATTERN = /^[a-zA-Z0-9_.*?-]{1,128}$/;
export const toolGlobSchema = z
  .string()
  .regex(TOOL_GLOB_PATTERN, 'a glob is 1-128 characters of a-z, A-Z, 0-9, "_", "-", ".", with * and ? as wildcards');

const envSchema = z
  .record(z.string().regex(ENV_NAME_PATTERN, 'environment names must match [A-Za-z_][A-Za-z0-9_]*'), z.string())
  .default({});

export const profileMemberSchema = z
  .object({
    server: serverNameSchema,
    /** Laid over the server's own env; members whose effective configuration is equal share one instance. */
    env: envSchema,
  })
  .strict();

export const TOOL_MODES = ['all', 'search'] as const;

export const profileSpecSchema = z
  .object({
    name: profileNameSchema,
    description: z.string().max(1000).optional(),
    /** In profile order: the first member wins a resource URI two members claim. */
    members: z
      .array(profileMemberSchema)
      .max(200)
      .default([])
      .refine((members) => new Set(members.map((m) => m.server)).size === members.length, {
        message: 'a server can be a member of a profile only once',
      }),
    naming: z
      .object({
        /** Between the member's name and the tool's: `SERVER__TOOL`. */
        separator: z
          .string()
          .regex(/^[a-zA-Z0-9_-]{1,8}$/, 'the separator is 1-8 characters of a-z, A-Z, 0-9, "_", "-"')
          .default('__'),
        /** false: the first member's tools and prompts keep their own names. */
        prefixFirst: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    filters: z
      .object({
        /** Empty: everything is allowed. Deny wins over allow. */
        allow: z.array(toolGlobSchema).max(200).default([]),
        deny: z.array(toolGlobSchema).max(200).default([]),
      })
      .strict()
      .prefault({}),
    tools: z
      .object({
        /** search: clients see `search_tools` and `call_tool` (plus the pinned tools), not the full list. */
        mode: z.enum(TOOL_MODES).default('all'),
        pin: z.array(toolGlobSchema).max(200).default([]),
      })
      .strict()
      .prefault({}),
    /** By namespaced name (after filters): what clients see instead; calls are mapped back. */
    overrides: z
      .record(
        z.string().regex(CLIENT_TOOL_NAME_PATTERN, 'a tool name is 1-64 characters of a-z, A-Z, 0-9, "_", "-"'),
        z
          .object({
            rename: z
              .string()
              .regex(CLIENT_TOOL_NAME_PATTERN, 'a tool name is 1-64 characters of a-z, A-Z, 0-9, "_", "-"')
              .optional(),
            description: z.string().max(10_000).optional(),
          })
          .strict(),
      )
      .default({}),
    /** Each member's list calls answer within this or the profile answers from its cached catalog. */
    listTimeoutMs: z.number().int().min(1).max(600_000).default(2000),
  })
  .strict();

export type ProfileSpec = z.output<typeof profileSpecSchema>;
export type ProfileSpecInput = z.input<typeof profileSpecSchema>;
export type ProfileMember = z.output<typeof profileMemberSchema>;
