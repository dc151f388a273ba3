import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, FIXTURES, mcpctl, waitFor } from '../helpers/cli.js';
import { addRunningServer, startTestDaemon, type TestDaemon } from '../helpers/daemon.js';
import { type HeaderEcho, startHeaderEcho } from '../helpers/headerEcho.js';
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from '../helpers/otlpReceiver.js';

/** OTLP's SpanKind and StatusCode values in the JSON encoding. */
const SERVER = 2;
const CLIENT = 3;
const ERROR = 2;

let receiver: OtlpReceiver;
let daemon: TestDaemon;
let upstream: HeaderEcho;
let callLog: string;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  upstream = await startHeaderEcho();
  // Spans leave 50 ms after they end and metrics every 200 ms, instead of 5 s and 1 min.
  daemon = await startTestDaemon({
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_BSP_SCHEDULE_DELAY: '50',
    OTEL_METRIC_EXPORT_INTERVAL: '200',
    OTEL_SERVICE_NAME: 'mcpctl-under-test',
  });
  callLog = join(daemon.home, 'calls.jsonl');
  await addRunningServer(
    daemon.home,
    'recorder',
    ['--env', `CALL_LOG=${callLog}`],
    [process.execPath, join(FIXTURES, 'recorder.mjs')],
  );
  const added = await mcpctl(daemon.home, ['server', 'add', 'remote', '--url', upstream.url]);
  expect(added.code, added.stderr).toBe(0);
});
afterAll(async () => {
  await daemon?.stop();
  upstream?.kill();
  await receiver?.close();
});

