import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { describe, expect, it } from 'vitest';
import type { ServerDetail } from '../../src/core/api.js';
import { EVERYTHING, waitFor } from '../helpers/cli.js';
import { useE2eHome } from '../helpers/e2e.js';

const h = useE2eHome();

describe('--share isolated servers show their processes', () => {
  it('lists each process with its session (or warm) in show, ls -o wide and -o json', async () => {
    const add = await h.run([
      'server',
      'add',
      'solo',
      '--share',
      'isolated',
      '--pool',
      '1',
      ...h.mark('solo'),
      '--',
      process.execPath,
      EVERYTHING,
      'stdio',
    ]);
    expect(add.code, add.stderr).toBe(0);
    const { url } = await h.json<{ url: string }>(['server', 'url', 'solo']);
    const transport = new StreamableHTTPClientTransport(new URL(url));
    const client = new Client({ name: 'isolated-view', version: '1.0.0' });
    await client.connect(transport);
    const sessionId = transport.sessionId as string;
    try {
      // The session's own process, and the pool refilled with a warm one.
      const view = await waitFor('a leased and a warm process', async () => {
        const shown = await h.json<ServerDetail>(['server', 'show', 'solo']);
        return shown.processes.length === 2 ? shown : undefined;
      });
      const [leased, warm] = view.processes;
      expect(leased).toEqual({ pid: expect.any(Number), sessionId });
      expect(warm).toEqual({ pid: expect.any(Number), sessionId: null });
      expect(h.serverPids('solo').sort()).toEqual([leased?.pid, warm?.pid].sort());

      const show = await h.run(['server', 'show', 'solo']);
      expect(show.stdout).toContain(`Processes:   ${leased?.pid}  session ${sessionId}\n`);
      expect(show.stdout).toMatch(new RegExp(`^ +${warm?.pid}  warm$`, 'm'));

      const wide = await h.run(['ls', '-o', 'wide']);
      const [header, row] = wide.stdout.trimEnd().split('\n');
      expect(header).toMatch(/ PROCESSES$/);
      expect(row).toMatch(new RegExp(` ${leased?.pid}:${sessionId.slice(0, 12)},${warm?.pid}:warm$`));
    } finally {
      await transport.terminateSession();
      await client.close();
    }
  });
});
