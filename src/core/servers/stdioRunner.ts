import { buildChildEnvironment } from '../../daemon/process/environment.js';
import { processTreeRss } from '../../daemon/process/memory.js';
import { spawnInGroup } from '../../daemon/process/spawn.js';
import type { ExitInfo, GroupChild } from '../../daemon/process/types.js';
import { initializeUpstream, type UpstreamIdentity } from '../../protocol/handshake.js';
import type { JsonRpcMessage } from '../../protocol/jsonrpc.js';
import { SHARED_CLIENT_CAPABILITIES } from '../../protocol/multiplex/clientCapabilities.js';
import type { OversizeKind } from '../../protocol/oversizeLine.js';
import { refuseRequest, StdioConnection } from '../../protocol/stdioConnection.js';
import type { StdioServerSpec } from './definition.js';
import type { EndInfo, Runner, SharedChannel } from './runner.js';

/** Where a runner writes what the server prints besides MCP. */
export interface ServerLogSink {
  appendLine(stream: string, text: string): void;
  pipeLines(stream: NodeJS.ReadableStream, name: string): void;
}

export interface StdioRunnerOptions {
  spec: StdioServerSpec;
  log: ServerLogSink;
  parentEnv: NodeJS.ProcessEnv;
  clientInfo: { name: string; version: string };
  /** Cap of one stdout line; a longer one is dropped and logged. */
  maxLineBytes: number;
  /** Environment entries that let a later daemon find this process (daemon/process/ownership.ts). */
  marks: Record<string, string>;
}

function describeExit(exit: ExitInfo): string {
  return exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
}

/** Spawns the server in its own process group and speaks MCP to it over stdio. */
export async function startStdioRunner(options: StdioRunnerOptions): Promise<StdioRunner> {
  const { spec } = options;
  const child = await spawnInGroup({
    command: spec.command,
    args: spec.args,
    env: buildChildEnvironment(options.parentEnv, spec.env, options.marks),
    cwd: spec.cwd,
  });
  return new StdioRunner(child, options);
}

export class StdioRunner implements Runner, SharedChannel {
  readonly ended: Promise<EndInfo>;
  readonly connection: StdioConnection;
  identity: UpstreamIdentity | undefined;
  /** Set when mcpctl itself ended the process, to say why instead of "killed by SIGTERM". */
  private killedBecause: string | undefined;
  /**
   * Where the server's own messages go (answers to gateway sessions, notifications,
   * its requests). Until the gateway takes over, requests are refused so none hangs.
   */
  onUpstreamMessage: (message: JsonRpcMessage) => void = (message) => refuseRequest(this.connection, message);

  constructor(
    private readonly child: GroupChild,
    private readonly options: StdioRunnerOptions,
  ) {
    const { log } = options;
    log.pipeLines(child.stderr, 'stderr');
    this.connection = new StdioConnection({
      input: child.stdout,
      output: child.stdin,
      maxLineBytes: options.maxLineBytes,
      onNoise: (line) => log.appendLine('stdout', line),
      onOversize: (bytes, what) => this.oversize(bytes, what),
      onMessage: (message) => this.onUpstreamMessage(message),
    });
    this.ended = child.exited.then((exit) => {
      const reason = this.killedBecause ?? `the server ${describeExit(exit)}`;
      this.connection.close(reason);
      return { exitCode: exit.code, signal: exit.signal, reason };
    });
  }

  /** A dropped line over the cap: logged; one whose request cannot be told ends the process, so the instance restarts it. */
  private oversize(bytes: number, what: OversizeKind): void {
    const cap = `over the ${this.options.maxLineBytes}-byte cap of servers.maxLineBytes`;
    const line = `a stdout line of ${bytes} bytes (${cap})`;
    if (what.kind !== 'lost') {
      const fate =
        what.kind === 'answer'
          ? `; it answered request ${JSON.stringify(what.id)}, which got an error instead`
          : what.kind === 'request'
            ? '; it was a request of the server, refused'
            : '';
      this.options.log.appendLine('mcpctl', `dropped ${line}${fate}`);
      return;
    }
    if (this.killedBecause !== undefined) return;
    // No grace: its stdout is out of step with its requests; the exit is a failure, so it restarts.
    this.killedBecause = `the server wrote ${line} with no request id to be found in it, so its client would wait forever; the server was killed to be restarted`;
    this.options.log.appendLine('mcpctl', `dropped ${line}; no request id found in it: ending the server`);
    void this.child.stop(0);
  }

  get channel(): SharedChannel {
    return this;
  }

  send(message: JsonRpcMessage): void {
    this.connection.send(message);
  }

  get pid(): number {
    return this.child.pid;
  }

  get pidStartTime(): string | null {
    return this.child.startTime;
  }

  /** Resident memory of the server's whole process tree (bytes), null where /proc cannot tell. */
  memoryBytes(): number | null {
    return processTreeRss(this.child.pid);
  }

  async ready(timeoutMs: number): Promise<void> {
    this.identity = await initializeUpstream(this.connection, {
      clientInfo: this.options.clientInfo,
      // Servers change what they expose by the client's capabilities: advertise all that
      // gateway sessions may have; a session lacking one gets a proper error instead.
      capabilities: SHARED_CLIENT_CAPABILITIES,
      timeoutMs,
    });
  }

  async ping(timeoutMs: number): Promise<void> {
    await this.connection.request('ping', undefined, timeoutMs);
  }

  async stop(graceMs: number): Promise<EndInfo> {
    const exit = await this.child.stop(graceMs);
    return { exitCode: exit.code, signal: exit.signal, reason: 'stopped' };
  }
}
