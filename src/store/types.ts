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
  /**
   * The node whose instance this is: each daemon of a cluster keeps its own row of a server. ''
   * on the embedded store (one daemon) and in rows from before clusters; also the row a server's
   * add writes its desired state into.
   */
  node: string;
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
  /** Since when it has been down (not running) while it should run; null while up or stopped on purpose. */
  downSince: string | null;
  updatedAt: string;
}

export type InstancePatch = Partial<Omit<StoredInstance, 'server' | 'node' | 'updatedAt'>>;

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
  /** Every row, of every node, by server then node. */
  list(): Promise<StoredInstance[]>;
  /** The row of `server` on `node` ('' by default: the embedded store's one daemon). */
  get(server: string, node?: string): Promise<StoredInstance | undefined>;
  /**
   * Creates the row of `server` on `node` ('' by default) with defaults (state and desired
   * 'stopped', 0 restarts, nulls) when missing, applies the patch, and returns the row. Throws
   * NOT_FOUND for an unknown server. Another node's row of the same server is never touched.
   */
  update(server: string, patch: InstancePatch, node?: string): Promise<StoredInstance>;
  /**
   * Sets `desired` on every row of `server`, whichever node it is of (a cluster-wide start or
   * stop), in one write; returns how many rows it changed (0 for an unknown server).
   */
  setDesiredEverywhere(server: string, desired: string): Promise<number>;
}

/** Which events `EventRepository.query` returns; every field narrows it. */
export interface EventQuery {
  /** Only events with an id greater than this. */
  afterId?: number;
  /** Only events at or after this instant (ISO 8601). */
  since?: string;
  /** Events of this server, also those recorded without a server row that name it in `data.server` (its removal). */
  server?: string;
  /** Only these types. */
  types?: readonly string[];
  /** At most this many, the newest. */
  limit: number;
}

export interface EventRepository {
  append(event: NewEvent): Promise<StoredEvent>;
  /**
   * Several events in one transaction (one fsync), in order. An event naming a server that is not
   * (or no longer) defined is kept with server null: a batch never fails for one late event.
   */
  appendMany(events: readonly NewEvent[]): Promise<StoredEvent[]>;
  /** The `limit` newest events (optionally of one server), oldest first. */
  list(query: { server?: string; limit: number }): Promise<StoredEvent[]>;
  /** The newest `limit` events matching the query, oldest first. */
  query(query: EventQuery): Promise<StoredEvent[]>;
}

/** An alert rule added from the CLI; `spec` is core's rule definition as JSON. */
export interface StoredAlert {
  name: string;
  spec: JsonObject;
  createdAt: string;
}

