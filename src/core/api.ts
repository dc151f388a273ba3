import * as z from 'zod';
import type { METHOD_NAMES, STREAM_NAMES } from './apiNames.js';
import { policySchema, serverNameSchema, serverSpecSchema } from './servers/definition.js';
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
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  nextRestartAt: z.string().nullable(),
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

export const serverDetailSchema = serverViewSchema.extend({
  logFile: z.string().nullable(),
  events: z.array(eventViewSchema),
});
export type ServerDetail = z.output<typeof serverDetailSchema>;

export const daemonStatusSchema = z.object({
  pid: z.number(),
  version: z.string(),
  startedAt: z.string(),
  uptimeSeconds: z.number(),
  socket: z.string(),
  home: z.string(),
  database: z.string(),
  logFile: z.string(),
  servers: z.object({
    total: z.number(),
    byState: z.record(z.string(), z.number()),
  }),
  /** Where MCP clients connect; null while the gateway is not listening. */
  gateway: z.object({ url: z.string(), port: z.number() }).nullable(),
});
export type DaemonStatus = z.output<typeof daemonStatusSchema>;

export const logQuerySchema = z
  .object({
    /** A server's log; omit for the daemon's own log. */
    name: serverNameSchema.optional(),
    tail: z.number().int().min(0).max(100_000).optional(),
    /** Only lines at or after this instant (ISO 8601). */
    since: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();
export type LogQuery = z.input<typeof logQuerySchema>;

export const logLineSchema = z.object({
  time: z.string().nullable(),
  stream: z.string(),
  text: z.string(),
});
export type LogLine = z.output<typeof logLineSchema>;

export const sessionViewSchema = z.object({
  id: z.string(),
  server: z.string(),
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

/** Session ids come from the gateway's CSPRNG: visible ASCII, at most 128 characters. */
const sessionIdInput = z.object({ id: z.string().regex(/^[\x21-\x7e]{1,128}$/, 'not a session id') }).strict();

export const controlMethods = {
  daemonStatus: { input: z.object({}).strict(), output: daemonStatusSchema },
  daemonStop: {
    input: z.object({}).strict(),
    /** `drainTimeoutMs`: how long the daemon may let requests in flight finish before it stops its servers. */
    output: z.object({ stopping: z.boolean(), drainTimeoutMs: z.number() }),
  },
  /** `alreadyExisted`: the very same definition was there (a retried add); nothing changed. */
  addServer: { input: addInput, output: serverViewSchema.extend({ alreadyExisted: z.boolean() }) },
  listServers: { input: z.object({}).strict(), output: z.array(serverViewSchema) },
  getServer: { input: nameInput, output: serverDetailSchema },
  removeServer: { input: nameInput, output: z.object({ name: z.string() }) },
  startServers: { input: startInput, output: z.array(serverViewSchema) },
  stopServers: { input: targetsInput, output: z.array(serverViewSchema) },
  restartServers: { input: targetsInput, output: z.array(serverViewSchema) },
  readLogs: { input: logQuerySchema, output: z.object({ lines: z.array(logLineSchema) }) },
  /** One MCP ping through the daemon's own connection to the server, timed. */
  pingServer: { input: nameInput, output: z.object({ name: z.string(), latencyMs: z.number() }) },
  /** The gateway endpoints of one server. */
  serverUrl: { input: nameInput, output: z.object({ name: z.string(), url: z.string(), sseUrl: z.string() }) },
  /** Open sessions first, then recent closed ones from the store (bounded history). */
  listSessions: {
    input: z.object({ server: serverNameSchema.optional(), all: z.boolean().default(false) }).strict(),
    output: z.array(sessionViewSchema),
  },
  getSession: { input: sessionIdInput, output: sessionViewSchema },
  killSession: { input: sessionIdInput, output: z.object({ id: z.string() }) },
} as const;

/** Long-lived answers: the daemon writes one JSON item per line until the client goes away. */
export const controlStreams = {
  followLogs: { input: logQuerySchema, item: logLineSchema },
} as const;

type Methods = typeof controlMethods;
type Streams = typeof controlStreams;
export type ControlMethod = keyof Methods;
export type ControlStream = keyof Streams;
export type MethodInput<M extends ControlMethod> = z.input<Methods[M]['input']>;
export type MethodOutput<M extends ControlMethod> = z.output<Methods[M]['output']>;
export type StreamInput<S extends ControlStream> = z.input<Streams[S]['input']>;
export type StreamItem<S extends ControlStream> = z.output<Streams[S]['item']>;

/** What the CLI holds: remote (socket) by default, local (in-process) for tests. */
export type ControlApi = {
  [M in ControlMethod]: (input: MethodInput<M>) => Promise<MethodOutput<M>>;
} & {
  [S in ControlStream]: (input: StreamInput<S>, signal: AbortSignal) => AsyncIterable<StreamItem<S>>;
};

/** What the daemon implements: inputs arrive already validated (output type of each schema). */
export type ControlHandlers = {
  [M in ControlMethod]: (input: z.output<Methods[M]['input']>) => Promise<MethodOutput<M>>;
} & {
  [S in ControlStream]: (input: z.output<Streams[S]['input']>, signal: AbortSignal) => AsyncIterable<StreamItem<S>>;
};

// Both lists in apiNames.ts must name exactly the methods above: adding a method without its name fails here.
type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const methodNamesMatch: Exactly<(typeof METHOD_NAMES)[number], ControlMethod> = true;
const streamNamesMatch: Exactly<(typeof STREAM_NAMES)[number], ControlStream> = true;
void methodNamesMatch;
void streamNamesMatch;
