import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AggregateBackend } from '../../../../src/protocol/aggregate/aggregateBackend.js';
import { clientSafeName } from '../../../../src/protocol/aggregate/naming.js';
import type { ToolSearchMode } from '../../../../src/protocol/aggregate/types.js';
import { silentLogger } from '../../../../src/shared/logger.js';
import { type Delivery, isNotificationOf, resultOf, TestClient, textOf } from '../multiplex/harness.js';
import { aggregate, everything, filesystem, hanging, memory, oddNames, settings, withMembers } from './members.js';

const dir = mkdtempSync(join(tmpdir(), 'mcpctl-aggregate-'));
writeFileSync(join(dir, 'hello.txt'), 'hello from the filesystem member');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ev = everything();
const mem = memory();
const fs = filesystem(dir);
const stuck = hanging();
const odd = oddNames();
withMembers([ev, mem, fs, stuck, odd]);

let sessions = 0;
async function client(backend: ReturnType<typeof aggregate>, capabilities: Record<string, unknown> = {}) {
  const c = TestClient.open(backend, `s${++sessions}`);
  const init = await c.initialize(capabilities);
  return { c, init: resultOf(init) };
}

async function toolNames(c: TestClient): Promise<string[]> {
  const names: string[] = [];
  let cursor: string | undefined;
  do {
    const page = resultOf(await c.request('tools/list', cursor === undefined ? {} : { cursor }));
    names.push(...(page.tools as { name: string }[]).map((t) => t.name));
    cursor = page.nextCursor as string | undefined;
  } while (cursor !== undefined);
  return names;
}

const listChanged = (d: Delivery) => isNotificationOf(d.message, 'notifications/tools/list_changed');

