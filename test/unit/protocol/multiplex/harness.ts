import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll } from 'vitest';
import { initializeUpstream, type UpstreamIdentity } from '../../../../src/protocol/handshake.js';
import {
  isRequest,
  type JsonRpcId,
  type JsonRpcMessage,
  type JsonRpcNotification,
  type JsonRpcRequest,
  type JsonRpcResponse,
} from '../../../../src/protocol/jsonrpc.js';
import { SHARED_CLIENT_CAPABILITIES } from '../../../../src/protocol/multiplex/clientCapabilities.js';
import { SharedUpstream } from '../../../../src/protocol/multiplex/sharedUpstream.js';
import type { BackendSession, SessionBackend, SessionOutput } from '../../../../src/protocol/session.js';
import { StdioConnection } from '../../../../src/protocol/stdioConnection.js';
import { silentLogger } from '../../../../src/shared/logger.js';

export const EVERYTHING = fileURLToPath(
  new URL('../../../../node_modules/@modelcontextprotocol/server-everything/dist/index.js', import.meta.url),
);
export const LIST_CHANGED_FIXTURE = fileURLToPath(
  new URL('../../../fixtures/servers/listChanged.mjs', import.meta.url),
);

const WAIT_MS = 15_000;

export type UpstreamSink = Pick<SharedUpstream, 'handleUpstream'>;

/** A real server process behind a real StdioConnection, with what crossed its stdio recorded. */
export interface Upstream {
  child: ChildProcessWithoutNullStreams;
  connection: StdioConnection;
  identity: UpstreamIdentity;
  /** Every message SharedUpstream sent to the server. */
  sent: JsonRpcMessage[];
  /** Every message the server sent that reached onMessage. */
  received: JsonRpcMessage[];
  /** SharedUpstream.send: forwards to the server and records. */
  send(message: JsonRpcMessage): void;
  /** Where the server's messages go: a SharedUpstream, or a handover's retired side. */
  attach(shared: UpstreamSink): void;
  exited: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Spawns a server and initializes it the way the daemon does, advertising every client
 * capability. server-everything asks for roots 350 ms after its handshake; with
 * `awaitRootsProbe` we wait for that request (refused: nobody is attached yet) so it
 * cannot land in a test's session later.
 */
export async function startUpstream(
  script: string,
  args: string[],
  awaitRootsProbe: boolean,
  env?: NodeJS.ProcessEnv,
): Promise<Upstream> {
  const child = spawn(process.execPath, [script, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    ...(env ? { env: { ...process.env, ...env } } : {}),
  });
  child.stderr.resume();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let shared: UpstreamSink | undefined;
  let rootsProbed: () => void = () => {};
  const probe = new Promise<void>((resolve) => {
    rootsProbed = resolve;
  });
  const received: JsonRpcMessage[] = [];
  const sent: JsonRpcMessage[] = [];
  const connection: StdioConnection = new StdioConnection({
    input: child.stdout,
    output: child.stdin,
    maxLineBytes: 10 * 1024 * 1024,
    onNoise: () => {},
    onOversize: () => {},
    onMessage: (message) => {
      received.push(message);
      if (shared !== undefined) {
        shared.handleUpstream(message);
      } else if (isRequest(message)) {
        if (message.method === 'roots/list') rootsProbed();
        connection.send({ jsonrpc: '2.0', id: message.id, error: { code: -32601, message: 'no client yet' } });
      }
    },
  });
  const identity = await initializeUpstream(connection, {
    clientInfo: { name: 'mcpctl-test', version: '0.0.0' },
    capabilities: SHARED_CLIENT_CAPABILITIES,
    timeoutMs: 15_000,
  });
  if (awaitRootsProbe) await withTimeout(probe, 'server-everything to ask for roots after its handshake');
  return {
    child,
    connection,
    identity,
    sent,
    received,
    send(message) {
      sent.push(message);
      connection.send(message);
    },
    attach(target) {
      shared = target;
    },
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.stdin.end();
        child.kill('SIGTERM');
      }
      await exited;
    },
  };
}

export function startEverything(): Promise<Upstream> {
  return startUpstream(EVERYTHING, ['stdio'], true);
}

export interface Delivery {
  message: JsonRpcMessage;
  related: JsonRpcId | undefined;
}

type Waiter = { predicate: (delivery: Delivery) => boolean; resolve: (delivery: Delivery) => void };

