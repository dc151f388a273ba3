import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerView } from '../../src/core/api.js';
import { EVERYTHING, mcpctl, mcpctlJson, waitFor } from '../helpers/cli.js';
import { startTestDaemon, type TestDaemon } from '../helpers/daemon.js';

let daemon: TestDaemon;
let port: number;
let upstream: ChildProcess | undefined;

/** A port that was free a moment ago: the upstream must come back on the same URL. */
async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port: free } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return free;
}

/** The real server-everything in Streamable HTTP mode; resolves once it listens. */
async function startEverything(): Promise<void> {
  const child = spawn(process.execPath, [EVERYTHING, 'streamableHttp'], {
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  upstream = child;
  await new Promise<void>((resolve, reject) => {
    let text = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('listening on port')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`server-everything exited ${code}: ${text}`)));
  });
}

async function stopEverything(): Promise<void> {
  const child = upstream;
  upstream = undefined;
  if (child === undefined || child.exitCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

async function view(): Promise<ServerView> {
  const views = await mcpctlJson<ServerView[]>(daemon.home, ['ls']);
  const found = views.find((v) => v.name === 'remote');
  if (found === undefined) throw new Error('no server remote');
  return found;
}

async function echo(client: Client, message: string): Promise<string | undefined> {
  const result = (await client.callTool({ name: 'echo', arguments: { message } }, undefined, { timeout: 20_000 })) as {
    content: Array<{ text: string }>;
  };
  return result.content[0]?.text;
}

beforeAll(async () => {
  port = await freePort();
  await startEverything();
  daemon = await startTestDaemon();
  // Default health checks (a lost connection must not wait for them); restarts 50 ms doubling to 400 ms.
  const added = await mcpctl(daemon.home, [
    'server',
    'add',
    'remote',
    '--url',
    `http://127.0.0.1:${port}/mcp`,
    '--backoff-initial',
    '50ms',
    '--backoff-max',
    '400ms',
    '--max-restarts',
    '1000',
    '--restart-window',
    '10m',
    '--start-timeout',
    '2s',
  ]);
  expect(added.code, added.stderr).toBe(0);
  await waitFor('remote to be running', async () => ((await view()).state === 'running' ? true : undefined));
});

afterAll(async () => {
  await stopEverything();
  await daemon?.stop();
});

describe('F12: an upstream http server goes down', () => {
  it('F12: an open session gets a JSON-RPC error (no hang), the server shows backoff, and reconnects with the restart policy when it is back', async () => {
    const client = new Client({ name: 'f12', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(new URL(daemon.endpoint('remote')));
    await client.connect(transport);
    expect(await echo(client, 'before')).toBe('Echo: before');
    const restartsBefore = (await view()).restarts;

    // A call in flight when the server dies is answered with an error, long before it would have finished.
    let progressed: () => void = () => {};
    const firstProgress = new Promise<void>((resolve) => {
      progressed = resolve;
    });
    const inFlight = client
      .callTool({ name: 'trigger-long-running-operation', arguments: { duration: 30, steps: 60 } }, undefined, {
        timeout: 60_000,
        onprogress: () => progressed(),
      })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    await firstProgress;
    const cutAt = Date.now();
    await stopEverything();
    const cut = await inFlight;
    expect(cut).toBeInstanceOf(McpError);
    expect(String(cut)).toContain('remote');
    // Seconds, not the 30 s of health checks (3 × 10 s) it took before a lost connection ended the runner.
    expect(Date.now() - cutAt).toBeLessThan(5000);

    // A call while the upstream is gone fails fast with a JSON-RPC error, not the client's own timeout.
    const started = Date.now();
    const failure = await echo(client, 'while down').then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(McpError);
    expect(Date.now() - started).toBeLessThan(10_000);

    const down = await waitFor('remote to show backoff', async () => {
      const current = await view();
      return current.state === 'backoff' ? current : undefined;
    });
    expect(down.lastError).toBeTruthy();

    await startEverything();
    const back = await waitFor('remote to be running again', async () => {
      const current = await view();
      return current.state === 'running' ? current : undefined;
    });
    expect(back.restarts).toBeGreaterThan(restartsBefore);

    // The same gateway session works again, on the new upstream session; so does a new client.
    expect(await echo(client, 'after')).toBe('Echo: after');
    const fresh = new Client({ name: 'f12-fresh', version: '1.0.0' });
    const freshTransport = new StreamableHTTPClientTransport(new URL(daemon.endpoint('remote')));
    await fresh.connect(freshTransport);
    expect(await echo(fresh, 'new')).toBe('Echo: new');
    await freshTransport.terminateSession();
    await fresh.close();
    await transport.terminateSession();
    await client.close();
  });
});
