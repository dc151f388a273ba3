import * as z from 'zod';
import { byCodePoint } from '../../shared/compare.js';
import { SEVERITIES } from '../logs/severity.js';

/** Names become file names and URL segments: keep them to a safe, portable set. */
export const SERVER_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,62}$/;
export const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
const LABEL_KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,62}$/;
const HEADER_NAME_PATTERN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export const serverNameSchema = z
  .string()
  .regex(SERVER_NAME_PATTERN, 'must be 1-63 characters of a-z, 0-9, ".", "_" or "-", starting with a letter or digit');

export const SHARE_MODES = ['shared', 'isolated'] as const;

export const RESTART_MODES = ['always', 'on-failure', 'never'] as const;
export type RestartMode = (typeof RESTART_MODES)[number];

/** Below this a Node or Python server cannot even start: a smaller --max-memory is a typo. */
export const MIN_MEMORY_LIMIT = 1024 * 1024;

const millis = z.number().int().min(0).max(86_400_000);

/** The most nodes a server may be asked to run on by number (`all` has no bound). */
export const MAX_REPLICAS = 64;

/**
 * On how many nodes of a cluster it runs: a number of lease slots (core/cluster/leaseKeeper.ts),
 * or `all` (every live node, no lease). Absent: 1. One daemon alone runs it whatever it says.
 */
export const replicasSchema = z.union([
  z.number().int().min(1, 'must be 1 or more, or all').max(MAX_REPLICAS, `must be at most ${MAX_REPLICAS}, or all`),
  z.literal('all'),
]);
export type Replicas = z.output<typeof replicasSchema>;

/**
 * How an instance is supervised. Defaults follow RELIABILITY.md §2: on-failure,
 * 1 s doubling with ±20 % jitter capped at 60 s, reset after 60 s healthy, give
 * up after 5 failed starts within 120 s.
 */
export const policySchema = z
  .object({
    restart: z.enum(RESTART_MODES).default('on-failure'),
    maxRestarts: z.number().int().min(0).max(1000).default(5),
    restartWindowMs: millis.min(1).default(120_000),
    backoffInitialMs: millis.min(1).default(1000),
    backoffMaxMs: millis.min(1).default(60_000),
    backoffFactor: z.number().min(1).max(10).default(2),
    backoffJitter: z.number().min(0).max(1).default(0.2),
    stableAfterMs: millis.default(60_000),
    startTimeoutMs: millis.min(1).default(30_000),
    healthIntervalMs: millis.min(1).default(10_000),
    healthTimeoutMs: millis.min(1).default(5000),
    healthRetries: z.number().int().min(1).max(100).default(3),
    stopGraceMs: millis.default(5000),
    /** A request the upstream leaves unanswered this long fails; progress notifications extend it up to REQUEST_TIMEOUT_EXTENSION times it. */
    requestTimeoutMs: millis.min(1).default(60_000),
    /**
     * A stdio server whose process tree holds more resident memory than this (bytes) at a health
     * check is restarted, as a failure; 0: no limit. In an isolated pool each process is held to it
     * on its own: one over it is ended with its session (a warm one replaced), the server runs on.
     */
    maxMemoryBytes: z
      .number()
      .int()
      .min(0)
      .max(2 ** 50)
      .refine((bytes) => bytes === 0 || bytes >= MIN_MEMORY_LIMIT, 'must be at least 1M, or 0 for no limit')
      .default(0),
  })
  .strict();
export type Policy = z.output<typeof policySchema>;
export type PolicyInput = z.input<typeof policySchema>;

const labelsSchema = z
  .record(
    z.string().regex(LABEL_KEY_PATTERN, 'label keys are 1-63 characters of A-Z, a-z, 0-9, ".", "_", "/", "-"'),
    z.string().max(255),
  )
  .default({});

/** MCP's log levels (RFC 5424), most verbose first. */
export const SERVER_LOG_LEVELS = SEVERITIES;

const common = {
  name: serverNameSchema,
  autostart: z.boolean().default(true),
  labels: labelsSchema,
  policy: policySchema.prefault({}),
  /**
   * The least severe line its log keeps (stderr lines and the `notifications/message` it sends); the
   * daemon asks the server for it with logging/setLevel. Absent: the daemon's `logs.level`.
   */
  logLevel: z.enum(SERVER_LOG_LEVELS).optional(),
  /** `logs --session` shows the arguments of each request (they may hold secrets: off unless asked). */
  debugPayloads: z.literal(true).optional(),
  replicas: replicasSchema.optional(),
};

