import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, EVERYTHING, FIXTURES, INSPECTOR, mcpctl, mcpctlJson, ROOT, waitFor } from '../helpers/cli.js';
import { connectHttp } from '../helpers/mcpClient.js';
import { addServer, type ProfileDaemon, startProfileDaemon } from '../helpers/profileDaemon.js';
import { runProcess } from '../helpers/run.js';

const MEMORY = join(ROOT, 'node_modules/@modelcontextprotocol/server-memory/dist/index.js');
const FILESYSTEM = join(ROOT, 'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js');

let daemon: ProfileDaemon;
const dir = mkdtempSync(join(tmpdir(), 'mcpctl-profile-files-'));
writeFileSync(join(dir, 'hello.txt'), 'hello through a profile');

beforeAll(async () => {
  daemon = await startProfileDaemon();
  await Promise.all([
    addServer(daemon.home, 'everything', [], [process.execPath, EVERYTHING, 'stdio']),
    addServer(
      daemon.home,
      'memory',
      ['--env', `MEMORY_FILE_PATH=${join(dir, 'memory.jsonl')}`],
      [process.execPath, MEMORY],
    ),
    addServer(daemon.home, 'filesystem', [], [process.execPath, FILESYSTEM, dir]),
    addServer(
      daemon.home,
      'stuck',
      ['--env', 'HANG_AFTER_PINGS=1000000'],
      [process.execPath, join(FIXTURES, 'hang.mjs')],
    ),
  ]);
  await daemon.profiles.put({
    name: 'trio',
    members: [{ server: 'everything' }, { server: 'memory' }, { server: 'filesystem' }],
  });
}, 90_000);

