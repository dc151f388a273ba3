import * as z from 'zod';
import { McpctlError } from '../../shared/errors.js';
import {
  ENV_NAME_PATTERN,
  policySchema,
  replicasSchema,
  SERVER_LOG_LEVELS,
  type ServerSpec,
  type ServerSpecInput,
  SHARE_MODES,
} from './definition.js';

const envName = z.string().regex(ENV_NAME_PATTERN, 'environment names must match [A-Za-z_][A-Za-z0-9_]*');
const absolute = z.string().startsWith('/', 'must be an absolute path');

/** The policy fields, each optional and without its default: a patch names only what it changes. */
const policyPatchSchema = z
  .object(
    Object.fromEntries(Object.entries(policySchema.shape).map(([key, field]) => [key, field.unwrap().optional()])),
  )
  .strict() as unknown as z.ZodType<Partial<z.output<typeof policySchema>>>;

/**
 * What `server set` changes of a definition: the fields given replace theirs, `env`, `headers`,
 * `labels` and `roots` are merged into theirs, and `unset*` remove entries. The merged definition is
 * validated whole (serverSpecSchema) before anything is written.
 */
export const serverPatchSchema = z
  .object({
    command: z.string().min(1).optional(),
    args: z.array(z.string()).optional(),
    env: z.record(envName, z.string()).optional(),
    unsetEnv: z.array(envName).optional(),
    cwd: absolute.optional(),
    url: z.string().optional(),
    headers: z.record(z.string(), z.string()).optional(),
    unsetHeaders: z.array(z.string()).optional(),
    allowPrivate: z.boolean().optional(),
    labels: z.record(z.string(), z.string()).optional(),
    unsetLabels: z.array(z.string()).optional(),
    autostart: z.boolean().optional(),
    policy: policyPatchSchema.optional(),
    /** null: back to the daemon's logs.level. */
    logLevel: z.enum(SERVER_LOG_LEVELS).nullable().optional(),
    debugPayloads: z.boolean().optional(),
    replicas: replicasSchema.optional(),
    share: z.enum(SHARE_MODES).optional(),
    pool: z.number().int().optional(),
    maxSessions: z.number().int().optional(),
    roots: z.array(absolute).optional(),
    unsetRoots: z.array(absolute).optional(),
  })
  .strict();
export type ServerPatch = z.output<typeof serverPatchSchema>;

const STDIO_ONLY = [
  ['command', 'a command (after --)'],
  ['args', 'a command (after --)'],
  ['env', '--env'],
  ['unsetEnv', '--unset-env'],
  ['cwd', '--cwd'],
  ['share', '--share'],
  ['pool', '--pool'],
  ['maxSessions', '--max-sessions'],
  ['roots', '--root'],
  ['unsetRoots', '--unset-root'],
] as const;
const HTTP_ONLY = [
  ['url', '--url'],
  ['headers', '--header'],
  ['unsetHeaders', '--unset-header'],
  ['allowPrivate', '--allow-private'],
] as const;

/** Whether a patch changes anything at all (an empty `server set` is a usage error). */
export function isEmptyPatch(patch: ServerPatch): boolean {
  return Object.values(patch).every((value) => value === undefined);
}

/**
 * `spec` with `patch` applied, for serverSpecSchema to validate. A field of the other transport is
 * refused (a server keeps its transport under `server set`; `server edit` can change it).
 */
export function applyServerPatch(spec: ServerSpec, patch: ServerPatch): ServerSpecInput {
  const foreign = spec.transport === 'stdio' ? HTTP_ONLY : STDIO_ONLY;
  const given = foreign.filter(([field]) => patch[field] !== undefined).map(([, flag]) => flag);
  if (given.length > 0) {
    const flags = [...new Set(given)];
    const other = spec.transport === 'stdio' ? 'http' : 'stdio';
    throw new McpctlError(
      'INVALID_ARGUMENT',
      `${flags.join(', ')} ${flags.length > 1 ? 'apply' : 'applies'} to ${other} servers; '${spec.name}' is ${spec.transport === 'http' ? 'an' : 'a'} ${spec.transport} server`,
      { hint: `change its transport with 'mcpctl server edit ${spec.name}', or remove it and add it again` },
    );
  }
  const common = {
    name: spec.name,
    autostart: patch.autostart ?? spec.autostart,
    labels: merged(spec.labels, patch.labels, patch.unsetLabels),
    policy: { ...spec.policy, ...patch.policy },
    ...logFields(spec, patch),
    ...((patch.replicas ?? spec.replicas) === undefined ? {} : { replicas: patch.replicas ?? spec.replicas }),
  };
  if (spec.transport === 'http') {
    return {
      ...common,
      transport: 'http',
      url: patch.url ?? spec.url,
      headers: merged(spec.headers, patch.headers, patch.unsetHeaders, (name) => name.toLowerCase()),
      allowPrivate: patch.allowPrivate ?? spec.allowPrivate,
      // Not a flag of `server set`: a legacy SSE server stays one.
      ...(spec.sse ? { sse: true } : {}),
    };
  }
  const share = patch.share ?? spec.share;
  if (share !== 'isolated' && (patch.pool !== undefined || patch.maxSessions !== undefined)) {
    throw new McpctlError('INVALID_ARGUMENT', `--pool and --max-sessions apply to isolated servers`, {
      hint: `'${spec.name}' is shared: add --share isolated, or drop them`,
    });
  }
  const unsetRoots = new Set(patch.unsetRoots ?? []);
  const roots = [...new Set([...spec.roots, ...(patch.roots ?? [])])].filter((root) => !unsetRoots.has(root));
  return {
    ...common,
    transport: 'stdio',
    command: patch.command ?? spec.command,
    args: patch.args ?? (patch.command === undefined ? spec.args : []),
    env: merged(spec.env, patch.env, patch.unsetEnv),
    ...((patch.cwd ?? spec.cwd) === undefined ? {} : { cwd: patch.cwd ?? spec.cwd }),
    share,
    pool: patch.pool ?? spec.pool,
    maxSessions: patch.maxSessions ?? spec.maxSessions,
    roots,
  };
}

/** The log level and payload flag after the patch: absent when back to their default. */
function logFields(spec: ServerSpec, patch: ServerPatch): Pick<ServerSpecInput, 'logLevel' | 'debugPayloads'> {
  const logLevel = patch.logLevel === undefined ? spec.logLevel : (patch.logLevel ?? undefined);
  const debugPayloads = patch.debugPayloads ?? spec.debugPayloads === true;
  return { ...(logLevel === undefined ? {} : { logLevel }), ...(debugPayloads ? { debugPayloads: true } : {}) };
}

/** `base` with `set` on top and the `unset` keys gone (`key` says which keys are the same: headers ignore case). */
function merged(
  base: Record<string, string>,
  set: Record<string, string> | undefined,
  unset: readonly string[] | undefined,
  key: (name: string) => string = (name) => name,
): Record<string, string> {
  const gone = new Set([...(unset ?? []), ...Object.keys(set ?? {})].map(key));
  const kept = Object.entries(base).filter(([name]) => !gone.has(key(name)));
  return Object.fromEntries([...kept, ...Object.entries(set ?? {})]);
}
