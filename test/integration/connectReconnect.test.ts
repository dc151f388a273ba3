import type { ChildProcess } from 'node:child_process';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, EVERYTHING, mcpctl, mcpctlJson, waitFor } from '../helpers/cli.js';
import { startTestDaemon, type TestDaemon } from '../helpers/daemon.js';
import { findProcesses } from '../helpers/procs.js';

/** The client's own request timeout: a call that outlives it by more than the slack has hung. */
const CALL_TIMEOUT_MS = 3000;
const SLACK_MS = 1000;

let daemon: TestDaemon | undefined;
const bridges: Bridge[] = [];
afterEach(async () => {
  await Promise.all(bridges.splice(0).map((bridge) => bridge.client.close().catch(() => undefined)));
  await daemon?.stop();
  daemon = undefined;
});

interface Bridge {
  client: Client;
  stderr: () => string;
  /** The bridge process's exit code, once it exits. */
  exited: Promise<number | null>;
  updates: string[];
}

async function startDaemonWithEverything(): Promise<TestDaemon> {
  daemon = await startTestDaemon();
  const added = await mcpctl(daemon.home, ['server', 'add', 'everything', '--', process.execPath, EVERYTHING, 'stdio']);
  expect(added.code, added.stderr).toBe(0);
  return daemon;
}

/** The SDK's stdio client running the built `mcpctl connect everything`, as an AI client's config does. */
async function connect(home: string, reconnectTimeout: string): Promise<Bridge> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, 'connect', 'everything', '--reconnect-timeout', reconnectTimeout],
    env: { ...process.env, MCPCTL_HOME: home, MCPCTL_GATEWAY_PORT: '0' } as Record<string, string>,
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const client = new Client({ name: 'reconnect-test', version: '7.8.9' });
  const updates: string[] = [];
  client.setNotificationHandler(ResourceUpdatedNotificationSchema, (notification) => {
    updates.push(notification.params.uri);
  });
  await client.connect(transport);
  // The SDK keeps the child private; its exit code is what a client sees of a bridge that gave up.
  const child = (transport as unknown as { _process: ChildProcess })._process;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const bridge = { client, stderr: () => stderr, exited, updates };
  bridges.push(bridge);
  return bridge;
}

interface Call {
  startedAt: number;
  ms: number;
  ok: boolean;
  error?: string;
}

/** Calls `echo` every 250 ms until stopped, each with the client's short timeout, and records how each ended. */
function callEverySoOften(client: Client): { calls: Call[]; stop(): Promise<void> } {
  const calls: Call[] = [];
  const running = new Set<Promise<void>>();
  let n = 0;
  const timer = setInterval(() => {
    const startedAt = Date.now();
    const call = client
      .callTool({ name: 'echo', arguments: { message: `call ${n++}` } }, undefined, { timeout: CALL_TIMEOUT_MS })
      .then(
        () => void calls.push({ startedAt, ms: Date.now() - startedAt, ok: true }),
        (error: unknown) => void calls.push({ startedAt, ms: Date.now() - startedAt, ok: false, error: String(error) }),
      );
    running.add(call);
    void call.finally(() => running.delete(call));
  }, 250);
  return {
    calls,
    async stop() {
      clearInterval(timer);
      await Promise.all(running);
    },
  };
}

async function succeedsAgain(calls: Call[], after: number, what: string): Promise<void> {
  await waitFor(what, () => (calls.some((call) => call.ok && call.startedAt > after) ? true : undefined), 30_000);
}

async function openSessions(home: string): Promise<Array<{ id: string; clientName: string; clientVersion: string }>> {
  return mcpctlJson(home, ['session', 'ls']);
}