/** A W3C traceparent of a caller's own span (fresh ids each time, sampled). */
function callerContext(): { traceId: string; spanId: string; traceparent: string } {
  const hex = (bytes: number) =>
    [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');
  const traceId = hex(16);
  const spanId = hex(8);
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
}

async function connect(server: string, headers: Record<string, string> = {}) {
  const transport = new StreamableHTTPClientTransport(new URL(daemon.endpoint(server)), { requestInit: { headers } });
  const client = new Client({ name: 'tracing-test', version: '1.0.0' });
  await client.connect(transport);
  return {
    client,
    sessionId: transport.sessionId,
    async close() {
      await transport.terminateSession();
      await client.close();
    },
  };
}

/** The gateway's SERVER span and its CLIENT child for one call of `traceId`, once both arrived. */
function spansOf(traceId: string, name: string): Promise<{ server: ReceivedSpan; client: ReceivedSpan }> {
  return waitFor(`the spans of ${name}`, () => {
    const server = receiver.spans.find((s) => s.traceId === traceId && s.kind === SERVER && s.name === name);
    const client = receiver.spans.find((s) => s.traceId === traceId && s.kind === CLIENT && s.name === name);
    return server && client ? { server, client } : undefined;
  });
}

function recordedCalls(): Array<{ name: string; traceparent?: string }> {
  if (!existsSync(callLog)) return [];
  return readFileSync(callLog, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

describe('OpenTelemetry tracing (OTEL_EXPORTER_OTLP_ENDPOINT set)', () => {
  it("a tools/call through the gateway is a SERVER span in the MCP conventions, child of the caller's _meta.traceparent, and the stdio upstream gets the trace in _meta", async () => {
    const caller = callerContext();
    const session = await connect('recorder');
    const result = await session.client.callTool({
      name: 'typed',
      arguments: { n: 7 },
      _meta: { traceparent: caller.traceparent },
    });
    expect(result.structuredContent).toEqual({ n: 7 });

    const { server, client } = await spansOf(caller.traceId, 'tools/call typed');
    expect(server.parentSpanId).toBe(caller.spanId);
    expect(server.attributes).toMatchObject({
      'mcp.method.name': 'tools/call',
      'gen_ai.tool.name': 'typed',
      'gen_ai.operation.name': 'execute_tool',
      'mcp.session.id': session.sessionId,
      'mcp.protocol.version': '2025-11-25',
      'network.transport': 'tcp',
      'network.protocol.name': 'http',
      'mcpctl.server': 'recorder',
    });
    expect(typeof server.attributes['jsonrpc.request.id']).toBe('string');
    expect(server.attributes['error.type']).toBeUndefined();
    expect(server.status.code ?? 0).not.toBe(ERROR);
    expect(server.resource['service.name']).toBe('mcpctl-under-test');
    // The call upstream: a CLIENT span inside the SERVER one, over the server's pipe.
    expect(client.parentSpanId).toBe(server.spanId);
    expect(client.attributes['network.transport']).toBe('pipe');

    // The upstream received the same trace, its parent the gateway's CLIENT span.
    const [call] = recordedCalls().filter((entry) => entry.name === 'typed');
    expect(call?.traceparent).toBe(`00-${caller.traceId}-${client.spanId}-01`);
    await session.close();
  });

  it('a tool that answers isError is an ERROR span with error.type tool_error; a call without trace context starts a trace of its own', async () => {
    const session = await connect('recorder');
    const before = recordedCalls().length;
    await session.client.callTool({ name: 'fail', arguments: {} });
    const span = await waitFor('the span of the failed call', () =>
      receiver.spans.find((s) => s.kind === SERVER && s.name === 'tools/call fail'),
    );
    expect(span.parentSpanId).toBeUndefined();
    expect(span.attributes['error.type']).toBe('tool_error');
    expect(span.status.code).toBe(ERROR);
    // The upstream still gets the (new) trace in _meta.
    const call = recordedCalls()
      .slice(before)
      .find((entry) => entry.name === 'fail');
    expect(call?.traceparent?.split('-')[1]).toBe(span.traceId);
    await session.close();
  });

  it('takes the HTTP traceparent header when _meta has none, and passes the trace to an http upstream as a header', async () => {
    const caller = callerContext();
    const session = await connect('remote', { traceparent: caller.traceparent });
    const result = (await session.client.callTool({ name: 'request-headers', arguments: {} })) as {
      content: Array<{ text: string }>;
    };
    const seen = JSON.parse(result.content[0]?.text ?? '{}') as Record<string, string>;
    const { server, client } = await spansOf(caller.traceId, 'tools/call request-headers');
    expect(server.parentSpanId).toBe(caller.spanId);
    expect(server.attributes['mcpctl.server']).toBe('remote');
    expect(client.attributes).toMatchObject({ 'network.transport': 'tcp', 'network.protocol.name': 'http' });
    expect(seen.traceparent).toBe(`00-${caller.traceId}-${client.spanId}-01`);
    await session.close();
  });

  it('exports mcp.server.operation.duration and mcp.server.session.duration histograms (seconds)', async () => {
    const session = await connect('recorder');
    await session.client.callTool({ name: 'typed', arguments: { n: 1 } });
    await session.close();
    const operation = await waitFor('the operation histogram', () =>
      receiver.points.find(
        (p) =>
          p.metric === 'mcp.server.operation.duration' &&
          p.attributes['mcp.method.name'] === 'tools/call' &&
          p.attributes['gen_ai.tool.name'] === 'typed' &&
          p.count >= 2,
      ),
    );
    expect(operation.unit).toBe('s');
    expect(operation.attributes).toMatchObject({ 'mcpctl.server': 'recorder', 'network.transport': 'tcp' });
    expect(operation.explicitBounds.slice(0, 3)).toEqual([0.01, 0.02, 0.05]);
    const sessions = await waitFor('the session histogram', () =>
      receiver.points.find(
        (p) =>
          p.metric === 'mcp.server.session.duration' && p.attributes['mcpctl.server'] === 'recorder' && p.count >= 1,
      ),
    );
    expect(sessions.unit).toBe('s');
  });
});

/** The chunks a module of the bundle imports statically (`import ... from "./x.js"`), not through `import()`. */
function staticImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found = text.matchAll(/^import\s+(?:[^'"]*?\s+from\s+)?"(\.{1,2}\/[^"]+\.js)";?$/gms);
  return [...found].map((match) => join(dirname(file), match[1] as string));
}

describe('without OTEL_EXPORTER_OTLP_ENDPOINT', () => {
  it('the daemon reaches the OpenTelemetry SDK only through import(): nothing of it loads', () => {
    const chunks = join(dirname(CLI), 'chunks');
    const host = readdirSync(chunks)
      .map((name) => join(chunks, name))
      .filter((file) => file.endsWith('.js') && /["']daemon starting["']/.test(readFileSync(file, 'utf8')));
    expect(host.length).toBeGreaterThan(0);
    const seen = new Set<string>();
    const queue = [...host];
    while (queue.length > 0) {
      const file = queue.pop() as string;
      if (seen.has(file)) continue;
      seen.add(file);
      queue.push(...staticImports(file));
    }
    for (const file of seen) {
      expect(readFileSync(file, 'utf8'), `${file} holds the OpenTelemetry SDK`).not.toMatch(/BatchSpanProcessor/);
    }
  });
});
