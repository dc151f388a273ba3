import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import parsePrometheusTextFormat, { type MetricFamily } from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricsSnapshot } from '../../src/core/api.js';
import { EVERYTHING, mcpctlJson } from '../helpers/cli.js';
import { connectHttp, type HttpSession } from '../helpers/mcpClient.js';
import { addServer, type ProfileDaemon, startProfileDaemon } from '../helpers/profileDaemon.js';

let daemon: ProfileDaemon;
let direct: HttpSession;
let viaProfile: HttpSession;

/** The calls every assertion below counts: echo ×3 direct, a bad-arguments echo, an unknown tool, two echoes through a profile. */
beforeAll(async () => {
  daemon = await startProfileDaemon();
  await addServer(daemon.home, 'every', [], [process.execPath, EVERYTHING]);
  await daemon.profiles.put({ name: 'duo', members: [{ server: 'every' }] });
  direct = await connectHttp(daemon.endpoint('every'), new Client({ name: 'metrics-test', version: '1.0.0' }));
  for (const message of ['a', 'b', 'c']) await direct.client.callTool({ name: 'echo', arguments: { message } });
  await direct.client.callTool({ name: 'echo', arguments: {} }); // fails validation: isError
  await direct.client.callTool({ name: 'no-such-tool', arguments: {} }); // unknown: isError
  viaProfile = await connectHttp(daemon.profileEndpoint('duo'), new Client({ name: 'metrics-test', version: '1.0.0' }));
  const { tools } = await viaProfile.client.listTools();
  const echo = tools.find((tool) => tool.name.endsWith('echo'));
  if (echo === undefined) throw new Error('the profile lists no echo tool');
  for (const message of ['d', 'e']) await viaProfile.client.callTool({ name: echo.name, arguments: { message } });
  // Refused before any session: a foreign origin, a body over the limit, a method nobody knows.
  const refused = await fetch(daemon.endpoint('every'), { method: 'POST', headers: { origin: 'http://evil.example' } });
  expect(refused.status).toBe(403);
  const post = (body: string, sessionId?: string) =>
    fetch(daemon.endpoint('every'), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        ...(sessionId === undefined ? {} : { 'mcp-session-id': sessionId }),
      },
      body,
    });
  expect((await post('x'.repeat(5 * 1024 * 1024))).status).toBe(413);
  const sessionId = (direct.client.transport as { sessionId?: string } | undefined)?.sessionId;
  const unknown = await post(JSON.stringify({ jsonrpc: '2.0', id: 99, method: 'vendor/made-up' }), sessionId);
  expect(unknown.status).toBe(200);
}, 90_000);

afterAll(async () => {
  await direct?.close();
  await viaProfile?.close();
  await daemon?.stop();
});