describe('mcpctl connect never hangs', () => {
  it('survives a daemon restart and a server restart with its set-up replayed, and ends when its session is killed', async () => {
    const d = await startDaemonWithEverything();
    const bridge = await connect(d.home, '20s');
    const { resources } = await bridge.client.listResources();
    const uri = resources[0]?.uri as string;
    await bridge.client.subscribeResource({ uri });
    await bridge.client.setLoggingLevel('warning');
    const [before] = await openSessions(d.home);
    const load = callEverySoOften(bridge.client);
    await succeedsAgain(load.calls, 0, 'a first call');

    // (a) The daemon stops (its servers with it) and comes back on another gateway port.
    expect((await mcpctl(d.home, ['daemon', 'stop'])).code).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const restarted = Date.now();
    expect((await mcpctl(d.home, ['daemon', 'start'])).code).toBe(0);
    await succeedsAgain(load.calls, restarted, 'calls to work again after the daemon restart');
    const [after] = await openSessions(d.home);
    expect(after?.id).not.toBe(before?.id);
    expect(after).toMatchObject({ clientName: 'reconnect-test', clientVersion: '7.8.9' });
    // The replayed subscription reached the new upstream: its updates reach this client without subscribing again.
    await bridge.client.callTool({ name: 'toggle-subscriber-updates', arguments: {} });
    await waitFor('a resource update after the restart', () => (bridge.updates.includes(uri) ? true : undefined));

    // (b) The server restarts: its sessions end, the bridge opens another.
    const serverRestarted = Date.now();
    expect((await mcpctl(d.home, ['restart', 'everything'])).code).toBe(0);
    await succeedsAgain(load.calls, serverRestarted + 500, 'calls to work again after the server restart');

    // (c) The session is killed: the bridge ends, non-zero, saying why.
    const [current] = await openSessions(d.home);
    expect(current).toMatchObject({ clientName: 'reconnect-test' });
    expect((await mcpctl(d.home, ['session', 'kill', current?.id as string])).code).toBe(0);
    const code = await bridge.exited;
    await load.stop();
    expect(code).not.toBe(0);
    expect(bridge.stderr()).toMatch(new RegExp(`session ${current?.id} of server 'everything' was killed`));
    const hung = load.calls.filter((call) => call.ms > CALL_TIMEOUT_MS + SLACK_MS);
    expect(hung).toEqual([]);
    expect(load.calls.filter((call) => call.ok).length).toBeGreaterThan(5);
  }, 120_000);

  it('gets an isolated server back after a restart and after its own process is killed', async () => {
    daemon = await startTestDaemon();
    const d = daemon;
    const marker = `--marker=${d.home}/isolated`;
    const argv = ['--share', 'isolated', '--pool', '1', '--', process.execPath, EVERYTHING, 'stdio', marker];
    const added = await mcpctl(d.home, ['server', 'add', 'everything', ...argv]);
    expect(added.code, added.stderr).toBe(0);
    const bridge = await connect(d.home, '20s');
    const load = callEverySoOften(bridge.client);
    await succeedsAgain(load.calls, 0, 'a first call');
    const restarted = Date.now();
    expect((await mcpctl(d.home, ['restart', 'everything'])).code).toBe(0);
    await succeedsAgain(load.calls, restarted + 500, 'calls to work again after the restart');
    const killed = Date.now();
    for (const pid of findProcesses(EVERYTHING, marker)) process.kill(pid, 'SIGKILL');
    await succeedsAgain(load.calls, killed + 500, "calls to work again after the session's process was killed");
    await load.stop();
    expect(load.calls.filter((call) => call.ms > CALL_TIMEOUT_MS + SLACK_MS)).toEqual([]);
  }, 90_000);

  it('exits 6 within its --reconnect-timeout when the daemon stays away', async () => {
    const d = await startDaemonWithEverything();
    const bridge = await connect(d.home, '2s');
    await bridge.client.callTool({ name: 'echo', arguments: { message: 'hi' } });
    const stopped = Date.now();
    expect((await mcpctl(d.home, ['daemon', 'stop'])).code).toBe(0);
    const code = await bridge.exited;
    expect(code).toBe(6);
    // The bound runs from the moment the gateway closed, early in the stop; slack for a loaded machine.
    expect(Date.now() - stopped).toBeLessThan(2000 + 4000);
    expect(bridge.stderr()).toMatch(/lost the session to server 'everything' and could not open another within 2s/);
  }, 60_000);

  it('exits 8 when its server is removed', async () => {
    const d = await startDaemonWithEverything();
    const bridge = await connect(d.home, '20s');
    await bridge.client.callTool({ name: 'echo', arguments: { message: 'hi' } });
    expect((await mcpctl(d.home, ['rm', 'everything'])).code).toBe(0);
    expect(await bridge.exited).toBe(8);
    expect(bridge.stderr()).toMatch(/server 'everything' was removed/);
  }, 60_000);
});

describe('the gateway tells a killed session from a lost one', () => {
  const headers = { accept: 'application/json, text/event-stream', 'content-type': 'application/json' };
  const ping = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' });

  async function openRawSession(url: string): Promise<string> {
    const body = JSON.stringify({
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
    });
    const res = await fetch(url, { method: 'POST', headers, body });
    await res.text();
    return res.headers.get('mcp-session-id') as string;
  }

  async function pingOn(url: string, sessionId: string): Promise<{ status: number; data: unknown }> {
    const res = await fetch(url, { method: 'POST', headers: { ...headers, 'mcp-session-id': sessionId }, body: ping });
    const body = (await res.json()) as { error?: { data?: unknown } };
    return { status: res.status, data: body.error?.data };
  }

  it('answers 404 with data.reason "killed" for a killed session, also after a daemon restart; other ended sessions get none', async () => {
    const d = await startDaemonWithEverything();
    const url = d.endpoint('everything');
    const killed = await openRawSession(url);
    const lost = await openRawSession(url);
    expect((await mcpctl(d.home, ['session', 'kill', killed])).code).toBe(0);
    expect(await pingOn(url, killed)).toEqual({ status: 404, data: { reason: 'killed' } });

    expect((await mcpctl(d.home, ['daemon', 'stop'])).code).toBe(0);
    expect((await mcpctl(d.home, ['daemon', 'start'])).code).toBe(0);
    const { url: newUrl } = await mcpctlJson<{ url: string }>(d.home, ['server', 'url', 'everything']);
    expect(await pingOn(newUrl, killed)).toEqual({ status: 404, data: { reason: 'killed' } });
    expect(await pingOn(newUrl, lost)).toEqual({ status: 404, data: undefined });
  }, 60_000);
});
