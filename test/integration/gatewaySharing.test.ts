import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, EVERYTHING, mcpctl, mcpctlJson, waitFor } from '../helpers/cli.js';
import { startTestDaemon, type TestDaemon } from '../helpers/daemon.js';
import { findProcesses } from '../helpers/procs.js';

let daemon: TestDaemon;

beforeAll(async () => {
  daemon = await startTestDaemon();
  const added = await mcpctl(daemon.home, [
    'server',
    'add',
    'everything',
    '--',
    process.execPath,
    EVERYTHING,
    'stdio',
    `--marker=${daemon.home}`,
  ]);
  expect(added.code, added.stderr).toBe(0);
});

afterAll(async () => {
  await daemon?.stop();
});

async function httpClient(name = 'test-client'): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const transport = new StreamableHTTPClientTransport(new URL(daemon.endpoint('everything')));
  const client = new Client({ name, version: '1.0.0' });
  await client.connect(transport);
  return { client, transport };
}

function echoText(result: unknown): string {
  return ((result as { content: Array<{ text: string }> }).content[0] as { text: string }).text;
}

describe('one shared stdio server behind the gateway', () => {
  it('serves 20 concurrent sessions × 100 echo calls with every answer reaching its caller, on one upstream process', async () => {
    const sessions = await Promise.all(Array.from({ length: 20 }, (_, i) => httpClient(`client-${i}`)));
    const wrong: string[] = [];
    await Promise.all(
      sessions.map(async ({ client }, s) => {
        for (let call = 0; call < 100; call++) {
          const message = `session ${s} call ${call}`;
          const text = echoText(await client.callTool({ name: 'echo', arguments: { message } }));
          if (text !== `Echo: ${message}`) wrong.push(`${message} got ${text}`);
        }
      }),
    );
    expect(wrong).toEqual([]);
    expect(findProcesses(EVERYTHING, `--marker=${daemon.home}`)).toHaveLength(1);
    const listed = await mcpctlJson<Array<{ clientName: string | null; server: string }>>(daemon.home, [
      'session',
      'ls',
    ]);
    expect(listed.filter((session) => session.clientName?.startsWith('client-')).length).toBe(20);
    await Promise.all(
      sessions.map(async ({ client, transport }) => {
        await transport.terminateSession();
        await client.close();
      }),
    );
  });

  it('lets an SDK stdio client use `mcpctl connect`, two bridges sharing one upstream process', async () => {
    const bridges = await Promise.all(
      [1, 2].map(async (n) => {
        const transport = new StdioClientTransport({
          command: process.execPath,
          args: [CLI, 'connect', 'everything'],
          env: { ...process.env, MCPCTL_HOME: daemon.home } as Record<string, string>,
          stderr: 'pipe',
        });
        const client = new Client({ name: `bridge-${n}`, version: '1.0.0' });
        await client.connect(transport);
        return client;
      }),
    );
    for (const [n, client] of bridges.entries()) {
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name)).toContain('echo');
      expect(echoText(await client.callTool({ name: 'echo', arguments: { message: `bridge ${n}` } }))).toBe(
        `Echo: bridge ${n}`,
      );
    }
    expect(findProcesses(EVERYTHING, `--marker=${daemon.home}`)).toHaveLength(1);
    await Promise.all(bridges.map((client) => client.close()));
  });

  it('recovers open sessions after the upstream is killed with SIGKILL, or fails them with a clear error', async () => {
    const { client, transport } = await httpClient('survivor');
    expect(echoText(await client.callTool({ name: 'echo', arguments: { message: 'before' } }))).toBe('Echo: before');
    const [pid] = findProcesses(EVERYTHING, `--marker=${daemon.home}`);
    process.kill(pid as number, 'SIGKILL');
    const started = Date.now();
    const after = await waitFor(
      'the session to work again',
      async () => {
        try {
          return echoText(
            await client.callTool({ name: 'echo', arguments: { message: 'after' } }, undefined, { timeout: 2000 }),
          );
        } catch (error) {
          expect(String(error)).toMatch(/exited|restart|not running|retry/i);
          return undefined;
        }
      },
      15_000,
    );
    expect(after).toBe('Echo: after');
    expect(Date.now() - started).toBeLessThan(15_000);
    await transport.terminateSession();
    await client.close();
  });
});
