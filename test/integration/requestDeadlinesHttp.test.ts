import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/cli.js';
import { useHeaderEchoRemote } from '../helpers/headerEcho.js';
import { connectHttp } from '../helpers/mcpClient.js';

const remote = useHeaderEchoRemote(['--request-timeout', '300ms']);

describe('an http upstream that does not answer', () => {
  it('F3: the call fails after --request-timeout, naming the server, and the upstream is told to cancel it', async () => {
    const { client, close } = await connectHttp(
      remote.daemon.endpoint('remote'),
      new Client({ name: 'deadline-test', version: '1.0.0' }),
    );
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
      await close();
    }
  });
});
