import { once } from 'node:events';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { LATEST_PROTOCOL_VERSION, type Notification } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EchoSession } from './helpers/echoBackend.js';
import { type Harness, POST_HEADERS, rawRequest, rpc, startHarness } from './helpers/harness.js';

let h: Harness;
const clients: Client[] = [];

beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await h.close();
});

/** An SDK client whose transport records the content type of every POST answer. */
async function connect(path = '/servers/echo/mcp'): Promise<Connected> {
  const contentTypes: string[] = [];
  let getOpened: () => void = () => {};
  const getStream = new Promise<void>((resolve) => {
    getOpened = resolve;
  });
  const transport = new StreamableHTTPClientTransport(h.url(path), {
    fetch: async (url, init) => {
      const response = await fetch(url, init);
      if (init?.method === 'POST') contentTypes.push(response.headers.get('content-type') ?? '');
      // The gateway registers the standalone stream before its headers go out.
      if (init?.method === 'GET' && response.status === 200) getOpened();
      return response;
    },
  });
  const client = new Client({ name: 'gateway-test', version: '1.0.0' });
  await client.connect(transport);
  clients.push(client);
  return { client, transport, contentTypes, getStream };
}

interface Connected {
  client: Client;
  transport: StreamableHTTPClientTransport;
  contentTypes: string[];
  /** Resolves when the SDK's GET stream is open. */
  getStream: Promise<void>;
}

describe('Streamable HTTP with the SDK client', () => {
  it('initializes, lists tools and calls echo over the JSON fast path', async () => {
    const { client, transport, contentTypes } = await connect();
    expect(client.getServerVersion()).toEqual({ name: 'echo-backend', version: '1.0.0' });
    expect(transport.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(transport.protocolVersion).toBe(LATEST_PROTOCOL_VERSION);

    const tools = await client.listTools();
    expect(tools.tools.map((tool) => tool.name)).toEqual(['echo', 'progress', 'gated']);
    const result = await client.callTool({ name: 'echo', arguments: { message: 'hi' } });
    expect(result.content).toEqual([{ type: 'text', text: 'echo: hi' }]);

    // initialize, notifications/initialized (202, empty type), tools/list, tools/call
    expect(contentTypes.filter((type) => type !== '')).toEqual([
      'application/json',
      'application/json',
      'application/json',
    ]);
    const session = h.gateway.sessions().find((s) => s.id === transport.sessionId);
    expect(session).toMatchObject({
      server: 'echo',
      transport: 'streamable-http',
      requests: 3,
      errors: 0,
      clientInfo: { name: 'gateway-test', version: '1.0.0' },
    });
    expect(h.events[0]).toMatchObject({
      type: 'opened',
      sessionId: transport.sessionId,
      server: 'echo',
      transport: 'streamable-http',
    });
  });

  it('switches a call to SSE when progress comes first, and progress reaches onprogress', async () => {
    const { client, contentTypes } = await connect();
    const seen: number[] = [];
    const result = await client.callTool({ name: 'progress', arguments: { steps: 3 } }, undefined, {
      onprogress: (progress) => seen.push(progress.progress),
    });
    expect(seen).toEqual([1, 2, 3]);
    expect(result.content).toEqual([{ type: 'text', text: 'done after 3 steps' }]);
    expect(contentTypes.at(-1)).toBe('text/event-stream');
  });

  it('delivers unsolicited notifications on the GET stream', async () => {
    const { client, transport, getStream } = await connect();
    const arrived = new Promise<Notification>((resolve) => {
      client.fallbackNotificationHandler = async (notification) => resolve(notification);
    });
    const backendSession = h.backend.session(transport.sessionId as string);
    // The SDK opens its GET stream after notifications/initialized, without awaiting it.
    await getStream;
    backendSession.notify('notifications/message', { level: 'info', data: 'hello' });
    expect(await arrived).toMatchObject({ method: 'notifications/message', params: { level: 'info', data: 'hello' } });
  });

  it('DELETE ends the session and later requests get 404', async () => {
    const { transport } = await connect();
    const id = transport.sessionId as string;
    const closed = once(h.backend, 'closed');
    await transport.terminateSession();
    const [backendSession] = (await closed) as [EchoSession];
    expect(backendSession.id).toBe(id);
    expect(await h.waitForEvent((e) => e.type === 'closed' && e.sessionId === id)).toMatchObject({
      reason: 'client ended the session',
    });

    const after = await rawRequest(h.gateway.port, {
      headers: { ...POST_HEADERS, 'mcp-session-id': id, 'mcp-protocol-version': LATEST_PROTOCOL_VERSION },
      body: rpc(9, 'ping'),
    });
    expect(after.status).toBe(404);
    expect(after.json()).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32001 } });
    const del = await rawRequest(h.gateway.port, { method: 'DELETE', headers: { 'mcp-session-id': id } });
    expect(del.status).toBe(404);
  });

  it('answers a request with an internal error when the backend throws, and the session goes on', async () => {
    const { client } = await connect();
    await expect(client.request({ method: 'explode', params: {} }, (await import('zod')).z.object({}))).rejects.toThrow(
      /Internal error/,
    );
    expect((await client.callTool({ name: 'echo', arguments: { message: 'still' } })).content).toEqual([
      { type: 'text', text: 'echo: still' },
    ]);
  });

  it('forgets a session whose initialize the backend refused', async () => {
    const res = await rawRequest(h.gateway.port, {
      headers: POST_HEADERS,
      body: rpc(1, 'initialize', {
        protocolVersion: 'refuse',
        capabilities: {},
        clientInfo: { name: 'x', version: '1' },
      }),
    });
    expect(res.status).toBe(200);
    expect(res.headers['mcp-session-id']).toBeUndefined();
    expect(res.json()).toMatchObject({ id: 1, error: { code: -32602 } });
    expect(h.gateway.sessions()).toEqual([]);
    expect(await h.waitForEvent((e) => e.type === 'closed')).toMatchObject({ reason: 'initialize failed' });
  });
});