/** A client at the real seam: sends raw JSON-RPC into a BackendSession, records what SessionOutput delivers. */
export class TestClient implements SessionOutput {
  readonly deliveries: Delivery[] = [];
  closedWith: string | undefined;
  /** Answers server-to-client requests; unset = leave them unanswered. */
  onServerRequest: ((request: JsonRpcRequest) => Record<string, unknown>) | undefined;
  private session: BackendSession | undefined;
  private nextId = 1;
  private waiters: Waiter[] = [];

  static open(backend: SessionBackend, sessionId: string): TestClient {
    const client = new TestClient();
    client.session = backend.open(sessionId, client);
    return client;
  }

  deliver(message: JsonRpcMessage, related?: JsonRpcId): void {
    const delivery = { message, related };
    this.deliveries.push(delivery);
    this.waiters = this.waiters.filter((waiter) => {
      if (!waiter.predicate(delivery)) return true;
      waiter.resolve(delivery);
      return false;
    });
    if (isRequest(message) && this.onServerRequest !== undefined) {
      this.send({ jsonrpc: '2.0', id: message.id, result: this.onServerRequest(message) });
    }
  }

  close(reason: string): void {
    this.closedWith = reason;
  }

  send(message: unknown): void {
    this.backend().receive(message as JsonRpcMessage);
  }

  endSession(): void {
    this.backend().close();
  }

  async initialize(capabilities: Record<string, unknown> = {}, protocolVersion = LATEST_PROTOCOL_VERSION) {
    const response = await this.request(
      'initialize',
      { protocolVersion, capabilities, clientInfo: { name: 'test-client', version: '1.2.3' } },
      'init',
    );
    this.notify('notifications/initialized');
    return response;
  }

  request(method: string, params?: Record<string, unknown>, id: JsonRpcId = this.nextId++): Promise<JsonRpcResponse> {
    const answered = this.waitFor(
      (d) => !('method' in d.message) && d.message.id === id,
      `an answer to ${method} #${id}`,
    );
    this.send(params === undefined ? { jsonrpc: '2.0', id, method } : { jsonrpc: '2.0', id, method, params });
    return answered.then((delivery) => delivery.message as JsonRpcResponse);
  }

  notify(method: string, params?: Record<string, unknown>): void {
    this.send(params === undefined ? { jsonrpc: '2.0', method } : { jsonrpc: '2.0', method, params });
  }

  /** Resolves with the first delivery, past or future, that matches. */
  waitFor(predicate: (delivery: Delivery) => boolean, what: string): Promise<Delivery> {
    const seen = this.deliveries.find(predicate);
    if (seen !== undefined) return Promise.resolve(seen);
    return withTimeout(new Promise((resolve) => this.waiters.push({ predicate, resolve })), what);
  }

  notifications(method: string): Delivery[] {
    return this.deliveries.filter((d) => 'method' in d.message && !('id' in d.message) && d.message.method === method);
  }

  serverRequests(): JsonRpcRequest[] {
    return this.deliveries.map((d) => d.message).filter(isRequest);
  }

  private backend(): BackendSession {
    if (this.session === undefined) throw new Error('the test client has no session');
    return this.session;
  }
}

export function resultOf(response: JsonRpcResponse): Record<string, unknown> {
  if (!('result' in response)) throw new Error(`expected a result, got ${JSON.stringify(response)}`);
  return response.result;
}

/** The text of a tools/call result's first content item. */
export function textOf(response: JsonRpcResponse): string {
  const content = resultOf(response).content as { type: string; text?: string }[];
  return content[0]?.text ?? '';
}

export function isNotificationOf(message: JsonRpcMessage, method: string): message is JsonRpcNotification {
  return 'method' in message && !('id' in message) && message.method === method;
}

export function withTimeout<T>(promise: Promise<T>, what: string, ms = WAIT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Runs one server-everything under a SharedUpstream for all tests of a file: `set` receives
 * both before the first test; the process is stopped after the last.
 */
export function withSharedEverything(set: (fixture: { upstream: Upstream; shared: SharedUpstream }) => void): void {
  let upstream: Upstream | undefined;
  beforeAll(async () => {
    const started = await startEverything();
    upstream = started;
    const shared = new SharedUpstream({
      identity: started.identity,
      send: (m) => started.send(m),
      logger: silentLogger,
    });
    started.attach(shared);
    set({ upstream: started, shared });
  });
  afterAll(async () => {
    await upstream?.stop();
  });
}
