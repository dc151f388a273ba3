/**
 * The persistence port. Core depends on this interface, never on SQLite; a
 * PostgreSQL implementation can later back several daemons. It lives here, not
 * in core/, because imports only go core → store. Definitions are stored as
 * opaque JSON (`spec`): core validates them with its zod schema when reading,
 * which also applies defaults added by later versions.
 *
 * Every write is one atomic, durable change: when its promise resolves, the
 * write survives a kill -9.
 */

export type JsonObject = Record<string, unknown>;

export interface StoredServer {
  name: string;
  transport: string;
  spec: JsonObject;
  createdAt: string;
  updatedAt: string;
}

export interface StoredInstance {
  server: string;
  /** What the user asked for: 'running' | 'stopped'. */
  desired: string;
  /** Last known lifecycle state (core/servers/states.ts). */
  state: string;
  pid: number | null;
  /** Kernel start time of `pid` (/proc/<pid>/stat field 22), so a reused pid is never taken for ours. */
  pidStartTime: string | null;
  restarts: number;
  lastExitCode: number | null;
  lastExitSignal: string | null;
  lastError: string | null;
  startedAt: string | null;
  nextRestartAt: string | null;
  updatedAt: string;
}

export type InstancePatch = Partial<Omit<StoredInstance, 'server' | 'updatedAt'>>;

export interface StoredEvent {
  id: number;
  time: string;
  server: string | null;
  type: string;
  message: string;
  data: JsonObject | null;
}

export type NewEvent = Omit<StoredEvent, 'id' | 'time' | 'data'> & { time?: string; data?: JsonObject | null };

export interface ServerRepository {
  list(): Promise<StoredServer[]>;
  get(name: string): Promise<StoredServer | undefined>;
  /**
   * Throws McpctlError ALREADY_EXISTS when the name is taken. `desired` ('running' |
   * 'stopped') is written with the definition, in the same transaction.
   */
  insert(server: { name: string; transport: string; spec: JsonObject; desired?: string }): Promise<StoredServer>;
  /**
   * Replaces the definition of an existing server in one atomic write (its creation time, instance
   * state and events stay); throws McpctlError NOT_FOUND when there is no such server.
   */
  update(server: { name: string; transport: string; spec: JsonObject }): Promise<StoredServer>;
  /** Removes the definition with its instance state and events; false when it did not exist. */
  remove(name: string): Promise<boolean>;
}

export interface InstanceRepository {
  list(): Promise<StoredInstance[]>;
  get(server: string): Promise<StoredInstance | undefined>;
  /**
   * Creates the row with defaults (state and desired 'stopped', 0 restarts, nulls) when
   * missing, applies the patch, and returns the row. Throws NOT_FOUND for an unknown server.
   */
  update(server: string, patch: InstancePatch): Promise<StoredInstance>;
}

export interface EventRepository {
  append(event: NewEvent): Promise<StoredEvent>;
  /** The `limit` newest events (optionally of one server), oldest first. */
  list(query: { server?: string; limit: number }): Promise<StoredEvent[]>;
}

/** One client session through the gateway; times are ISO 8601. */
export interface StoredSession {
  id: string;
  server: string;
  /** 'streamable-http' | 'sse'. */
  transport: string;
  clientName: string | null;
  clientVersion: string | null;
  protocolVersion: string | null;
  startedAt: string;
  lastActivity: string;
  /** null while the session is open. */
  closedAt: string | null;
  closeReason: string | null;
  requests: number;
  errors: number;
}

export type OpenedSession = Omit<StoredSession, 'closedAt' | 'closeReason'>;

/** The final figures of a session; client fields given here replace unknown (null) ones. */
export interface SessionClose {
  closedAt: string;
  reason: string;
  requests: number;
  errors: number;
  lastActivity: string;
  clientName?: string | null;
  clientVersion?: string | null;
  protocolVersion?: string | null;
}

/**
 * Session history. It keeps no reference to `servers`: the history of a removed
 * server stays readable. Bounded: only the newest sessions are kept.
 */
export interface SessionRepository {
  /** false when a session with that id was already recorded (it is left as is). */
  recordOpened(session: OpenedSession): Promise<boolean>;
  /** false when no open session has that id (never recorded, pruned, or already closed). */
  recordClosed(id: string, close: SessionClose): Promise<boolean>;
  get(id: string): Promise<StoredSession | undefined>;
  /** The `limit` most recently started sessions (optionally of one server, or only closed ones), newest first. */
  listRecent(query: { server?: string; limit: number; closedOnly?: boolean }): Promise<StoredSession[]>;
  /** Closes, with reason 'daemon restarted', every session a previous daemon left open; returns how many. */
  closeDangling(time: string): Promise<number>;
}

export interface StoredProfile {
  name: string;
  spec: JsonObject;
  createdAt: string;
  updatedAt: string;
}

export interface ProfileRepository {
  list(): Promise<StoredProfile[]>;
  get(name: string): Promise<StoredProfile | undefined>;
  /** Throws McpctlError ALREADY_EXISTS when the name is taken. */
  insert(profile: { name: string; spec: JsonObject }): Promise<StoredProfile>;
  /**
   * Replaces the definitions of existing profiles, all in one transaction (a server removed with
   * --force leaves every profile it was in). Throws NOT_FOUND, changing nothing, if one is missing.
   */
  update(profiles: ReadonlyArray<{ name: string; spec: JsonObject }>): Promise<StoredProfile[]>;
  /** Removes it (and unsets it as the current profile); false when it did not exist. */
  remove(name: string): Promise<boolean>;
  /** The profile `connect` uses when given no name; null when none is set. */
  current(): Promise<string | null>;
  /** Throws NOT_FOUND for an unknown profile; null unsets it. */
  setCurrent(name: string | null): Promise<void>;
}

/** An API token as stored: its hash, never the token. `scope` null means every object. */
export interface StoredToken {
  name: string;
  hash: string;
  role: string;
  scope: { servers: string[]; profiles: string[] } | null;
  readOnly: boolean;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
}

export interface TokenRepository {
  list(): Promise<StoredToken[]>;
  /** Throws McpctlError ALREADY_EXISTS when the name is taken. */
  insert(token: Omit<StoredToken, 'createdAt' | 'lastUsedAt'>): Promise<StoredToken>;
  /** false when there was no such token. */
  remove(name: string): Promise<boolean>;
  touch(name: string, time: string): Promise<void>;
}

export interface Store {
  tokens: TokenRepository;
  servers: ServerRepository;
  profiles: ProfileRepository;
  instances: InstanceRepository;
  events: EventRepository;
  sessions: SessionRepository;
  close(): void;
}
