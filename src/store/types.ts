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
  /** Throws McpctlError ALREADY_EXISTS when the name is taken. */
  insert(server: { name: string; transport: string; spec: JsonObject }): Promise<StoredServer>;
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

export interface Store {
  servers: ServerRepository;
  instances: InstanceRepository;
  events: EventRepository;
  close(): void;
}