describe('a profile of server-everything, server-memory and server-filesystem', () => {
  it('lists the union of prefixed tools, calls one of each and reads a resource of each member that has one', async () => {
    const profile = aggregate([ev, mem, fs]);
    const { c, init } = await client(profile);
    expect(init.serverInfo).toEqual({ name: 'work', version: '9.9.9' });
    expect(init.capabilities).toMatchObject({ tools: { listChanged: true }, resources: { subscribe: true } });
    expect(String(init.instructions)).toContain('## everything');

    const names = await toolNames(c);
    expect(names).toContain('everything__echo');
    expect(names).toContain('memory__read_graph');
    expect(names).toContain('filesystem__read_text_file');
    expect(names.every((n) => /^(everything|memory|filesystem)__/.test(n))).toBe(true);

    expect(textOf(await c.request('tools/call', { name: 'everything__echo', arguments: { message: 'hi' } }))).toBe(
      'Echo: hi',
    );
    const graph = await c.request('tools/call', { name: 'memory__read_graph', arguments: {} });
    expect(textOf(graph)).toContain('entities');
    const file = await c.request('tools/call', {
      name: 'filesystem__read_text_file',
      arguments: { path: join(dir, 'hello.txt') },
    });
    expect(textOf(file)).toBe('hello from the filesystem member');

    const resources = resultOf(await c.request('resources/list', {})).resources as { uri: string }[];
    const staticDoc = resources.find((r) => r.uri.startsWith('demo://resource/static/'));
    expect(resources.map((r) => r.uri)).toContain('memory://knowledge-graph');
    const doc = resultOf(await c.request('resources/read', { uri: staticDoc?.uri }));
    expect(doc.contents).toHaveLength(1);
    const kg = resultOf(await c.request('resources/read', { uri: 'memory://knowledge-graph' }));
    expect(JSON.stringify(kg.contents)).toContain('entities');
    // A URI of a member's template (not in any list) goes to that member.
    const dynamic = await c.request('resources/read', { uri: 'demo://resource/dynamic/text/7' });
    expect(resultOf(dynamic).contents).toBeDefined();
    c.endSession();
  });

  it('paginates its own lists over all members with an opaque cursor', async () => {
    const { c: whole } = await client(aggregate([ev, mem, fs]));
    const first = resultOf(await whole.request('tools/list', {}));
    expect(first.nextCursor).toBeUndefined();
    const { c } = await client(aggregate([ev, mem, fs], {}, 7));
    const page = resultOf(await c.request('tools/list', {}));
    expect(page.tools).toHaveLength(7);
    expect(typeof page.nextCursor).toBe('string');
    const all = await toolNames(c);
    expect(all).toEqual((first.tools as { name: string }[]).map((t) => t.name));
    expect(all.length).toBeGreaterThan(30);
    whole.endSession();
    const bad = await c.request('tools/list', { cursor: 'not-a-cursor' });
    expect(bad).toMatchObject({ error: { code: -32602 } });
    c.endSession();
  });

  it('applies filters (deny wins) to tools and prompts and refuses a filtered tool called by name', async () => {
    const allow = /^(everything__|memory__)/;
    const deny = /^everything__(get-|trigger-)/;
    const profile = aggregate([ev, mem, fs], { allows: (name) => allow.test(name) && !deny.test(name) });
    const unfiltered = aggregate([ev, mem, fs]);
    const { c } = await client(profile);
    const { c: plain } = await client(unfiltered);
    const everyName = await toolNames(plain);
    const expected = everyName.filter((n) => allow.test(n) && !deny.test(n));
    expect(await toolNames(c)).toEqual(expected);
    expect(expected).toContain('everything__echo');
    const refused = await c.request('tools/call', { name: 'everything__get-sum', arguments: { a: 1, b: 2 } });
    expect(refused).toMatchObject({ error: { code: -32602 } });
    expect(JSON.stringify(refused)).toMatch(/filters hide it/);
    const prompts = resultOf(await c.request('prompts/list', {})).prompts as { name: string }[];
    expect(prompts.every((p) => allow.test(p.name) && !deny.test(p.name))).toBe(true);
    c.endSession();
    plain.endSession();
  });

  it('renames and redescribes by override and maps calls back; prompts and completions route by name', async () => {
    const profile = aggregate([ev, mem], {
      overrides: { everything__echo: { rename: 'say', description: 'Says it back' } },
    });
    const { c } = await client(profile);
    const tools = resultOf(await c.request('tools/list', {})).tools as { name: string; description: string }[];
    expect(tools.find((t) => t.name === 'say')?.description).toBe('Says it back');
    expect(tools.some((t) => t.name === 'everything__echo')).toBe(false);
    expect(textOf(await c.request('tools/call', { name: 'say', arguments: { message: 'x' } }))).toBe('Echo: x');
    const prompt = await c.request('prompts/get', { name: 'everything__simple-prompt' });
    expect(resultOf(prompt).messages).toBeDefined();
    const completion = await c.request('completion/complete', {
      ref: { type: 'ref/prompt', name: 'everything__completable-prompt' },
      argument: { name: 'department', value: 'En' },
    });
    expect(JSON.stringify(resultOf(completion))).toContain('Engineering');
    c.endSession();
  });

  it('routes sampling, progress and log levels per member session', async () => {
    const profile = aggregate([mem, ev]);
    const { c } = await client(profile, { sampling: {} });
    c.onServerRequest = () => ({ role: 'assistant', content: { type: 'text', text: 'sampled' }, model: 'm' });
    const sampled = await c.request(
      'tools/call',
      { name: 'everything__trigger-sampling-request', arguments: { prompt: 'p', maxTokens: 3 } },
      'call-1',
    );
    expect(textOf(sampled)).toContain('sampled');
    const request = c.serverRequests()[0];
    expect(request?.method).toBe('sampling/createMessage');
    expect(c.deliveries.find((d) => d.message === request)?.related).toBe('call-1');

    const long = await c.request('tools/call', {
      name: 'everything__trigger-long-running-operation',
      arguments: { duration: 0.2, steps: 2 },
      _meta: { progressToken: 'tok' },
    });
    expect(resultOf(long).content).toBeDefined();
    const progress = c.notifications('notifications/progress');
    expect(progress.length).toBeGreaterThan(0);
    expect(
      progress.every(
        (d) => (d.message as unknown as { params: { progressToken: unknown } }).params.progressToken === 'tok',
      ),
    ).toBe(true);
    expect(await c.request('logging/setLevel', { level: 'debug' })).toMatchObject({ result: {} });
    expect(await c.request('logging/setLevel', { level: 'loud' })).toMatchObject({ error: { code: -32602 } });
    expect(await c.request('tools/call', { name: 'x' }, 'mcpctl-aggregate:1')).toMatchObject({
      error: { code: -32600 },
    });
    c.endSession();
  });

  it('answers tools/list within the deadline when a member hangs, and shows it as hung', async () => {
    const profile = aggregate([ev, stuck], { listTimeoutMs: 400 });
    const { c } = await client(profile);
    const started = performance.now();
    const names = await toolNames(c);
    expect(performance.now() - started).toBeLessThan(1500);
    expect(names).toContain('everything__echo');
    expect(names.some((n) => n.startsWith('stuck__'))).toBe(false);
    const view = await profile.catalog();
    expect(view.members.map((m) => [m.server, m.state])).toEqual([
      ['everything', 'ready'],
      ['stuck', 'hung'],
    ]);
    // Once hung, it no longer makes every list wait.
    const again = performance.now();
    await toolNames(c);
    expect(performance.now() - again).toBeLessThan(300);
    c.endSession();
  });

  it('names: the first member unprefixed when asked, long names shortened stably, collisions first-wins', async () => {
    const profile = aggregate([ev, mem], { prefixFirst: false, separator: '--' });
    const { c } = await client(profile);
    const names = await toolNames(c);
    expect(names).toContain('echo');
    expect(names).toContain('memory--read_graph');
    const long = `${'a'.repeat(40)}__${'b'.repeat(40)}`;
    expect(clientSafeName(long)).toHaveLength(64);
    expect(clientSafeName(long)).toBe(clientSafeName(long));
    expect(clientSafeName(long)).not.toBe(clientSafeName(`${long}c`));
    expect(clientSafeName('a.b')).toMatch(/^a_b_[0-9a-f]{8}$/);
    c.endSession();

    const clash = aggregate([ev, mem], { overrides: { memory__read_graph: { rename: 'everything__echo' } } });
    const view = await clash.catalog();
    expect(view.collisions).toEqual([
      { kind: 'tool', name: 'everything__echo', winner: 'everything', losers: ['memory'] },
    ]);
    expect(view.members[1]?.tools.some((t) => t.original === 'read_graph')).toBe(false);
  });
});

