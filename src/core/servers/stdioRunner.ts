import { buildChildEnvironment } from '../../daemon/process/environment.js';
import { spawnInGroup } from '../../daemon/process/spawn.js';
import type { ExitInfo, GroupChild } from '../../daemon/process/types.js';
import { initializeUpstream, type UpstreamIdentity } from '../../protocol/handshake.js';
import type { JsonRpcMessage } from '../../protocol/jsonrpc.js';
import { SHARED_CLIENT_CAPABILITIES } from '../../protocol/shared/clientCapabilities.js';
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
      onOversize: (bytes) =>
        log.appendLine('mcpctl', `dropped a stdout line of ${bytes} bytes (over the ${options.maxLineBytes}-byte cap)`),
      onMessage: (message) => this.onUpstreamMessage(message),
    });
    this.ended = child.exited.then((exit) => {
      this.connection.close(`the server ${describeExit(exit)}`);
      return { exitCode: exit.code, signal: exit.signal, reason: `the server ${describeExit(exit)}` };
    });
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