async function scrapeText(): Promise<string> {
  const response = await fetch(`${daemon.gatewayUrl}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return response.text();
}

async function scrape(): Promise<MetricFamily[]> {
  return parsePrometheusTextFormat(await scrapeText());
}

/**
 * The parser folds a labelled histogram's series into one sample without labels (it handles
 * unlabelled ones only), so the histogram's series are read untyped: `_bucket`, `_sum` and
 * `_count` then come out as families of their own, each sample with its labels.
 */
function untypedHistogram(text: string, name: string): MetricFamily[] {
  return parsePrometheusTextFormat(text.replace(`# TYPE ${name} histogram\n`, ''));
}

function family(families: MetricFamily[], name: string): MetricFamily {
  const found = families.find((f) => f.name === name);
  if (found === undefined) throw new Error(`no metric ${name}`);
  return found;
}

function value(f: MetricFamily, labels: Record<string, string>): number | undefined {
  const found = f.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  return found?.value === undefined ? undefined : Number(found.value);
}

describe('GET /metrics after a known sequence of calls', () => {
  it('counts each tool call by tool and outcome, and the latency histogram holds every one of them', async () => {
    const families = await scrape();
    const calls = family(families, 'mcpctl_tool_calls_total');
    expect(calls.type).toBe('COUNTER');
    // Three direct echoes and the profile's two reach the server as echo.
    expect(value(calls, { server: 'every', tool: 'echo', outcome: 'ok' })).toBe(5);
    expect(value(calls, { server: 'every', tool: 'echo', outcome: 'tool_error' })).toBe(1);
    expect(value(calls, { server: 'every', tool: 'no-such-tool', outcome: 'tool_error' })).toBe(1);
    expect(calls.metrics.filter((m) => m.labels?.server === 'every')).toHaveLength(3);
    expect(family(families, 'mcpctl_tool_call_duration_seconds').type).toBe('HISTOGRAM');
    const series = untypedHistogram(await scrapeText(), 'mcpctl_tool_call_duration_seconds');
    expect(value(family(series, 'mcpctl_tool_call_duration_seconds_count'), { server: 'every' })).toBe(7);
    const buckets = family(series, 'mcpctl_tool_call_duration_seconds_bucket');
    expect(value(buckets, { server: 'every', le: '+Inf' })).toBe(7);
    expect(value(buckets, { server: 'every', le: '60' })).toBe(7);
    expect(value(family(series, 'mcpctl_tool_call_duration_seconds_sum'), { server: 'every' })).toBeGreaterThan(0);
  });

  it("counts the profile's calls by member, the gateway's messages, refusals, sessions and bytes", async () => {
    const families = await scrape();
    expect(value(family(families, 'mcpctl_profile_calls_total'), { profile: 'duo', member: 'every' })).toBe(2);
    const errors = family(families, 'mcpctl_profile_errors_total');
    expect(value(errors, { profile: 'duo', member: 'every' }) ?? 0).toBe(0);
    const rejected = family(families, 'mcpctl_gateway_rejected_requests_total');
    expect(value(rejected, { reason: 'origin' })).toBe(1);
    expect(value(rejected, { reason: 'size' })).toBe(1);
    expect(value(rejected, { reason: 'auth' })).toBe(0);
    const messages = family(families, 'mcpctl_gateway_messages_total');
    expect(value(messages, { target: 'every', direction: 'in', method: 'tools/call' })).toBe(5);
    expect(value(messages, { target: 'every', direction: 'in', method: 'other' })).toBe(1);
    expect(value(messages, { target: 'profiles/duo', direction: 'in', method: 'tools/call' })).toBe(2);
    const sessions = family(families, 'mcpctl_gateway_sessions');
    expect(value(sessions, { target: 'every', transport: 'streamable-http' })).toBe(1);
    expect(value(sessions, { target: 'profiles/duo', transport: 'streamable-http' })).toBe(1);
    const bytes = family(families, 'mcpctl_gateway_bytes_total');
    expect(value(bytes, { direction: 'in' })).toBeGreaterThan(1000);
    expect(value(bytes, { direction: 'out' })).toBeGreaterThan(1000);
  });

  it("reports each server's state, restarts, uptime and its process tree's CPU and memory, and the daemon's own", async () => {
    const families = await scrape();
    expect(value(family(families, 'mcpctl_server_state'), { server: 'every', state: 'running' })).toBe(1);
    expect(value(family(families, 'mcpctl_server_state'), { server: 'every', state: 'failed' })).toBe(0);
    expect(value(family(families, 'mcpctl_server_restarts_total'), { server: 'every' })).toBe(0);
    expect(value(family(families, 'mcpctl_server_uptime_seconds'), { server: 'every' })).toBeGreaterThan(0);
    expect(value(family(families, 'mcpctl_server_cpu_seconds_total'), { server: 'every' })).toBeGreaterThan(0);
    expect(value(family(families, 'mcpctl_server_memory_rss_bytes'), { server: 'every' })).toBeGreaterThan(
      10 * 1024 * 1024,
    );
    expect(value(family(families, 'process_resident_memory_bytes'), {})).toBeGreaterThan(0);
  });

  it('mcpctl metrics -o json agrees with the scrape', async () => {
    const families = await scrape();
    const snapshot = await mcpctlJson<MetricsSnapshot>(daemon.home, ['metrics', '-o', 'json']);
    expect(snapshot.enabled).toBe(true);
    const every = snapshot.servers.find((s) => s.name === 'every');
    expect(every?.calls).toEqual({ ok: 5, tool_error: 2, rpc_error: 0 });
    expect(every?.window).toMatchObject({ calls: 7, errors: 2 });
    expect(every?.window.p50Ms).toBeGreaterThan(0);
    expect(every?.window.p95Ms).toBeGreaterThanOrEqual(every?.window.p50Ms ?? 0);
    const calls = family(families, 'mcpctl_tool_calls_total');
    for (const tool of every?.tools ?? []) {
      for (const [outcome, count] of Object.entries(tool.calls)) {
        expect(value(calls, { server: 'every', tool: tool.tool, outcome }) ?? 0).toBe(count);
      }
    }
    expect(snapshot.profiles).toEqual([{ profile: 'duo', member: 'every', calls: 2, errors: 0 }]);
    expect(snapshot.gateway.rejected).toMatchObject({ origin: 1, size: 1 });
    expect(every?.sessions).toBe(1);
    expect(every?.rssBytes).toBe(value(family(families, 'mcpctl_server_memory_rss_bytes'), { server: 'every' }));
  });
});
