import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerView } from '../../src/core/api.js';
import { CLI, CLI_NODE, EVERYTHING } from '../helpers/cli.js';
import { type E2eHome, e2eHome } from '../helpers/e2e.js';

/**
 * The bundle loads heavy modules on first use through dynamic imports (`grep -rn "import(" src`).
 * esbuild's splitting handles those of CommonJS packages differently from a plain import
 * (config.yaml was refused with "parse is not a function"), so each one is reached here once,
 * in the built binary: config.yaml and -o yaml (yaml), daemon run (run.js, host.js), server add
 * (add.js), an http server (httpConnection.js, handshake.js), connect and session connect
 * (connect.js, bridge.js).
 */
let h: E2eHome;
beforeAll(() => {
  h = e2eHome();
  writeFileSync(join(h.home, 'config.yaml'), 'logs:\n  level: info\n');
});
afterAll(async () => {
  await h.dispose();
});

async function echoThrough(args: string[]): Promise<string> {
  const transport = new StdioClientTransport({
    command: CLI_NODE,
    args: [CLI, ...args],
    env: { ...process.env, MCPCTL_HOME: h.home, NO_COLOR: '1' } as Record<string, string>,
    stderr: 'pipe',
  });
  const client = new Client({ name: 'lazy-modules', version: '1.0.0' });
  await client.connect(transport);
  try {
    const result = (await client.callTool({ name: 'echo', arguments: { message: 'lazy' } })) as {
      content: Array<{ text?: string }>;
    };
    return result.content[0]?.text ?? '';
  } finally {
    await client.close();
  }
}

describe("the built binary's lazily loaded modules", () => {
  it('daemon run (with a config.yaml) and server add', async () => {
    // `ls` starts the daemon: `daemon run` in the background, which reads config.yaml.
    expect((await h.run(['ls'])).code).toBe(0);
    const added = await h.run(['server', 'add', 'everything', ...h.mark('everything'), '--', CLI_NODE, EVERYTHING]);
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
  });

  it('-o yaml', async () => {
    const result = await h.run(['server', 'show', 'everything', '-o', 'yaml']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^name: everything$/m);
    expect(result.stdout).toMatch(/^state: running$/m);
  });

  it('an http server (its connection and handshake modules)', async () => {
    const { url } = await h.json<{ url: string }>(['server', 'url', 'everything']);
    const added = await h.run(['server', 'add', 'remote', '--url', url]);
    expect(added.stderr).toBe('');
    const view = await h.json<ServerView>(['server', 'show', 'remote']);
    expect(view.state).toBe('running');
  });

  it('connect and session connect', async () => {
    expect(await echoThrough(['connect', 'everything'])).toBe('Echo: lazy');
    expect(await echoThrough(['session', 'connect', 'remote'])).toBe('Echo: lazy');
  });
});