export const stdioSpecSchema = z
  .object({
    ...common,
    transport: z.literal('stdio'),
    command: z.string().min(1, 'a command is required: mcpctl server add NAME -- COMMAND [ARGS...]'),
    args: z.array(z.string()).default([]),
    env: z
      .record(z.string().regex(ENV_NAME_PATTERN, 'environment names must match [A-Za-z_][A-Za-z0-9_]*'), z.string())
      .default({}),
    cwd: z.string().startsWith('/', 'the working directory must be an absolute path').optional(),
    /**
     * `shared`: one process serves every gateway session. `isolated`: one process per
     * session, taken from a pool of `pool` warm processes, ended with its session.
     */
    share: z.enum(SHARE_MODES).default('shared'),
    pool: z.number().int().min(0).max(64).default(1),
    maxSessions: z.number().int().min(1).max(10_000).default(64),
    /**
     * Directories the daemon gives a shared server when it asks `roots/list` (absolute paths).
     * In isolated mode each session's own client answers instead.
     */
    roots: z.array(z.string().startsWith('/', 'a root must be an absolute path')).max(64).default([]),
  })
  .strict()
  .refine((spec) => spec.share === 'shared' || spec.roots.length === 0, {
    message: "roots apply to shared servers: in isolated mode each session's client gives its own",
    path: ['roots'],
  });

export const httpSpecSchema = z
  .object({
    ...common,
    transport: z.literal('http'),
    url: z
      .url({ protocol: /^https?$/, error: 'the URL must be http:// or https://' })
      // zod runs this after a failed url check too: a value that is no URL is not this problem.
      .refine((value) => {
        if (!URL.canParse(value)) return true;
        const url = new URL(value);
        return !url.username && !url.password;
      }, 'put credentials in --header, not in the URL'),
    headers: z.record(z.string().regex(HEADER_NAME_PATTERN, 'invalid header name'), z.string()).default({}),
    /** The server speaks the legacy HTTP+SSE transport (2024-11-05: a GET stream, POSTs to its endpoint). */
    sse: z.literal(true).optional(),
    /**
     * The URL may resolve to a private, link-local or metadata address (daemon/net/addressPolicy.ts);
     * without it such an upstream is refused, at add and at every connect.
     */
    allowPrivate: z.boolean().default(false),
  })
  .strict();

/** What `server add` sends and the store keeps: a stdio command or an http URL. */
export const serverSpecSchema = z.discriminatedUnion('transport', [stdioSpecSchema, httpSpecSchema]);
export type ServerSpec = z.output<typeof serverSpecSchema>;
export type ServerSpecInput = z.input<typeof serverSpecSchema>;
export type StdioServerSpec = z.output<typeof stdioSpecSchema>;
export type HttpServerSpec = z.output<typeof httpSpecSchema>;

/** JSON with object keys sorted, so that two equal definitions compare equal whatever their key order. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, field]) => field !== undefined);
  return Object.fromEntries(entries.sort(([a], [b]) => byCodePoint(a, b)).map(([k, v]) => [k, canonical(v)]));
}

/** Whether two validated definitions are the same (env, labels and headers in any order). */
export function sameDefinition(a: ServerSpec, b: ServerSpec): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/** What a process (or an http connection) was started with: a change to one needs a new one, a rollover. */
const LAUNCH_FIELDS: Record<ServerSpec['transport'], readonly string[]> = {
  stdio: ['command', 'args', 'env', 'cwd', 'share', 'pool', 'maxSessions', 'roots'],
  http: ['url', 'headers', 'allowPrivate'],
};

/** The fields that differ between two definitions (`policy.restart`, `env`...), in a stable order. */
export function changedFields(a: ServerSpec, b: ServerSpec): string[] {
  const left = canonical(a) as Record<string, unknown>;
  const right = canonical(b) as Record<string, unknown>;
  const changed: string[] = [];
  for (const key of [...new Set([...Object.keys(left), ...Object.keys(right)])].sort(byCodePoint)) {
    if (key === 'policy') {
      const policyLeft = left.policy as Record<string, unknown>;
      const policyRight = right.policy as Record<string, unknown>;
      for (const field of Object.keys(policyRight).sort(byCodePoint)) {
        if (policyLeft[field] !== policyRight[field]) changed.push(`policy.${field}`);
      }
    } else if (JSON.stringify(left[key]) !== JSON.stringify(right[key])) {
      changed.push(key);
    }
  }
  return changed;
}

/** Whether going from `a` to `b` needs a new process: another transport or a launch field changed. */
export function needsRollover(a: ServerSpec, b: ServerSpec): boolean {
  if (a.transport !== b.transport) return true;
  return changedFields(a, b).some((field) => LAUNCH_FIELDS[b.transport].includes(field));
}
