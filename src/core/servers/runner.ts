import type { UpstreamIdentity } from '../../protocol/handshake.js';
import type { JsonRpcMessage } from '../../protocol/jsonrpc.js';
import type { SessionBackend } from '../../protocol/session.js';
import type { Policy } from './definition.js';

/**
 * One attempt at running a server: a spawned stdio process, or a live
 * connection to an http server. The instance state machine drives runners and
 * never touches processes or sockets itself.
 */
export interface EndInfo {
  exitCode: number | null;
  signal: string | null;
  /** Why it ended, in words, for `lastError` and events. */
  reason: string;
}

/** A live MCP session with the upstream that gateway sessions can share. */
export interface SharedChannel {
  /** The upstream's initialize answer; set once the runner is ready. */
  readonly identity: UpstreamIdentity | undefined;
  send(message: JsonRpcMessage): void;
  /** Receives every upstream message that is not the daemon's own business. */
  onUpstreamMessage: (message: JsonRpcMessage) => void;
}

/** One process of a server that runs several (isolated): bound to a session, or warm (sessionId null). */
export interface ServerProcess {
  pid: number | null;
  sessionId: string | null;
}

/** `512 MiB`: how `--max-memory` events and reasons write sizes. */
export function mebibytes(bytes: number): string {
  return `${Math.round(bytes / 1024 / 1024)} MiB`;
}

/** A process `endOverMemory` ended: its session (null: a warm one) and what it held. */
export interface ProcessOverMemory extends ServerProcess {
  rssBytes: number;
}

export interface Runner {
  /** Isolated servers: each of their processes (the runner's own `pid` is null then). */
  processes?(): ServerProcess[];
  /** Where gateway sessions share this upstream (shared mode)... */
  readonly channel?: SharedChannel;
  /** ...or the backend that serves each session on its own (isolated mode). */
  readonly backend?: SessionBackend;
  readonly pid: number | null;
  readonly pidStartTime: string | null;
  /** Resolves once the server answered the MCP initialize handshake. */
  ready(timeoutMs: number): Promise<void>;
  /** One MCP ping; rejects on error or timeout. */
  ping(timeoutMs: number): Promise<void>;
  /** Settles once, when the server has gone (process exit, connection lost). */
  readonly ended: Promise<EndInfo>;
  /** Ends it (the whole process group for stdio) and resolves when it is gone. */
  stop(graceMs: number): Promise<EndInfo>;
  /** Resident memory of the process tree in bytes (stdio, shared), for `--max-memory`; null when unknown. */
  memoryBytes?(): number | null;
  /**
   * `--max-memory` for runners of several processes (isolated pools), each held to the limit on its
   * own: ends those over it, and the sessions they served; returns what it ended.
   */
  endOverMemory?(limitBytes: number): ProcessOverMemory[];
  /** Runners that keep policy values of their own (isolated pools) take a new policy here. */
  applyPolicy?(policy: Policy): void;
}
