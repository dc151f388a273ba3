import * as z from 'zod';
import { ERROR_CODES } from '../shared/errors.js';
import type { CallContext } from '../shared/principal.js';
import { alertNameSchema, alertRuleSchema } from './alerts/rule.js';
import type { METHOD_NAMES, STREAM_NAMES } from './apiNames.js';
import { auditEntrySchema, auditQuerySchema } from './audit/auditApi.js';
import { backupMethods } from './backup/schemas.js';
import { clientMethods } from './clients/schemas.js';
import { declarativeDocumentSchema } from './config/declarative.js';
import { PLAN_ACTIONS, PLAN_KINDS } from './config/declarativePlan.js';
import { EVENT_TYPES } from './events/eventTypes.js';
import { SEVERITIES } from './logs/severity.js';
import { MEMBER_STATES } from './profiles/catalog.js';
import { profileNameSchema, TOOL_MODES } from './profiles/definition.js';
import { profileCreateSchema, profileEditSchema } from './profiles/edits.js';
import { secretMethods, secretStatusSchema } from './secrets/schemas.js';
import { policySchema, serverNameSchema, serverSpecSchema } from './servers/definition.js';
import { serverPatchSchema } from './servers/patch.js';
import { INSTANCE_STATES } from './servers/states.js';

/**
 * ControlApi: the one contract between the CLI and the daemon. Each method has
 * a zod schema for its input and its output; the daemon validates every input
 * with it, and both ends fail to compile until they implement a new method.
 * On the wire a method is `POST /v1/<method>` with the input as the JSON body.
 */

const nameInput = z.object({ name: serverNameSchema }).strict();

const targetsFields = {
  names: z.array(serverNameSchema).default([]),
  all: z.boolean().default(false),
};
const targetsRule = [
  (t: { names: string[]; all: boolean }) => t.all !== t.names.length > 0,
  'name one or more servers, or pass --all (not both)',
] as const;
const targetsInput = z
  .object(targetsFields)
  .strict()
  .refine(...targetsRule);

/**
 * `wait` (the default): answer once each server's first attempt has an outcome (running, or the
 * error it failed with), bounded by its start timeout and stop grace. false: answer at once.
 */
const waitField = z.boolean().default(true);
const startInput = z
  .object({ ...targetsFields, wait: waitField })
  .strict()
  .refine(...targetsRule);
const addInput = z.object({ spec: serverSpecSchema, wait: waitField }).strict();
/** A whole new definition (`server edit`; its name says which server), or what `server set` changes of one. */
const updateInput = z.union([
  z.object({ spec: serverSpecSchema }).strict(),
  z.object({ name: serverNameSchema, patch: serverPatchSchema }).strict(),
]);