describe('names strict clients refuse, and contested URIs', () => {
  it('shortens them stably, maps calls back, reports the mapping; the first member keeps a contested URI', async () => {
    const profile = aggregate([mem, odd]);
    const { c } = await client(profile);
    const names = await toolNames(c);
    const long = `odd__summarize_${'very_'.repeat(10)}long_report`;
    const short = clientSafeName(long);
    expect(short).toMatch(/^odd__summarize_very_.*_[0-9a-f]{8}$/);
    expect(short).toHaveLength(64);
    expect(names).toContain(short);
    expect(names).toContain(clientSafeName('odd__files.read'));
    expect(names.every((n) => /^[a-zA-Z0-9_-]{1,64}$/.test(n))).toBe(true);
    expect(textOf(await c.request('tools/call', { name: short, arguments: {} }))).toBe(
      `called summarize_${'very_'.repeat(10)}long_report`,
    );
    const view = await profile.catalog();
    expect(view.members[1]?.tools).toEqual([
      { name: short, original: `summarize_${'very_'.repeat(10)}long_report`, description: expect.any(String) },
      { name: clientSafeName('odd__files.read'), original: 'files.read', description: 'the files.read tool' },
    ]);
    expect(view.collisions).toEqual([
      { kind: 'resource', name: 'memory://knowledge-graph', winner: 'memory', losers: ['odd'] },
    ]);
    const read = resultOf(await c.request('resources/read', { uri: 'memory://knowledge-graph' }));
    expect(JSON.stringify(read.contents)).not.toContain('from odd-names');
    // A fresh aggregate (a daemon restart) gives the same names.
    const { c: again } = await client(aggregate([mem, odd]));
    expect(await toolNames(again)).toEqual(names);
    c.endSession();
    again.endSession();
  });
});

