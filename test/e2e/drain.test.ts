import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerView } from '../../src/core/api.js';
import { stopDaemon } from '../../src/core/daemonLifecycle.js';
import { createRemoteApi } from '../../src/core/remoteApi.js';
import { resolvePaths } from '../../src/shared/paths.js';
import { CLI, CLI_NODE, EVERYTHING, waitFor } from '../helpers/cli.js';
import { type E2eHome, e2eHome } from '../helpers/e2e.js';

let h: E2eHome;
afterEach(async () => {
  await h.dispose();
});

const INIT = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'late', version: '1' } },
};
const HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

interface ForegroundDaemon {
  child: ChildProcess;
  endpoint: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `daemon run` as a child of the test, so its exit code is ours to see; resolves once its gateway answers. */
async function runDaemon(env: NodeJS.ProcessEnv = {}): Promise<ForegroundDaemon> {
  const child = spawn(CLI_NODE, [CLI, 'daemon', 'run'], {
    env: { ...process.env, MCPCTL_HOME: h.home, MCPCTL_GATEWAY_PORT: '0', NO_COLOR: '1', ...env },
    stdio: 'ignore',
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const status = await waitFor('the daemon to answer', async () => {
    const result = await h.run(['daemon', 'status', '-o', 'json'], { env: { MCPCTL_NO_AUTOSTART: '1' } });
    return result.code === 0 ? (JSON.parse(result.stdout) as { gateway: { url: string } | null }) : undefined;
  });
  if (!status.gateway) throw new Error('the daemon reports no gateway');
  const added = await h.run([
    'server',
    'add',
    'everything',
    ...h.mark('everything'),
    '--',
    process.execPath,
    EVERYTHING,
  ]);
  expect(added.code, added.stderr).toBe(0);
  await waitFor('everything running', async () => {
    const view = await h.json<ServerView>(['server', 'show', 'everything']);
    return view.state === 'running' ? true : undefined;
  });
  return { child, endpoint: `${status.gateway.url}/servers/everything/mcp`, exited };
}

async function connect(endpoint: string, name: string): Promise<Client> {
  const client = new Client({ name, version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(endpoint)));
  return client;
}

/** server-everything's slow tool: one step of `seconds`, then a text result. */
function slowCall(client: Client, seconds: number): Promise<string> {
  return client
    .callTool({ name: 'trigger-long-running-operation', arguments: { duration: seconds, steps: 1 } })
    .then((result) => ((result as { content: Array<{ text: string }> }).content[0] as { text: string }).text);
}

/** The control API in-process: a CLI start per poll would take longer than a call under load. */
const api = () => createRemoteApi(resolvePaths({ MCPCTL_HOME: h.home }).socket);

/** Waits until the gateway has taken `count` tools/call requests (each session: initialize + its call). */
async function callsInFlight(count: number): Promise<void> {
  await waitFor(`${count} calls in flight`, async () => {
    const sessions = await api().listSessions({});
    const calls = sessions.reduce((sum, session) => sum + Math.max(0, session.requests - 1), 0);
    return calls >= count ? true : undefined;
  });
}

/** Waits for the daemon's log to say the stop began, so what follows happens during the drain. */
async function draining(): Promise<void> {
  const log = join(h.home, 'logs', 'daemon.log');
  await waitFor('the drain to begin', () =>
    existsSync(log) && readFileSync(log, 'utf8').includes('finishing the requests in flight') ? true : undefined,
  );
}

describe('F11: a stopping daemon drains the requests in flight', () => {
  it('F11: SIGTERM lets 5 slow calls finish, refuses new sessions and requests with 503, exits 0 with no orphans', async () => {
    h = e2eHome();
    const daemon = await runDaemon();
    const clients = await Promise.all(Array.from({ length: 5 }, (_, i) => connect(daemon.endpoint, `slow-${i}`)));
    const calls = clients.map((client) => slowCall(client, 3));
    await callsInFlight(5);
    const termAt = Date.now();
    daemon.child.kill('SIGTERM');
    await draining();
    // The control API still answers while the stop drains.
    const status = await api().daemonStatus({});
    expect(status.pid).toBe(daemon.child.pid);

    const fresh = await fetch(daemon.endpoint, { method: 'POST', headers: HEADERS, body: JSON.stringify(INIT) });
    expect(fresh.status).toBe(503);
    expect(fresh.headers.get('retry-after')).toBe('5');
    expect(await fresh.json()).toMatchObject({
      jsonrpc: '2.0',
      id: null,
      error: { code: -32000, message: expect.stringContaining('stopping') },
    });
    // A new request on an open session is refused too.
    await expect(clients[0]?.listTools()).rejects.toThrow(/503|stopping/);

    const texts = await Promise.all(calls);
    expect(texts).toEqual(Array(5).fill('Long running operation completed. Duration: 3 seconds, Steps: 1.'));
    const answeredAfter = Date.now() - termAt;
    expect(await daemon.exited).toEqual({ code: 0, signal: null });
    // The stop takes about as long as the slowest call (3 s, partly run before the TERM) plus
    // closing connections and stopping the server, not the 10 s drain timeout.
    expect(Date.now() - termAt).toBeLessThan(answeredAfter + 4000);
    expect(Date.now() - termAt).toBeLessThan(9000);
    expect(h.serverPids('everything')).toEqual([]);
  });

  it('F11: a call longer than the drain timeout gets an error, and the daemon still exits within the bound', async () => {
    h = e2eHome();
    const daemon = await runDaemon({ MCPCTL_GATEWAY_DRAIN_TIMEOUT: '500ms' });
    const client = await connect(daemon.endpoint, 'too-slow');
    const call = slowCall(client, 20).then(
      () => 'answered',
      (error: unknown) => String(error),
    );
    await callsInFlight(1);
    const termAt = Date.now();
    daemon.child.kill('SIGTERM');
    expect(await call).toMatch(/closed/i);
    const failedAfter = Date.now() - termAt;
    expect(failedAfter).toBeGreaterThanOrEqual(450);
    expect(await daemon.exited).toEqual({ code: 0, signal: null });
    // The drain (0.5 s) plus stopping the server (it exits on SIGTERM), well within the 5 s stop grace.
    expect(Date.now() - termAt).toBeLessThan(5000);
    expect(h.serverPids('everything')).toEqual([]);
  });

  it('F11: daemon stop waits for the drain beyond its own bound, and the call in flight succeeds', async () => {
    h = e2eHome();
    const daemon = await runDaemon();
    const client = await connect(daemon.endpoint, 'stopper');
    const call = slowCall(client, 3);
    await callsInFlight(1);
    // 300 ms would time out a wait that ignored the drain; the daemon said it may drain for 10 s.
    const stopped = await stopDaemon({ paths: resolvePaths({ MCPCTL_HOME: h.home }), timeoutMs: 300 });
    expect(stopped).toEqual({ pid: daemon.child.pid });
    expect(await call).toMatch(/^Long running operation completed/);
    expect(await daemon.exited).toEqual({ code: 0, signal: null });
  });
});