export const serverViewSchema = z.object({
  name: z.string(),
  /** `sse`: an http server on the legacy HTTP+SSE transport. */
  transport: z.enum(['stdio', 'http', 'sse']),
  state: z.enum(INSTANCE_STATES),
  desired: z.enum(['running', 'stopped']),
  pid: z.number().nullable(),
  restarts: z.number(),
  uptimeSeconds: z.number().nullable(),
  lastExitCode: z.number().nullable(),
  lastExitSignal: z.string().nullable(),
  lastError: z.string().nullable(),
  command: z.string().nullable(),
  args: z.array(z.string()),
  cwd: z.string().nullable(),
  url: z.string().nullable(),
  /** Stdio servers: how gateway sessions use them (null for http servers, always shared). */
  sharing: z.object({ mode: z.enum(['shared', 'isolated']), pool: z.number(), maxSessions: z.number() }).nullable(),
  /** Directories the daemon gives a shared stdio server that asks for roots ([] otherwise). */
  roots: z.array(z.string()),
  /** Isolated servers: one entry per process, bound to a session or warm (sessionId null); [] otherwise. */
  processes: z.array(z.object({ pid: z.number().nullable(), sessionId: z.string().nullable() })),
  env: z.record(z.string(), z.string()),
  headers: z.record(z.string(), z.string()),
  autostart: z.boolean(),
  labels: z.record(z.string(), z.string()),
  policy: policySchema,
  /** Its own --log-level; null: the daemon's logs.level. */
  logLevel: z.string().nullable(),
  debugPayloads: z.boolean(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  nextRestartAt: z.string().nullable(),
  /** Since when it has been down while it should run (kept across daemon restarts); null while up or stopped on purpose. */
  downSince: z.string().nullable(),
  /** The profiles its own instance serves. */
  profiles: z.array(z.string()),
  /** On how many nodes of a cluster it runs (1 unless set), or `all`. */
  replicas: z.union([z.number(), z.literal('all')]),
  /** The nodes its instance runs on now: across the cluster on a shared store, else this daemon's when up. */
  nodes: z.array(z.string()),
  /** Its instances for profile members with env of their own (`NAME@<hash>`), and the profiles each serves. */
  instances: z.array(
    z.object({
      id: z.string(),
      profiles: z.array(z.string()),
      /** What the members lay over the server's env (credential-looking values masked). */
      env: z.record(z.string(), z.string()),
      state: z.enum(INSTANCE_STATES),
      pid: z.number().nullable(),
      restarts: z.number(),
      uptimeSeconds: z.number().nullable(),
      lastExitCode: z.number().nullable(),
      lastExitSignal: z.string().nullable(),
      lastError: z.string().nullable(),
    }),
  ),
});
export type ServerView = z.output<typeof serverViewSchema>;

export const eventViewSchema = z.object({
  id: z.number(),
  time: z.string(),
  server: z.string().nullable(),
  type: z.string(),
  message: z.string(),
});
export type EventView = z.output<typeof eventViewSchema>;

/** `events`: one event with its data (delays, exit codes, session ids...). */
export const eventItemSchema = eventViewSchema.extend({ data: z.record(z.string(), z.unknown()).nullable() });
export type EventItem = z.output<typeof eventItemSchema>;

export const MAX_EVENT_LIMIT = 10_000;
export const eventQuerySchema = z
  .object({
    /** Only events at or after this instant (ISO 8601). */
    since: z.iso.datetime({ offset: true }).optional(),
    /** A server's events, its removal included (no check that it is defined: a removed one is asked about too). */
    server: serverNameSchema.optional(),
    types: z.array(z.enum(EVENT_TYPES)).optional(),
    /** The newest this many (before following). */
    limit: z.number().int().min(0).max(MAX_EVENT_LIMIT).default(100),
  })
  .strict();
export type EventQueryInput = z.input<typeof eventQuerySchema>;

export const serverDetailSchema = serverViewSchema.extend({
  logFile: z.string().nullable(),
  events: z.array(eventViewSchema),
});
export type ServerDetail = z.output<typeof serverDetailSchema>;

export const daemonStatusSchema = z.object({
  pid: z.number(),
  /** The machine the daemon runs on (its hostname): the dashboard says which daemon it shows. */
  host: z.string(),
  version: z.string(),
  startedAt: z.string(),
  uptimeSeconds: z.number(),
  socket: z.string(),
  home: z.string(),
  database: z.string(),
  /** The backend holding the state: the SQLite file, or a PostgreSQL `host:port/db` (never its password). */
  store: z.object({ backend: z.enum(['sqlite', 'postgres']), location: z.string() }),
  logFile: z.string(),
  servers: z.object({
    total: z.number(),
    byState: z.record(z.string(), z.number()),
  }),
  /** Where MCP clients connect; null while the gateway is not listening. */
  gateway: z.object({ url: z.string(), port: z.number() }).nullable(),
  /** Where the master key comes from (keyring, env, file) and how many secrets there are. */
  secrets: secretStatusSchema,
  /** The remote listener (`--listen`): its URL and its certificate's SHA-256 fingerprint; null when off. */
  remote: z.object({ url: z.string(), fingerprint: z.string().nullable(), certFile: z.string().nullable() }).nullable(),
  /** This daemon's node name in a cluster (`--node`, `node:` in config.yaml, else the host name). */
  node: z.string(),
});
export type DaemonStatus = z.output<typeof daemonStatusSchema>;

export const logQuerySchema = z
  .object({
    /** A server's log; omit for the daemon's own log. */
    name: serverNameSchema.optional(),
    tail: z.number().int().min(0).max(100_000).optional(),
    /** Only lines at or after this instant (ISO 8601). */
    since: z.iso.datetime({ offset: true }).optional(),
    /** Only lines at this level or more severe (core/logs/severity.ts says how a line's level is found). */
    level: z.enum(SEVERITIES).optional(),
    /** Only lines whose text contains this (case-sensitive, no pattern). */
    grep: z.string().min(1).max(1000).optional(),
  })
  .strict();
export type LogQuery = z.input<typeof logQuerySchema>;

export const logLineSchema = z.object({
  time: z.string().nullable(),
  stream: z.string(),
  text: z.string(),
  /** Its level (core/logs/severity.ts): the captured message's, the daemon's, or the one its text states. */
  level: z.enum(SEVERITIES).optional(),
});
export type LogLine = z.output<typeof logLineSchema>;

export const sessionViewSchema = z.object({
  id: z.string(),
  /** The server, or `profiles/NAME` for a session of a profile's endpoint. */
  server: z.string(),
  /** The profile whose aggregated endpoint the session uses; null on a server's own endpoint. */
  profile: z.string().nullable(),
  transport: z.enum(['streamable-http', 'sse']),
  state: z.enum(['open', 'closed']),
  clientName: z.string().nullable(),
  clientVersion: z.string().nullable(),
  protocolVersion: z.string().nullable(),
  startedAt: z.string(),
  lastActivity: z.string(),
  /** Since when an open session's idle clock runs; null while it has a request or stream open, and once closed. */
  idleSince: z.string().nullable(),
  closedAt: z.string().nullable(),
  closeReason: z.string().nullable(),
  requests: z.number(),
  errors: z.number(),
});
export type SessionView = z.output<typeof sessionViewSchema>;

const profileNameInput = z.object({ name: profileNameSchema }).strict();

/** A profile's member: `state` is its server's, or `missing` for a member whose server is not defined. */
export const profileMemberViewSchema = z.object({
  server: z.string(),
  env: z.record(z.string(), z.string()),
  /** The instance serving it: the server's name, or `NAME@<hash>` when its env makes it one of its own. */
  instance: z.string(),
  /** That instance's state. */
  state: z.enum([...INSTANCE_STATES, 'missing']),
});

export const profileViewSchema = z.object({
  name: z.string(),
  description: z.string().nullable(),
  /** The profile `connect` uses when given no name (`profile use`). */
  current: z.boolean(),
  members: z.array(profileMemberViewSchema),
  naming: z.object({ separator: z.string(), prefixFirst: z.boolean() }),
  filters: z.object({ allow: z.array(z.string()), deny: z.array(z.string()) }),
  tools: z.object({ mode: z.enum(TOOL_MODES), pin: z.array(z.string()) }),
  overrides: z.record(z.string(), z.object({ rename: z.string().optional(), description: z.string().optional() })),
  listTimeoutMs: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ProfileView = z.output<typeof profileViewSchema>;

const catalogEntrySchema = z.object({ name: z.string(), original: z.string(), description: z.string().optional() });

/** What the profile's endpoint serves now (core/profiles/catalog.ts), as the gateway builds it. */
export const profileCatalogSchema = z.object({
  members: z.array(
    z.object({
      server: z.string(),
      state: z.enum(MEMBER_STATES),
      detail: z.string().optional(),
      tools: z.array(catalogEntrySchema),
      prompts: z.array(catalogEntrySchema),
      resources: z.number(),
      resourceTemplates: z.number(),
    }),
  ),
  collisions: z.array(
    z.object({
      kind: z.enum(['tool', 'prompt', 'resource']),
      name: z.string(),
      winner: z.string(),
      losers: z.array(z.string()),
    }),
  ),
});

/** `catalog`: null when the gateway cannot say (it serves no such profile now). */
export const profileDetailSchema = profileViewSchema.extend({ catalog: profileCatalogSchema.nullable() });
export type ProfileDetail = z.output<typeof profileDetailSchema>;

/** Session ids come from the gateway's CSPRNG: visible ASCII, at most 128 characters. */
const trafficEntrySchema = z.object({
  time: z.string(),
  server: z.string(),
  method: z.string(),
  target: z.string().nullable(),
  durationMs: z.number(),
  outcome: z.enum(['ok', 'error', 'timeout', 'cancelled', 'lost']),
  error: z.string().nullable(),
  arguments: z.unknown().optional(),
});
export type TrafficEntryView = z.output<typeof trafficEntrySchema>;

const sessionIdInput = z.object({ id: z.string().regex(/^[\x21-\x7e]{1,128}$/, 'not a session id') }).strict();

/** One step of an `apply` plan; `status` says how far a real run got (`planned` for a dry run). */
export const APPLY_STEP_STATUSES = ['planned', 'applied', 'failed', 'not-applied'] as const;
export const applyStepSchema = z.object({
  kind: z.enum(PLAN_KINDS),
  name: z.string(),
  action: z.enum(PLAN_ACTIONS),
  changes: z.array(z.string()),
  status: z.enum(APPLY_STEP_STATUSES),
});
export type ApplyStep = z.output<typeof applyStepSchema>;

export const applyResultSchema = z.object({
  dryRun: z.boolean(),
  /** Whether the plan changes anything (false: the file matches what is defined). */
  changed: z.boolean(),
  steps: z.array(applyStepSchema),
  /** The step that failed, as an error; the steps before it stay applied, those after it were not. */
  error: z
    .object({
      kind: z.enum(['user', 'system', 'network']),
      code: z.enum(ERROR_CODES),
      message: z.string(),
      hint: z.string().optional(),
    })
    .nullable(),
});
export type ApplyResult = z.output<typeof applyResultSchema>;

export const alertViewSchema = z.object({
  name: z.string(),
  when: z.string(),
  server: z.string().nullable(),
  notify: z.array(z.string()),
  /** `config`: from config.yaml (it wins over a rule of the same name added from the CLI). */
  source: z.enum(['config', 'cli']),
  state: z.enum(['ok', 'firing']),
  /** Since when it fires; null while ok. */
  since: z.string().nullable(),
  /** The servers its condition holds for now. */
  servers: z.array(z.string()),
});
export type AlertView = z.output<typeof alertViewSchema>;

export const deliverySchema = z.object({
  target: z.string(),
  ok: z.boolean(),
  attempts: z.number(),
  error: z.string().nullable(),
});

const alertNameInput = z.object({ name: alertNameSchema }).strict();
/** Figures over the last minute (metrics/rollingWindow.ts): latencies in milliseconds, null with no call. */
const callWindowSchema = z.object({
  callsPerSecond: z.number(),
  calls: z.number(),
  errors: z.number(),
  p50Ms: z.number().nullable(),
  p95Ms: z.number().nullable(),
});
/** tools/call answers since the daemon started, by outcome: a result, a result flagged isError, a JSON-RPC error. */
const callTotalsSchema = z.object({ ok: z.number(), tool_error: z.number(), rpc_error: z.number() });

/** One slot of a server's history (metrics/metricsHistory.ts): what it counted within `seconds` from `start`. */
const historyPointSchema = z.object({
  /** When the slot began, in milliseconds since the epoch. */
  start: z.number(),
  /** Its length: the slot's, or so far for the one in progress. */
  seconds: z.number(),
  calls: z.number(),
  errors: z.number(),
  /** Of the calls within the slot (the latest samples of the server's rolling window); null with none. */
  p95Ms: z.number().nullable(),
  /** CPU seconds the process tree used within the slot, and its memory at the end; null when not running. */
  cpuSeconds: z.number().nullable(),
  rssBytes: z.number().nullable(),
});
export type HistoryPoint = z.output<typeof historyPointSchema>;

/** What `/metrics` exposes, as `metrics` and `top` read it (core/metrics/metricsHandlers.ts). */
export const metricsSnapshotSchema = z.object({
  /** The `metrics.enabled` setting: false counts no calls (state and usage are still read). */
  enabled: z.boolean(),
  /** Whether CPU and memory can be read on this system (/proc, Linux only). */
  usageAvailable: z.boolean(),
  servers: z.array(
    z.object({
      name: z.string(),
      state: z.enum(INSTANCE_STATES),
      restarts: z.number(),
      uptimeSeconds: z.number().nullable(),
      /** Of the server's whole process tree; null when not running or not readable here. */
      cpuSeconds: z.number().nullable(),
      rssBytes: z.number().nullable(),
      sessions: z.number(),
      calls: callTotalsSchema,
      window: callWindowSchema,
      tools: z.array(z.object({ tool: z.string(), calls: callTotalsSchema, window: callWindowSchema })),
      /** With `history: true`: the last hour, one point per minute, oldest first, the minute in progress last. */
      history: z.array(historyPointSchema).optional(),
    }),
  ),
  profiles: z.array(z.object({ profile: z.string(), member: z.string(), calls: z.number(), errors: z.number() })),
  gateway: z.object({
    sessions: z.array(z.object({ target: z.string(), transport: z.string(), count: z.number() })),
    messagesIn: z.number(),
    messagesOut: z.number(),
    bytesIn: z.number(),
    bytesOut: z.number(),
    rejected: z.record(z.string(), z.number()),
    /** Requests relayed to another node of the cluster, by reason (`session`, `placement`). */
    forwarded: z.record(z.string(), z.number()).default({}),
  }),
});
export type MetricsSnapshot = z.output<typeof metricsSnapshotSchema>;
const ROLES = ['admin', 'operator', 'viewer', 'client'] as const;
const tokenNameSchema = serverNameSchema;

export const tokenViewSchema = z.object({
  name: z.string(),
  role: z.enum(ROLES),
  /** null: every server and profile. */
  scope: z.object({ servers: z.array(z.string()), profiles: z.array(z.string()) }).nullable(),
  readOnly: z.boolean(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
});
export type TokenView = z.output<typeof tokenViewSchema>;

/** A daemon of the cluster as `node ls` shows it (store/types.ts StoredNode; times are the store's clock). */
export const nodeViewSchema = z.object({
  name: z.string(),
  version: z.string(),
  lastHeartbeatAt: z.string(),
  /** Its last heartbeat is younger than the liveness TTL (three missed heartbeats). */
  live: z.boolean(),
  /** The node answering this call. */
  self: z.boolean(),
  load: z.object({ serversRunning: z.number(), sessionsOpen: z.number() }),
  /** Where the other nodes forward its sessions' requests (its TLS listener); null without one. */
  url: z.string().nullable(),
});
export type NodeView = z.output<typeof nodeViewSchema>;

export const controlMethods = {
  daemonStatus: { input: z.object({}).strict(), output: daemonStatusSchema },
  daemonStop: {
    input: z.object({}).strict(),
    /** `drainTimeoutMs`: how long the daemon may let requests in flight finish before it stops its servers. */
    output: z.object({ stopping: z.boolean(), drainTimeoutMs: z.number() }),
  },
  /** `alreadyExisted`: the very same definition was there (a retried add); nothing changed. */
  addServer: { input: addInput, output: serverViewSchema.extend({ alreadyExisted: z.boolean() }) },
  /**
   * Edits a definition in place (Supervisor.update). `changed`: it differed; `rolled`: the running
   * instance was replaced by a new process, otherwise the change applied in place.
   */
  updateServer: {
    input: updateInput,
    output: serverViewSchema.extend({ changed: z.boolean(), rolled: z.boolean() }),
  },
  /** A server's whole definition as stored (env and headers unmasked: `server edit` shows it to its owner). */
  getServerSpec: { input: nameInput, output: z.object({ spec: serverSpecSchema }) },
  listServers: { input: z.object({}).strict(), output: z.array(serverViewSchema) },
  getServer: { input: nameInput, output: serverDetailSchema },
  /**
   * Refused while profiles have it as a member, unless `force`, which removes it from them too;
   * `profiles`: those it was removed from.
   */
  removeServer: {
    input: z.object({ name: serverNameSchema, force: z.boolean().default(false) }).strict(),
    output: z.object({ name: z.string(), profiles: z.array(z.string()) }),
  },
  startServers: { input: startInput, output: z.array(serverViewSchema) },
  stopServers: { input: targetsInput, output: z.array(serverViewSchema) },
  restartServers: { input: targetsInput, output: z.array(serverViewSchema) },
  readLogs: { input: logQuerySchema, output: z.object({ lines: z.array(logLineSchema) }) },
  /** One MCP ping through the daemon's own connection to the server, timed. */
  pingServer: { input: nameInput, output: z.object({ name: z.string(), latencyMs: z.number() }) },
  /** The gateway endpoints of one server. */
  serverUrl: { input: nameInput, output: z.object({ name: z.string(), url: z.string(), sseUrl: z.string() }) },
  /** The gateway endpoints of one profile (its aggregated MCP endpoint). */
  profileUrl: {
    input: z.object({ name: profileNameSchema }).strict(),
    output: z.object({ name: z.string(), url: z.string(), sseUrl: z.string() }),
  },
  /** Open sessions first, then recent closed ones from the store (bounded history). */
  listSessions: {
    input: z.object({ server: serverNameSchema.optional(), all: z.boolean().default(false) }).strict(),
    output: z.array(sessionViewSchema),
  },
  getSession: { input: sessionIdInput, output: sessionViewSchema },
  /** The session's recent requests (method, duration, outcome; arguments only under --debug-payloads), oldest first. */
  sessionTraffic: {
    input: sessionIdInput,
    output: z.object({ id: z.string(), requests: z.array(trafficEntrySchema) }),
  },
  killSession: { input: sessionIdInput, output: z.object({ id: z.string() }) },
  /** Every member must be a defined server; `copyFrom` starts from a copy of another profile. */
  createProfile: { input: profileCreateSchema, output: profileViewSchema },
  listProfiles: { input: z.object({}).strict(), output: z.array(profileViewSchema) },
  getProfile: { input: profileNameInput, output: profileDetailSchema },
  /** One edit (core/profiles/edits.ts) applied to the profile as stored. */
  updateProfile: {
    input: z.object({ name: profileNameSchema, edit: profileEditSchema }).strict(),
    output: profileViewSchema,
  },
  removeProfile: { input: profileNameInput, output: z.object({ name: z.string() }) },
  /** null: no current profile (`config unset profile`). */
  useProfile: {
    input: z.object({ name: profileNameSchema.nullable() }).strict(),
    output: z.object({ name: z.string().nullable() }),
  },
  currentProfile: { input: z.object({}).strict(), output: z.object({ name: z.string().nullable() }) },
  /**
   * Reads config.yaml and the daemon's MCPCTL_* variables again and applies what can change while it
   * runs (logs.level); `restart`: the settings that differ from those it started with but apply only then.
   */
  reloadSettings: {
    input: z.object({}).strict(),
    output: z.object({
      applied: z.record(z.string(), z.unknown()),
      restart: z.array(z.string()),
    }),
  },
  /** Makes servers and profiles match a declarative document, validated whole before the first change. */
  applyConfig: {
    input: z
      .object({
        document: declarativeDocumentSchema,
        prune: z.boolean().default(false),
        dryRun: z.boolean().default(false),
      })
      .strict(),
    output: applyResultSchema,
  },
  /** The current definitions as a declarative document (defaults left out); one profile and its servers. */
  /** Events, oldest first: the newest `limit` matching the query. */
  listEvents: { input: eventQuerySchema, output: z.array(eventItemSchema) },
  /** A rule naming an unknown server is refused (NOT_FOUND), so is the name of a config-file rule. */
  addAlert: { input: z.object({ rule: alertRuleSchema }).strict(), output: alertViewSchema },
  listAlerts: { input: z.object({}).strict(), output: z.array(alertViewSchema) },
  removeAlert: { input: alertNameInput, output: z.object({ name: z.string() }) },
  /** Sends a test notice through each of the rule's notifiers, answering once each has an outcome. */
  testAlert: { input: alertNameInput, output: z.object({ name: z.string(), deliveries: z.array(deliverySchema) }) },
  exportConfig: {
    input: z.object({ profile: profileNameSchema.optional() }).strict(),
    output: z.object({ document: z.record(z.string(), z.unknown()) }),
  },
  ...secretMethods,
  ...backupMethods,
  /** The audit log, newest `limit` rows matching, oldest first (core/audit/). */
  listAudit: { input: auditQuerySchema, output: z.array(auditEntrySchema) },
  /** The daemon's metrics without Prometheus: one server's, or every server's. */
  metrics: {
    input: z.object({ server: serverNameSchema.optional(), history: z.boolean().default(false) }).strict(),
    output: metricsSnapshotSchema,
  },
  /** `token` is in this answer only: the daemon keeps its hash. */
  createToken: {
    input: z
      .object({
        name: tokenNameSchema,
        role: z.enum(ROLES),
        scope: z
          .object({ servers: z.array(serverNameSchema).default([]), profiles: z.array(profileNameSchema).default([]) })
          .strict()
          .optional(),
        /** Milliseconds from now; absent: never expires. */
        expiresInMs: z.number().int().min(1000).optional(),
        readOnly: z.boolean().default(false),
      })
      .strict(),
    output: tokenViewSchema.extend({ token: z.string() }),
  },
  listTokens: { input: z.object({}).strict(), output: z.array(tokenViewSchema) },
  /** The cluster's nodes (every daemon sharing this store), by name. */
  listNodes: { input: z.object({}).strict(), output: z.array(nodeViewSchema) },
  /** Effective for the next request; the token's open gateway sessions are closed. */
  revokeToken: { input: z.object({ name: tokenNameSchema }).strict(), output: z.object({ name: z.string() }) },
  ...clientMethods,
  /** A one-time dashboard login link for the caller (valid once, for a minute). */
  createDashboardLogin: {
    input: z.object({}).strict(),
    output: z.object({ url: z.string(), expiresAt: z.string() }),
  },
} as const;

/** Long-lived answers: the daemon writes one JSON item per line until the client goes away. */
export const controlStreams = {
  followLogs: { input: logQuerySchema, item: logLineSchema },
  /** The history the query asks for, then every new event, with no gap between them. */
  followEvents: { input: eventQuerySchema, item: eventItemSchema },
} as const;

type Methods = typeof controlMethods;
type Streams = typeof controlStreams;
export type ControlMethod = keyof Methods;
export type ControlStream = keyof Streams;
export type MethodInput<M extends ControlMethod> = z.input<Methods[M]['input']>;
export type MethodOutput<M extends ControlMethod> = z.output<Methods[M]['output']>;
export type StreamInput<S extends ControlStream> = z.input<Streams[S]['input']>;
export type StreamItem<S extends ControlStream> = z.output<Streams[S]['item']>;
/** What a handler receives: the input after its schema's defaults and transforms. */
export type HandlerInput<M extends ControlMethod> = z.output<Methods[M]['input']>;
export type StreamHandlerInput<S extends ControlStream> = z.output<Streams[S]['input']>;

/** What the CLI holds: remote (socket) by default, local (in-process) for tests. */
export type ControlApi = {
  [M in ControlMethod]: (input: MethodInput<M>) => Promise<MethodOutput<M>>;
} & {
  [S in ControlStream]: (input: StreamInput<S>, signal: AbortSignal) => AsyncIterable<StreamItem<S>>;
};

/**
 * What the daemon implements: inputs arrive already validated (output type of each schema) and
 * authorized (apiRoles.ts); `call` says who calls (LOCAL_CALL on the Unix socket).
 */
export type ControlHandlers = {
  [M in ControlMethod]: (input: HandlerInput<M>, call: CallContext) => Promise<MethodOutput<M>>;
} & {
  [S in ControlStream]: (
    input: StreamHandlerInput<S>,
    call: CallContext,
    signal: AbortSignal,
  ) => AsyncIterable<StreamItem<S>>;
};

// Both lists in apiNames.ts must name exactly the methods above: adding a method without its name fails here.
type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const methodNamesMatch: Exactly<(typeof METHOD_NAMES)[number], ControlMethod> = true;
const streamNamesMatch: Exactly<(typeof STREAM_NAMES)[number], ControlStream> = true;
void methodNamesMatch;
void streamNamesMatch;
