// Issue 8: tools/list of a 10-member profile against one server's, from the cache and right after a
// member's list_changed (the profile answers that one from its refreshed cache, or waits for it).
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ListToolsResultSchema, ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { cli, fmt, median, quantile } from './lib.mjs';
import { defineProfile, OTHER_MEMBERS, PROFILE, SERVER, startDaemon } from './targets/mcpctl.mjs';

const env = (name, fallback) => Number(process.env[name] ?? fallback);
const GOAL = 'profile (10 members) tools/list cached ≤ 1.2x one server';

async function open(url, onListChanged) {
  const client = new Client({ name: 'bench-lists', version: '1.0.0' });
  if (onListChanged) client.setNotificationHandler(ToolListChangedNotificationSchema, onListChanged);
  const transport = new StreamableHTTPClientTransport(new URL(url));
  await client.connect(transport);
  return {
    client,
    close: async () => {
      await transport.terminateSession().catch(() => undefined);
      await client.close();
    },
  };
}

/**
 * tools/list as a plain request: `Client.listTools()` also compiles a JSON Schema validator for every
 * tool's output schema (about 1 ms a tool), which would time the client, not the gateway.
 */
const listTools = (client) => client.request({ method: 'tools/list', params: {} }, ListToolsResultSchema);

async function timed(fn) {
  const started = process.hrtime.bigint();
  const result = await fn();
  return { us: Number(process.hrtime.bigint() - started) / 1e3, result };
}

async function waitUntil(what, check, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function benchProfiles() {
  const n = env('BENCH_PROFILE_LISTS', 300);
  const changes = env('BENCH_PROFILE_CHANGES', 5);
  console.log(
    `\n## Profile lists (tools/list: ${n} interleaved on one server and on a 10-member profile; ${changes} list changes)`,
  );
  let daemon;
  try {
    daemon = await startDaemon(defineProfile);
  } catch (error) {
    console.log(`goal ${GOAL} : not measured (${error.message.split('\n')[0]}) MISS`);
    return;
  }
  try {
    await measureLists(daemon, n, changes);
  } catch (error) {
    console.log(`goal ${GOAL} : not measured (${error.message.split('\n')[0]}) MISS`);
  } finally {
    await daemon.stop();
  }
}

/** The measurement on a daemon whose profile `bench` is defined: `{url, home}`. */
export async function measureLists(daemon, n, changes) {
  let notified = 0;
  const sessions = [];
  try {
    const one = await open(`${daemon.url}/servers/${SERVER}/mcp`);
    sessions.push(one);
    const profile = await open(`${daemon.url}/profiles/${PROFILE}/mcp`, () => {
      notified++;
    });
    sessions.push(profile);
    const last = `${OTHER_MEMBERS.at(-1)}__read_graph`;
    const names = async () => (await listTools(profile.client)).tools.map((tool) => tool.name);
    await waitUntil('every member listed', async () => (await names()).includes(last));
    for (let i = 0; i < 50; i++) {
      await listTools(one.client);
      await listTools(profile.client);
    }
    const single = [];
    const cached = [];
    for (let i = 0; i < n; i++) {
      single.push((await timed(() => listTools(one.client))).us);
      cached.push((await timed(() => listTools(profile.client))).us);
    }
    const afterChange = [];
    const member = OTHER_MEMBERS[0];
    for (let i = 0; i < changes; i++) {
      const before = notified;
      cli(daemon.home, ['server', 'restart', member]);
      // Gone, then back: each sends list_changed; the list right after the one that brings it back is timed.
      await waitUntil(`list_changed after restarting ${member}`, () => notified > before);
      await waitUntil(`${member}'s tools back`, async () => {
        const seen = notified;
        const { us, result } = await timed(() => listTools(profile.client));
        const back = result.tools.some((tool) => tool.name === `${member}__read_graph`);
        if (back && seen > before) afterChange.push(us);
        return back;
      });
    }
    const row = (label, values) =>
      `| ${label.padEnd(34)} | ${fmt(median(values), 0).padStart(7)} | ${fmt(quantile(values, 0.99), 0).padStart(7)} | ${String(values.length).padStart(5)} |`;
    console.log('| tools/list                         |  p50 µs |  p99 µs |     n |');
    console.log('|------------------------------------|--------:|--------:|------:|');
    console.log(row(`one server (${SERVER})`, single));
    console.log(row('profile of 10, cached', cached));
    console.log(row('profile of 10, after list_changed', afterChange));
    const ratio = median(cached) / median(single);
    console.log(
      `goal ${GOAL} : ${fmt(median(cached), 0)} µs vs ${fmt(median(single), 0)} µs (${ratio.toFixed(2)}x) ${ratio <= 1.2 ? 'PASS' : 'MISS'}`,
    );
  } finally {
    for (const session of sessions) await session.close();
  }
}