export interface AlertRepository {
  list(): Promise<StoredAlert[]>;
  /** Throws McpctlError ALREADY_EXISTS when the name is taken. */
  insert(alert: { name: string; spec: JsonObject }): Promise<StoredAlert>;
  /** false when it did not exist. */
  remove(name: string): Promise<boolean>;
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
  /** The node that owns it (its gateway holds it); null for rows recorded before nodes existed. */
  node: string | null;
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
  /**
   * Closes, with reason 'daemon restarted', every session a previous daemon of `node` left open (and
   * those of no node, recorded before there were nodes); other nodes' sessions stay. Returns how many.
   */
  closeDangling(time: string, node: string): Promise<number>;
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

/** One encrypted secret; the store never sees a plain value. */
export interface StoredSecret {
  name: string;
  /** AES-256-GCM ciphertext with its 16-byte tag appended. */
  ciphertext: Buffer;
  nonce: Buffer;
  /** Which master key encrypted it (core/secrets/cipher.ts: an HMAC of the key, never the key). */
  keyId: string;
  createdAt: string;
  updatedAt: string;
}

export type SealedSecret = Pick<StoredSecret, 'ciphertext' | 'nonce' | 'keyId'>;

export interface SecretRepository {
  /** Every secret, by name. */
  list(): Promise<StoredSecret[]>;
  get(name: string): Promise<StoredSecret | undefined>;
  /** Creates or replaces it (its creation time stays); `created`: it did not exist. */
  put(name: string, sealed: SealedSecret): Promise<{ secret: StoredSecret; created: boolean }>;
  /** false when it did not exist. */
  remove(name: string): Promise<boolean>;
  /** The distinct key ids the secrets are encrypted under ([] when there are none). */
  keyIds(): Promise<string[]>;
  /**
   * Replaces every secret's sealed value with `reseal(row)`, all in one transaction: a kill
   * before COMMIT leaves every row as it was. `reseal` runs synchronously inside it.
   */
  resealAll(reseal: (secret: StoredSecret) => SealedSecret): Promise<number>;
}

/** One audited call: a mutating control-API method or a gateway `tools/call`. Never its arguments. */
export interface StoredAuditEntry {
  id: number;
  /** When the call arrived (ISO 8601). */
  time: string;
  principal: string;
  /** 'owner' | 'token'. */
  principalKind: string;
  role: string;
  address: string;
  /** The control method, or `tools/call` for the gateway. */
  method: string;
  /** The server (or `profiles/NAME`) it named, when it named one. */
  server: string | null;
  tool: string | null;
  session: string | null;
  /** 'ok' | 'error'. */
  outcome: string;
  /** The error's code (McpctlError code, JSON-RPC code, `tool error`), null when ok. */
  error: string | null;
  durationMs: number;
}

export type NewAuditEntry = Omit<StoredAuditEntry, 'id'>;

export interface AuditQuery {
  /** Only rows at or after this instant (ISO 8601). */
  since?: string;
  principal?: string;
  server?: string;
  limit: number;
}

/** The audit log, bounded: `prune` drops what is beyond the retention. */
export interface AuditRepository {
  /** Appends the entries in one transaction. */
  append(entries: readonly NewAuditEntry[]): Promise<void>;
  /** Drops all but the newest `maxRows` rows and those before `olderThan`; returns how many went. */
  prune(retention: { maxRows: number; olderThan: string }): Promise<number>;
  /** The `limit` newest matching rows, oldest first. */
  list(query: AuditQuery): Promise<StoredAuditEntry[]>;
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

/**
 * A daemon of the cluster as its heartbeat left it. Times are the DATABASE's clock, never a node's:
 * a node whose clock is off cannot look live (or dead) to the others.
 */
export interface StoredNode {
  name: string;
  /** The mcpctl version the node runs. */
  version: string;
  /** What the node reports about itself (servers running, sessions open...), as JSON. */
  load: JsonObject;
  /** When this name first sent a heartbeat. */
  firstSeenAt: string;
  lastHeartbeatAt: string;
  /** Its last heartbeat is younger than the TTL the caller passed to `list`. */
  live: boolean;
  /** Where other nodes reach its TLS listener (`https://HOST:PORT`), and its certificate's SHA-256; null without one. */
  url: string | null;
  fingerprint: string | null;
}

/** What a heartbeat writes. */
export interface NodeBeat {
  name: string;
  version: string;
  load: JsonObject;
  /** Absent or null: the node has no TLS listener (it can be forwarded nothing). */
  url?: string | null;
  fingerprint?: string | null;
}

export interface NodeRepository {
  /** Inserts or refreshes the node's row, stamped with the database's clock; returns it as stored. */
  heartbeat(node: NodeBeat): Promise<StoredNode>;
  /** Every node known, by name; `live` when its last heartbeat is younger than `liveTtlMs`. */
  list(liveTtlMs: number): Promise<StoredNode[]>;
  /** false when there was no such node. */
  remove(name: string): Promise<boolean>;
}

/** The answer to `LeaseRepository.acquire`: who holds the resource now. */
export interface LeaseGrant {
  /** The caller holds it (taken or renewed). */
  held: boolean;
  holder: string;
  /**
   * Bumped on every change of holder, never reset (a release keeps it): a larger fence is a later
   * holder, so whatever acts for a lease can be told apart from a stale one.
   */
  fence: number;
  /** Database clock. */
  expiresAt: string;
}

export interface StoredLease {
  resource: string;
  holder: string;
  fence: number;
  expiresAt: string;
  /** Not yet expired by the database's clock. */
  live: boolean;
}

/**
 * Ownership of a resource by one node at a time, timed by the database's clock. Whoever holds an
 * expired (or released) lease no longer holds it; the next `acquire` takes it.
 */
export interface LeaseRepository {
  /** Takes `resource` for `node` when free or expired, renews it when `node` holds it already; else says who does. */
  acquire(resource: string, node: string, ttlMs: number): Promise<LeaseGrant>;
  /** Gives it up at once when `node` holds it (the fence stays); false when it did not. */
  release(resource: string, node: string): Promise<boolean>;
  list(): Promise<StoredLease[]>;
}

/** Who made a backup and when: written into the backup itself, read back by `backup restore`. */
export interface BackupMeta {
  createdAt: string;
  mcpctlVersion: string;
  /** The store it was taken from (a database path; never a password). */
  source: string;
}

/**
 * `mcpctl backup create`'s port: a consistent snapshot of every table, in the backend's own format
 * (SQLite: a database file made by the online backup; PostgreSQL: a logical export in one
 * transaction). core/backup/ validates, restores and names the formats; see backupFormat.ts there.
 */
export interface StoreBackup {
  /** The format's name, as core/backup/backupFormat.ts knows it ('sqlite'). */
  readonly format: string;
  /** Writes the snapshot with `meta` into `file` (a new file), fsynced; the caller checks it and renames it into place. */
  snapshot(file: string, meta: BackupMeta): Promise<void>;
}

/** What a change feed names: a definition or setting every node holds in memory. */
export type ChangeKind = 'server' | 'profile' | 'token' | 'secret' | 'alert' | 'current-profile';

/**
 * One committed write of another node, as small as a notification should be: what changed, never a
 * value (a secret's name, not its ciphertext). `op` says what the writer did; a reader re-reads the
 * row (an upsert whose row is gone was followed by a delete). `reload`: the whole kind changed at
 * once (a TRUNCATE, a restore), `name` is ''.
 */
export interface StoreChange {
  kind: ChangeKind;
  name: string;
  op: 'upsert' | 'delete' | 'reload';
  /** The node that wrote it ('' for a writer with no node: the CLI on the store itself). */
  node: string;
}

export interface ChangeListener {
  /** Another node's change, once committed, in commit order. */
  change(change: StoreChange): void;
  /**
   * The feed (re)connected: changes may have been missed before (while it was away, or since the
   * caller loaded its state), so everything must be read again. Also said at the first connect.
   */
  resync(): void;
}

/** The other nodes' committed changes, pushed (PostgreSQL LISTEN/NOTIFY), never polled. */
export interface ChangeFeed {
  /** Starts listening with the first subscriber; returns the unsubscribe. */
  subscribe(listener: ChangeListener): () => void;
}

export interface Store {
  /** Absent on a backend that cannot take backups (yet): `backup create` then says so. */
  backup?: StoreBackup;
  /** Absent on a single-node backend (SQLite): nothing else writes its file. */
  changes?: ChangeFeed;
  secrets: SecretRepository;
  tokens: TokenRepository;
  servers: ServerRepository;
  profiles: ProfileRepository;
  instances: InstanceRepository;
  events: EventRepository;
  sessions: SessionRepository;
  alerts: AlertRepository;
  audit: AuditRepository;
  nodes: NodeRepository;
  leases: LeaseRepository;
  /** Idempotent; a networked store resolves once its connections are closed. */
  close(): void | Promise<void>;
}