describe('search mode', () => {
  it('asks its ToolSearchMode what to list and how to answer a call, and routes call_tool to the real tool', async () => {
    const search: ToolSearchMode = {
      listed: (tools) => [
        { name: 'search_tools', inputSchema: { type: 'object' } },
        ...tools.filter((t) => t.name === 'memory__read_graph'),
      ],
      call: (name, args, tools) => {
        if (name === 'search_tools')
          return { result: Promise.resolve({ content: [{ type: 'text', text: String(tools.length) }] }) };
        if (name === 'call_tool')
          return { route: { name: String(args.name), arguments: args.arguments as Record<string, unknown> } };
        return undefined;
      },
    };
    const profile = aggregate([ev, mem], { toolMode: 'search', search });
    const { c } = await client(profile);
    expect(await toolNames(c)).toEqual(['search_tools', 'memory__read_graph']);
    const { c: plain } = await client(aggregate([ev, mem]));
    const count = (await toolNames(plain)).length;
    expect(textOf(await c.request('tools/call', { name: 'search_tools', arguments: { query: 'x' } }))).toBe(
      String(count),
    );
    const routed = await c.request('tools/call', {
      name: 'call_tool',
      arguments: { name: 'everything__echo', arguments: { message: 'found' } },
    });
    expect(textOf(routed)).toBe('Echo: found');
    expect(textOf(await c.request('tools/call', { name: 'memory__read_graph', arguments: {} }))).toContain('entities');
    c.endSession();
    plain.endSession();
  });
});

