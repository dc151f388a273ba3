import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, mcpctl, waitFor } from '../helpers/cli.js';
import { startTestDaemon, type TestDaemon } from '../helpers/daemon.js';

let daemon: TestDaemon;
let upstream: ChildProcess;

/** The header-echo fixture (an SDK server over Streamable HTTP) on a free port; resolves with its /mcp URL. */
function startHeaderEcho(): Promise<string> {
  upstream = spawn(process.execPath, [join(FIXTURES, 'headerEcho.mjs'), '--http', '0'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let text = '';
    upstream.stderr?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const port = /listening (\d+)/.exec(text)?.[1];
      if (port) resolve(`http://127.0.0.1:${port}/mcp`);
    });
    upstream.on('exit', (code) => reject(new Error(`header-echo exited ${code}: ${text}`)));
  });
}

beforeAll(async () => {
  const url = await startHeaderEcho();
  daemon = await startTestDaemon();
  const added = await mcpctl(daemon.home, ['server', 'add', 'remote', '--url', url, '--request-timeout', '300ms']);
  expect(added.code, added.stderr).toBe(0);
});

afterAll(async () => {
  await daemon?.stop();
  upstream?.kill('SIGKILL');
});

describe('an http upstream that does not answer', () => {
  it('F3: the call fails after --request-timeout, naming the server, and the upstream is told to cancel it', async () => {
    const client = new Client({ name: 'deadline-test', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(new URL(daemon.endpoint('remote')));
    await client.connect(transport);
    try {
      const started = Date.now();
      const error = await client.callTool({ name: 'hang', arguments: {} }, undefined, { timeout: 10_000 }).then(
        () => undefined,
        (caught: unknown) => caught as Error,
      );
      expect(error?.message).toMatch(/server 'remote' did not answer tools\/call within 300ms/);
      expect(Date.now() - started).toBeLessThan(1500);
      const count = async () => {
        const result = (await client.callTool({ name: 'cancellations', arguments: {} })) as {
          content: Array<{ text: string }>;
        };
        return result.content[0]?.text;
      };
      expect(
        await waitFor('the upstream to see the cancellation', async () => ((await count()) === '1' ? true : undefined)),
      ).toBe(true);
    } finally {
      await transport.terminateSession().catch(() => undefined);
      await client.close();
    }
  });
});