afterAll(async () => {
  await daemon?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function inspector(url: string, ...args: string[]) {
  return runProcess(process.execPath, [INSPECTOR, '--cli', url, '--transport', 'http', ...args], { timeoutMs: 60_000 });
}

function text(result: unknown): string {
  return ((result as { content: Array<{ text: string }> }).content[0] as { text: string }).text;
}

describe('a profile of server-everything, server-memory and server-filesystem at /profiles/NAME/mcp', () => {
  it('the inspector CLI (v2) lists the union of prefixed tools, calls one tool of each and reads their resources', async () => {
    const url = daemon.profileEndpoint('trio');
    const list = await inspector(url, '--method', 'tools/list');
    expect(list.code, list.stderr).toBe(0);
    const names = (JSON.parse(list.stdout) as { tools: { name: string }[] }).tools.map((t) => t.name);
    expect(names).toEqual(
      expect.arrayContaining(['everything__echo', 'memory__read_graph', 'filesystem__list_directory']),
    );
    expect(names.every((n) => /^(everything|memory|filesystem)__/.test(n))).toBe(true);

    const echo = await inspector(
      url,
      '--method',
      'tools/call',
      '--tool-name',
      'everything__echo',
      '--tool-arg',
      'message=via profile',
    );
    expect(echo.code, echo.stderr).toBe(0);
    expect(echo.stdout).toContain('Echo: via profile');
    const graph = await inspector(url, '--method', 'tools/call', '--tool-name', 'memory__read_graph');
    expect(graph.code, graph.stderr).toBe(0);
    expect(graph.stdout).toContain('entities');
    const listing = await inspector(
      url,
      '--method',
      'tools/call',
      '--tool-name',
      'filesystem__list_directory',
      '--tool-arg',
      `path=${dir}`,
    );
    expect(listing.code, listing.stderr).toBe(0);
    expect(listing.stdout).toContain('hello.txt');

    const resources = await inspector(url, '--method', 'resources/list');
    expect(resources.code, resources.stderr).toBe(0);
    const uris = (JSON.parse(resources.stdout) as { resources: { uri: string }[] }).resources.map((r) => r.uri);
    const doc = uris.find((uri) => uri.startsWith('demo://resource/static/')) as string;
    expect(uris).toContain('memory://knowledge-graph');
    for (const uri of [doc, 'memory://knowledge-graph']) {
      const read = await inspector(url, '--method', 'resources/read', '--uri', uri);
      expect(read.code, read.stderr).toBe(0);
      expect(JSON.parse(read.stdout).contents[0].uri).toBe(uri);
    }
    // server-filesystem lists no resources; its files come as tool results (read above).
  });

  it('the SDK stdio client does the same through `mcpctl connect --profile`, and session ls shows the profile', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [CLI, 'connect', '--profile', 'trio'],
      env: { ...process.env, MCPCTL_HOME: daemon.home } as Record<string, string>,
      stderr: 'pipe',
    });
    const client = new Client({ name: 'stdio-profile-client', version: '1.0.0' });
    await client.connect(transport);
    expect(client.getServerVersion()?.name).toBe('trio');
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['everything__echo', 'memory__read_graph']));
    expect(text(await client.callTool({ name: 'everything__echo', arguments: { message: 'bridged' } }))).toBe(
      'Echo: bridged',
    );
    expect(text(await client.callTool({ name: 'memory__read_graph', arguments: {} }))).toContain('entities');
    const file = await client.callTool({
      name: 'filesystem__read_text_file',
      arguments: { path: join(dir, 'hello.txt') },
    });
    expect(text(file)).toBe('hello through a profile');
    const read = await client.readResource({ uri: 'memory://knowledge-graph' });
    expect(read.contents[0]?.uri).toBe('memory://knowledge-graph');

    const sessions = await mcpctlJson<{ server: string; profile: string | null; clientName: string | null }[]>(
      daemon.home,
      ['session', 'ls'],
    );
    const mine = sessions.find((s) => s.clientName === 'stdio-profile-client');
    expect(mine).toMatchObject({ server: 'profiles/trio', profile: 'trio' });
    await client.close();
  });

  it('search mode: search_tools("read a file") ranks filesystem\'s read tools first, call_tool runs one; a filtered tool stays out of reach', async () => {
    await daemon.profiles.put({
      name: 'finder',
      members: [{ server: 'everything' }, { server: 'memory' }, { server: 'filesystem' }],
      filters: { deny: ['filesystem__write_*'] },
      tools: { mode: 'search', pin: ['memory__read_graph'] },
    });
    const session = await connectHttp(daemon.profileEndpoint('finder'), new Client({ name: 'finder', version: '1' }));
    try {
      const { client } = session;
      expect((await client.listTools()).tools.map((t) => t.name)).toEqual([
        'search_tools',
        'call_tool',
        'memory__read_graph',
      ]);
      const found = (await client.callTool({
        name: 'search_tools',
        arguments: { query: 'read a file', limit: 5 },
      })) as unknown as {
        structuredContent: { tools: Array<{ name: string; inputSchema: unknown }> };
      };
      const ranked = found.structuredContent.tools.map((t) => t.name);
      expect(ranked[0]).toMatch(/^filesystem__read_/);
      expect(ranked.slice(0, 2).every((name) => name.startsWith('filesystem__read_'))).toBe(true);
      expect(found.structuredContent.tools[0]?.inputSchema).toHaveProperty('properties');

      const read = await client.callTool({
        name: 'call_tool',
        arguments: { name: 'filesystem__read_text_file', arguments: { path: join(dir, 'hello.txt') } },
      });
      expect(text(read)).toContain('hello through a profile');
      const writes = (await client.callTool({
        name: 'search_tools',
        arguments: { query: 'write a file' },
      })) as unknown as {
        structuredContent: { tools: Array<{ name: string }> };
      };
      expect(writes.structuredContent.tools.some((t) => t.name.startsWith('filesystem__write_'))).toBe(false);
      await expect(
        client.callTool({
          name: 'call_tool',
          arguments: { name: 'filesystem__write_file', arguments: { path: join(dir, 'x.txt'), content: 'no' } },
        }),
      ).rejects.toThrow(/filesystem__write_file/);
    } finally {
      await session.close();
    }
  });

  it('filters remove exactly what they match, and a filtered tool called by name is refused', async () => {
    await daemon.profiles.put({
      name: 'trimmed',
      members: [{ server: 'everything' }, { server: 'memory' }, { server: 'filesystem' }],
      filters: {
        allow: ['everything__*', 'memory__*', 'filesystem__read_*'],
        deny: ['everything__trigger-*', 'memory__delete_*'],
      },
    });
    const all = await connectHttp(daemon.profileEndpoint('trio'), new Client({ name: 'all', version: '1' }));
    const trimmed = await connectHttp(daemon.profileEndpoint('trimmed'), new Client({ name: 'trimmed', version: '1' }));
    const every = (await all.client.listTools()).tools.map((t) => t.name);
    const kept = (await trimmed.client.listTools()).tools.map((t) => t.name);
    const expected = every.filter(
      (n) =>
        (n.startsWith('everything__') || n.startsWith('memory__') || n.startsWith('filesystem__read_')) &&
        !n.startsWith('everything__trigger-') &&
        !n.startsWith('memory__delete_'),
    );
    expect(kept).toEqual(expected);
    expect(kept).not.toContain('memory__delete_entities');
    await expect(
      trimmed.client.callTool({ name: 'memory__delete_entities', arguments: { entityNames: [] } }),
    ).rejects.toThrow(/filters hide it/);
    await all.close();
    await trimmed.close();
  });

  it('a stopped member: others answer, list_changed arrives, its tools error naming it; started, they are back', async () => {
    const session = await connectHttp(daemon.profileEndpoint('trio'), new Client({ name: 'degrade', version: '1' }));
    const { client } = session;
    let changes = 0;
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      changes++;
    });
    expect((await client.listTools()).tools.map((t) => t.name)).toContain('memory__read_graph');
    await client.callTool({ name: 'memory__read_graph', arguments: {} });

    const stopped = await mcpctl(daemon.home, ['server', 'stop', 'memory']);
    expect(stopped.code, stopped.stderr).toBe(0);
    await waitFor('list_changed after the stop', () => (changes > 0 ? true : undefined));
    const after = (await client.listTools()).tools.map((t) => t.name);
    expect(after.some((n) => n.startsWith('memory__'))).toBe(false);
    expect(text(await client.callTool({ name: 'everything__echo', arguments: { message: 'alive' } }))).toBe(
      'Echo: alive',
    );
    await expect(client.callTool({ name: 'memory__read_graph', arguments: {} })).rejects.toThrow(/server 'memory'/);

    const seen = changes;
    const started = await mcpctl(daemon.home, ['server', 'start', 'memory']);
    expect(started.code, started.stderr).toBe(0);
    await waitFor('list_changed after the start', () => (changes > seen ? true : undefined));
    await waitFor('memory tools back', async () =>
      (await client.listTools()).tools.some((t) => t.name === 'memory__read_graph') ? true : undefined,
    );
    expect(text(await client.callTool({ name: 'memory__read_graph', arguments: {} }))).toContain('entities');
    await session.close();
  });

  it('follows its ProfileSource: a changed profile sends list_changed, a removed one ends its sessions', async () => {
    await daemon.profiles.put({ name: 'shifting', members: [{ server: 'everything' }, { server: 'memory' }] });
    const session = await connectHttp(
      daemon.profileEndpoint('shifting'),
      new Client({ name: 'shifting', version: '1' }),
    );
    let changes = 0;
    session.client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      changes++;
    });
    expect((await session.client.listTools()).tools.map((t) => t.name)).toContain('memory__read_graph');
    await daemon.profiles.put({
      name: 'shifting',
      members: [{ server: 'everything' }, { server: 'memory' }],
      filters: { deny: ['memory__*'] },
    });
    await waitFor('list_changed after the filter change', () => (changes > 0 ? true : undefined));
    expect((await session.client.listTools()).tools.some((t) => t.name.startsWith('memory__'))).toBe(false);
    await daemon.profiles.remove('shifting');
    await expect(session.client.listTools()).rejects.toThrow();
    const gone = await fetch(daemon.profileEndpoint('shifting'), { method: 'POST', body: '{}' });
    expect(gone.status).toBe(404);
    await session.close();
  });

  it('a bridge to a profile that is removed exits 8 naming the profile', async () => {
    await daemon.profiles.put({ name: 'fleeting', members: [{ server: 'everything' }] });
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [CLI, 'connect', '--profile', 'fleeting', '--reconnect-timeout', '5s'],
      env: { ...process.env, MCPCTL_HOME: daemon.home } as Record<string, string>,
      stderr: 'pipe',
    });
    let stderr = '';
    transport.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const client = new Client({ name: 'fleeting', version: '1' });
    const closed = new Promise<void>((resolve) => {
      client.onclose = () => resolve();
    });
    await client.connect(transport);
    expect((await client.listTools()).tools.map((t) => t.name)).toContain('everything__echo');
    await daemon.profiles.remove('fleeting');
    await client.listTools().catch(() => undefined);
    await closed;
    expect(stderr).toMatch(/profile 'fleeting' was removed from mcpctl/);
    expect(stderr).toMatch(/mcpctl profile create fleeting/);
  });

  it('a member in isolated mode serves each profile session with a process of its own', async () => {
    await addServer(daemon.home, 'solo', ['--share', 'isolated'], [process.execPath, EVERYTHING, 'stdio']);
    await daemon.profiles.put({ name: 'with-solo', members: [{ server: 'memory' }, { server: 'solo' }] });
    const session = await connectHttp(daemon.profileEndpoint('with-solo'), new Client({ name: 'solo', version: '1' }));
    expect((await session.client.listTools()).tools.map((t) => t.name)).toContain('solo__echo');
    expect(text(await session.client.callTool({ name: 'solo__echo', arguments: { message: 'own' } }))).toBe(
      'Echo: own',
    );
    const show = await mcpctlJson<{ processes?: { sessionId: string | null }[] }>(daemon.home, [
      'server',
      'show',
      'solo',
    ]);
    const leased = (show.processes ?? []).filter((p) => p.sessionId !== null).map((p) => p.sessionId);
    // The profile's catalog session and this client's session each lease one.
    expect(leased.length).toBeGreaterThanOrEqual(2);
    await session.close();
  });

  it('a member that never answers tools/list: the profile answers within the deadline without it', async () => {
    await daemon.profiles.put({
      name: 'stalled',
      members: [{ server: 'stuck' }, { server: 'everything' }],
      listTimeoutMs: 500,
    });
    const session = await connectHttp(daemon.profileEndpoint('stalled'), new Client({ name: 'stalled', version: '1' }));
    const started = performance.now();
    const { tools } = await session.client.listTools();
    expect(performance.now() - started).toBeLessThan(2000);
    expect(tools.map((t) => t.name)).toContain('everything__echo');
    expect(tools.some((t) => t.name.startsWith('stuck__'))).toBe(false);
    await session.close();
  });

  it('an unknown profile or a name in a bad shape is a 404 with a JSON body, never a stack', async () => {
    for (const path of ['/profiles/nope/mcp', '/profiles/..%2Fetc/mcp', '/profiles/UPPER/mcp', '/profiles/nope/sse']) {
      const response = await fetch(`${daemon.gatewayUrl}${path}`, {
        method: path.endsWith('sse') ? 'GET' : 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        ...(path.endsWith('sse') ? {} : { body: '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}' }),
      });
      expect(response.status, path).toBe(404);
      const body = (await response.json()) as { error: { message: string } };
      expect(body.error.message).toMatch(/^Not Found/);
      expect(body.error.message).not.toMatch(/at .*\.js/);
    }
    const url = await mcpctl(daemon.home, ['connect', '--profile', 'nope']);
    expect(url.code).toBe(8);
    expect(url.stderr).toMatch(/no profile named 'nope'/);
    const both = await mcpctl(daemon.home, ['connect', 'everything', '--profile', 'trio']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/a server name or --profile, not both/);
    // No name and no current profile (this daemon has no `currentProfile`): a usage error, not a hang.
    const bare = await mcpctl(daemon.home, ['connect']);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/connect needs a server name, --profile NAME, or a current profile/);
  });

  it('the legacy SSE endpoint of a profile names its own messages endpoint', async () => {
    const controller = new AbortController();
    const response = await fetch(`${daemon.gatewayUrl}/profiles/trio/sse`, {
      headers: { accept: 'text/event-stream' },
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const { value } = await reader.read();
    expect(new TextDecoder().decode(value)).toMatch(/data: \/profiles\/trio\/messages\?sessionId=/);
    controller.abort();
  });
});