describe('following the profile and its members', () => {
  it('a changed profile (filters, members) sends list_changed and the new list', async () => {
    const profile = aggregate([ev, mem]);
    const { c } = await client(profile);
    expect(await toolNames(c)).toContain('memory__read_graph');
    profile.update(settings([ev, mem], { allows: (name) => !name.startsWith('memory__') }));
    await c.waitFor(listChanged, 'list_changed after the filter change');
    const names = await toolNames(c);
    expect(names.some((n) => n.startsWith('memory__'))).toBe(false);
    expect(names).toContain('everything__echo');
    const count = c.notifications('notifications/tools/list_changed').length;
    profile.update(settings([mem]));
    await c.waitFor(() => c.notifications('notifications/tools/list_changed').length > count, 'list_changed');
    expect((await toolNames(c)).every((n) => n.startsWith('memory__'))).toBe(true);
    c.endSession();
  });

  it('passes a client cancellation to the member that runs the request', async () => {
    const profile = aggregate([mem, ev]);
    const { c } = await client(profile);
    const sentBefore = ev.upstream?.sent.length ?? 0;
    c.send({
      jsonrpc: '2.0',
      id: 'long',
      method: 'tools/call',
      params: { name: 'everything__trigger-long-running-operation', arguments: { duration: 5, steps: 5 } },
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    c.notify('notifications/cancelled', { requestId: 'long', reason: 'changed my mind' });
    const upstream = ev.upstream;
    if (upstream === undefined) throw new Error('everything is not running');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const cancelled = upstream.sent
      .slice(sentBefore)
      .find((m) => 'method' in m && m.method === 'notifications/cancelled');
    expect(cancelled).toMatchObject({ params: { reason: 'changed my mind' } });
    expect(c.deliveries.some((d) => !('method' in d.message) && d.message.id === 'long')).toBe(false);
    c.endSession();
  });

  it('a hung member holding the only start slot delays the others by one deadline, not forever', async () => {
    const profile = new AggregateBackend({
      settings: settings([stuck, ev], { listTimeoutMs: 300 }),
      logger: silentLogger,
      concurrency: 1,
    });
    const { c } = await client(profile);
    const started = performance.now();
    await toolNames(c);
    expect(performance.now() - started).toBeLessThan(1500);
    await c.waitFor(
      () => c.notifications('notifications/tools/list_changed').length > 0 || false,
      'everything to load after the hung member',
    );
    expect(await toolNames(c)).toContain('everything__echo');
    c.endSession();
  });
});

describe('graceful degradation', () => {
  it('a stopped member: others answer, list_changed, its tools error naming it; started again, they are back', async () => {
    const volatile = memory('notes');
    await volatile.up();
    const profile = aggregate([ev, volatile]);
    const { c } = await client(profile);
    expect(await toolNames(c)).toContain('notes__read_graph');
    // The session has a member session on it, which the stop ends.
    await c.request('tools/call', { name: 'notes__read_graph', arguments: {} });

    const before = c.notifications('notifications/tools/list_changed').length;
    await volatile.down();
    profile.memberChanged('notes');
    await c.waitFor(
      (d) => listChanged(d) && c.notifications('notifications/tools/list_changed').length > before,
      'list_changed after the stop',
    );
    const names = await toolNames(c);
    expect(names.some((n) => n.startsWith('notes__'))).toBe(false);
    expect(names).toContain('everything__echo');
    expect(textOf(await c.request('tools/call', { name: 'everything__echo', arguments: { message: 'still' } }))).toBe(
      'Echo: still',
    );
    const vanished = await c.request('tools/call', { name: 'notes__read_graph', arguments: {} });
    expect(vanished).toMatchObject({ error: { code: -32000 } });
    expect(JSON.stringify(vanished)).toMatch(/server 'notes' of profile work is down: stopped/);

    const count = c.notifications('notifications/tools/list_changed').length;
    await volatile.up();
    profile.memberChanged('notes');
    await c.waitFor(
      () => c.notifications('notifications/tools/list_changed').length > count,
      'list_changed after the start',
    );
    expect(await toolNames(c)).toContain('notes__read_graph');
    expect(textOf(await c.request('tools/call', { name: 'notes__read_graph', arguments: {} }))).toContain('entities');
    c.endSession();
    await volatile.down();
  });

  it("the profile's own catalog session does not keep a member logging at its most verbose", async () => {
    const quiet = everything('quiet');
    await quiet.up();
    await aggregate([quiet]).catalog();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const levels = (quiet.upstream?.sent ?? [])
      .filter((m) => 'method' in m && m.method === 'logging/setLevel')
      .map((m) => (m as unknown as { params: { level: string } }).params.level);
    expect(levels.at(-1)).toBe('emergency');
    await quiet.down();
  });

  it('a profile whose members are all down still answers initialize, ping and empty lists', async () => {
    const gone = memory('gone');
    gone.liveness = 'down';
    const profile = aggregate([gone]);
    const { c, init } = await client(profile);
    expect(init.capabilities).toMatchObject({ tools: { listChanged: true } });
    expect(await c.request('ping')).toMatchObject({ result: {} });
    expect(resultOf(await c.request('tools/list', {})).tools).toEqual([]);
    expect(resultOf(await c.request('prompts/list', {})).prompts).toEqual([]);
    expect(resultOf(await c.request('resources/list', {})).resources).toEqual([]);
    const view = await profile.catalog();
    expect(view.members).toEqual([
      { server: 'gone', state: 'down', tools: [], prompts: [], resources: 0, resourceTemplates: 0 },
    ]);
    c.endSession();
  });
});
