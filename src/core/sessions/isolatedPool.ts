import { errorResponse, isRequest, type JsonRpcMessage, RPC_ERROR } from '../../protocol/jsonrpc.js';
import { SharedUpstream } from '../../protocol/multiplex/sharedUpstream.js';
import type { UpstreamTap } from '../../protocol/multiplex/upstreamTap.js';
import type { BackendSession, SessionBackend, SessionOutput } from '../../protocol/session.js';
import { McpctlError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import type { Policy } from '../servers/definition.js';
import { requestDeadlines } from '../servers/requestTimeout.js';
import { type EndInfo, mebibytes, type ProcessOverMemory, type Runner, type ServerProcess } from '../servers/runner.js';
import type { StdioRunner } from '../servers/stdioRunner.js';

export interface IsolatedPoolOptions {
  name: string;
  /** Spawns one process of the server (not yet initialized). */
  spawn(): Promise<StdioRunner>;
  /** Warm processes kept ready for the next sessions. */
  pool: number;
  maxSessions: number;
  startTimeoutMs: number;
  stopGraceMs: number;
  requestTimeoutMs: number;
  requestTimeoutMaxMs: number;
  logger: Logger;
  /** Told of each process's log messages and its session's requests (the daemon's logs). */
  tap?: UpstreamTap;
}

interface Lease {
  runner: StdioRunner;
  upstream: SharedUpstream;
}

/**
 * `--share isolated`: one process per gateway session, taken from a pool of warm
 * (already initialized) processes and ended with its session. As the instance's
 * runner, "ready" means the pool is warm and "ping" checks the warm processes.
 */
export class IsolatedPool implements Runner, SessionBackend {
  readonly pid = null;
  readonly pidStartTime = null;
  readonly ended: Promise<EndInfo>;
  private readonly warm: StdioRunner[] = [];
  private readonly leases = new Map<string, Lease>();
  private opening = 0;
  private filling = 0;
  private stopped = false;
  private end: (info: EndInfo) => void = () => {};

  private readonly options: IsolatedPoolOptions;

  constructor(options: IsolatedPoolOptions) {
    this.options = { ...options };
    this.ended = new Promise((resolve) => {
      this.end = resolve;
    });
  }

  /** An edited policy: start timeout and stop grace apply from now on, request deadlines to every session's next requests. */
  applyPolicy(policy: Policy): void {
    const deadlines = requestDeadlines(policy);
    Object.assign(this.options, {
      startTimeoutMs: policy.startTimeoutMs,
      stopGraceMs: policy.stopGraceMs,
      ...deadlines,
    });
    for (const lease of this.leases.values()) {
      lease.upstream.setDeadlines(deadlines);
      lease.upstream.refreshLogLevel(); // its --log-level may be what changed
    }
  }

  get backend(): SessionBackend {
    return this;
  }

  /** Its processes for `show` and `ls -o wide`: those bound to a session, then the warm ones. */
  processes(): ServerProcess[] {
    return [
      ...[...this.leases].map(([sessionId, lease]) => ({ pid: lease.runner.pid, sessionId })),
      ...this.warm.map((runner) => ({ pid: runner.pid, sessionId: null })),
    ];
  }

  /**
   * `--max-memory`, per process, at the instance's health check: a session's process over the limit
   * is ended with its session (its client opens another, on a fresh process; the other sessions
   * go on), a warm one is replaced. Restarting it under the session would lose the session's state.
   */
  endOverMemory(limitBytes: number): ProcessOverMemory[] {
    const ended: ProcessOverMemory[] = [];
    const reason = (used: number) =>
      `its process used ${mebibytes(used)} of memory, over the limit of ${mebibytes(limitBytes)} (--max-memory)`;
    for (const [sessionId, lease] of [...this.leases]) {
      const used = lease.runner.memoryBytes();
      if (used === null || used <= limitBytes) continue;
      this.leases.delete(sessionId);
      lease.upstream.shutdown(reason(used));
      void lease.runner.stop(this.options.stopGraceMs);
      ended.push({ pid: lease.runner.pid, sessionId, rssBytes: used });
    }
    for (const runner of [...this.warm]) {
      const used = runner.memoryBytes();
      if (used === null || used <= limitBytes) continue;
      this.warm.splice(this.warm.indexOf(runner), 1);
      void runner.stop(this.options.stopGraceMs);
      ended.push({ pid: runner.pid, sessionId: null, rssBytes: used });
    }
    if (ended.some((one) => one.sessionId === null)) void this.refill();
    return ended;
  }

  get sessionCount(): number {
    return this.leases.size + this.opening;
  }

  async ready(): Promise<void> {
    if (this.options.pool === 0) {
      // Nothing is kept warm, but `running` still means its command answers initialize (a start,
      // or a rollover that must not take over with a definition that cannot serve a session).
      const probe = await this.warmOne();
      await probe.stop(this.options.stopGraceMs);
      return;
    }
    const missing = this.options.pool - this.warm.length;
    await Promise.all(Array.from({ length: missing }, () => this.warmOne().then((runner) => this.keepWarm(runner))));
  }

  async ping(timeoutMs: number): Promise<void> {
    await Promise.all(this.warm.map((runner) => runner.ping(timeoutMs)));
  }

  async stop(): Promise<EndInfo> {
    this.stopped = true;
    const grace = this.options.stopGraceMs;
    const runners = [...this.warm.splice(0), ...[...this.leases.values()].map((lease) => lease.runner)];
    // Each session is ended, not only let go: its client must learn it (a bridge then opens another).
    const leases = [...this.leases.values()];
    this.leases.clear();
    for (const lease of leases) lease.upstream.shutdown(`server '${this.options.name}' stopped`);
    await Promise.all(runners.map((runner) => runner.stop(grace)));
    const info: EndInfo = { exitCode: null, signal: null, reason: 'stopped' };
    this.end(info);
    return info;
  }

  open(sessionId: string, output: SessionOutput): BackendSession {
    if (this.stopped) return refusing(sessionId, output, `server '${this.options.name}' is stopped`);
    if (this.sessionCount >= this.options.maxSessions) {
      return refusing(
        sessionId,
        output,
        `server '${this.options.name}' already has ${this.options.maxSessions} isolated sessions (its --max-sessions); try again later`,
      );
    }
    this.opening++;
    const queued: JsonRpcMessage[] = [];
    let session: BackendSession | undefined;
    let closed = false;
    void this.take().then(
      (runner) => {
        this.opening--;
        if (closed || this.stopped) {
          void runner.stop(this.options.stopGraceMs);
          if (!closed) output.close(`server '${this.options.name}' stopped`);
          return;
        }
        session = this.bindSession(sessionId, output, runner);
        for (const message of queued.splice(0)) session.receive(message);
      },
      (error: unknown) => {
        this.opening--;
        const reason = `cannot start a process for this session: ${(error as Error).message}`;
        for (const message of queued.splice(0)) {
          if (isRequest(message))
            output.deliver(errorResponse(message.id, RPC_ERROR.connectionClosed, reason), message.id);
        }
        output.close(reason);
      },
    );
    void this.refill();
    return {
      id: sessionId,
      receive: (message) => (session ? session.receive(message) : queued.push(message)),
      close: () => {
        closed = true;
        session?.close();
      },
    };
  }

  /** A warm process if one is ready, else a new one (the session waits for its initialize). */
  private async take(): Promise<StdioRunner> {
    const runner = this.warm.shift();
    return runner ?? this.warmOne();
  }

  private async warmOne(): Promise<StdioRunner> {
    const runner = await this.options.spawn();
    try {
      await runner.ready(this.options.startTimeoutMs);
    } catch (error) {
      await runner.stop(this.options.stopGraceMs);
      throw error;
    }
    return runner;
  }

  private keepWarm(runner: StdioRunner): void {
    if (this.stopped) {
      void runner.stop(this.options.stopGraceMs);
      return;
    }
    this.warm.push(runner);
    // A warm process that dies is simply dropped; the health check or the next session refills.
    void runner.ended.then(() => {
      const index = this.warm.indexOf(runner);
      if (index !== -1) this.warm.splice(index, 1);
    });
  }

  private async refill(): Promise<void> {
    while (!this.stopped && this.warm.length + this.filling < this.options.pool) {
      this.filling++;
      try {
        this.keepWarm(await this.warmOne());
      } catch (error) {
        this.options.logger.warn(
          { server: this.options.name, err: (error as Error).message },
          'could not warm an isolated process',
        );
        return;
      } finally {
        this.filling--;
      }
    }
  }

  /** The session's own process, behind a SharedUpstream of one session: same initialize answering and routing. */
  private bindSession(sessionId: string, output: SessionOutput, runner: StdioRunner): BackendSession {
    const identity = runner.identity;
    if (!identity) throw new McpctlError('INTERNAL', 'an isolated process became ready without an initialize answer');
    const upstream = new SharedUpstream({
      identity,
      send: (message) => runner.send(message),
      logger: this.options.logger,
      name: this.options.name,
      // The session's own client answers roots/list, exactly as if it ran the server itself.
      roots: { from: 'client' },
      requestTimeoutMs: this.options.requestTimeoutMs,
      requestTimeoutMaxMs: this.options.requestTimeoutMaxMs,
      ...(this.options.tap === undefined ? {} : { tap: this.options.tap }),
    });
    runner.onUpstreamMessage = (message) => upstream.handleUpstream(message);
    const inner = upstream.open(sessionId, output);
    this.leases.set(sessionId, { runner, upstream });
    void runner.ended.then((end) => {
      if (!this.leases.delete(sessionId)) return;
      upstream.shutdown(`the session's server process ended (${end.reason})`);
    });
    return {
      id: sessionId,
      receive: (message) => inner.receive(message),
      close: () => {
        inner.close();
        if (this.leases.delete(sessionId)) void runner.stop(this.options.stopGraceMs);
      },
    };
  }
}

/** A session that answers every request with `reason` and ends. */
function refusing(sessionId: string, output: SessionOutput, reason: string): BackendSession {
  return {
    id: sessionId,
    receive(message) {
      if (isRequest(message)) output.deliver(errorResponse(message.id, RPC_ERROR.connectionClosed, reason), message.id);
    },
    close() {},
  };
}
