import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { describe, expect, it } from 'vitest';
import { INSPECTOR, mcpctlJson } from '../helpers/cli.js';
import { useHeaderEchoRemote } from '../helpers/headerEcho.js';
import { runProcess } from '../helpers/run.js';

const remote = useHeaderEchoRemote(['--header', 'X-Api-Key: configured-key']);

describe('an http upstream behind the gateway', () => {
  it('is running once it answered initialize, and hides the configured header value in views', async () => {
    const [view] = await mcpctlJson<Array<{ state: string; headers: Record<string, string> }>>(remote.daemon.home, [
      'ls',
    ]);
    expect(view?.state).toBe('running');
    expect(view?.headers['X-Api-Key']).toBe('********');
  });

  it("sends the definition's headers upstream and never the client's own Authorization", async () => {
    const transport = new StreamableHTTPClientTransport(new URL(remote.daemon.endpoint('remote')), {
      requestInit: { headers: { Authorization: 'Bearer client-secret-token' } },
    });
    const client = new Client({ name: 'auth-client', version: '1.0.0' });
    await client.connect(transport);
    const result = (await client.callTool({ name: 'request-headers', arguments: {} })) as {
      content: Array<{ text: string }>;
    };
    const seen = JSON.parse(result.content[0]?.text ?? '{}') as Record<string, string>;
    expect(seen['x-api-key']).toBe('configured-key');
    expect(seen.authorization).toBeUndefined();
    expect(JSON.stringify(seen)).not.toContain('client-secret-token');
    await transport.terminateSession();
    await client.close();
  });

  it('works with the official inspector CLI', async () => {
    const run = (args: string[]) =>
      runProcess(process.execPath, [
        INSPECTOR,
        '--cli',
        remote.daemon.endpoint('remote'),
        '--transport',
        'http',
        ...args,
      ]);
    const list = await run(['--method', 'tools/list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('request-headers');
    const call = await run(['--method', 'tools/call', '--tool-name', 'request-headers']);
    expect(call.code).toBe(0);
    expect(call.stdout).toContain('configured-key');
  });
});
