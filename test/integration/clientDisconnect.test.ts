import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, mcpctl, mcpctlJson, waitFor } from '../helpers/cli.js';
import { startTestDaemon, type TestDaemon } from '../helpers/daemon.js';

const VERSION = '2025-11-25';

let daemon: TestDaemon;
let messageLog: string;
let other: Client;
let otherTransport: StreamableHTTPClientTransport;

interface Logged {
  in?: { id?: unknown; method?: string; params?: Record<string, unknown> };
  out?: { id?: unknown; result?: unknown };
}

/** What reached the upstream server (`in`) and what it answered (`out`), in order. */
function upstreamLog(): Logged[] {
  if (!existsSync(messageLog)) return [];
  return readFileSync(messageLog, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Logged);
}

/** The id the upstream saw for the `slow` call made with `ms`, once it has arrived. */
function upstreamIdOfSlowCall(ms: number): Promise<unknown> {
  return waitFor(`the slow ${ms} ms call to reach the upstream`, () => {
    const call = upstreamLog().find(
      (entry) =>
        entry.in?.method === 'tools/call' && (entry.in.params?.arguments as { ms?: number } | undefined)?.ms === ms,
    );
    return call?.in?.id;
  });
}

function headers(session?: string): Record<string, string> {
  const all: Record<string, string> = {
    accept: 'application/json, text/event-stream',
    'content-type': 'application/json',
    'mcp-protocol-version': VERSION,
  };
  if (session !== undefined) all['mcp-session-id'] = session;
  return all;
}

function post(session: string | undefined, message: unknown, signal?: AbortSignal): Promise<Response> {
  return fetch(daemon.endpoint('slow'), {
    method: 'POST',
    headers: headers(session),
    body: JSON.stringify(message),
    ...(signal ? { signal } : {}),
  });
}

/** The JSON-RPC answers in a response body, JSON or SSE. */
async function answersOf(res: Response): Promise<Array<{ id?: unknown; result?: unknown; error?: unknown }>> {
  const text = await res.text();
  if (!res.headers.get('content-type')?.startsWith('text/event-stream')) return text ? [JSON.parse(text)] : [];
  return text
    .split('\n')
    .filter((line) => line.startsWith('data:') && line.slice(5).trim() !== '')
    .map((line) => JSON.parse(line.slice(5)));
}

async function call(session: string, id: string | number, name: string, args: Record<string, unknown>) {
  const res = await post(session, { jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } });
  expect(res.status).toBe(200);
  return answersOf(res);
}

async function openSession(): Promise<string> {
  const res = await post(undefined, {
    jsonrpc: '2.0',
    id: 0,
    method: 'initialize',
    params: { protocolVersion: VERSION, capabilities: {}, clientInfo: { name: 'raw-f8', version: '1' } },
  });
  const id = res.headers.get('mcp-session-id');
  await res.text();
  if (res.status !== 200 || id === null) throw new Error(`initialize failed: ${res.status}`);
  await (await post(id, { jsonrpc: '2.0', method: 'notifications/initialized' })).text();
  return id;
}

beforeAll(async () => {
  daemon = await startTestDaemon();
  messageLog = join(daemon.home, 'upstream-messages.jsonl');
  const added = await mcpctl(daemon.home, [
    'server',
    'add',
    'slow',
    '--env',
    `MESSAGE_LOG=${messageLog}`,
    '--',
    process.execPath,
    join(FIXTURES, 'slowCall.mjs'),
  ]);
  expect(added.code, added.stderr).toBe(0);
  // A second, well-behaved client on the same shared server.
  other = new Client({ name: 'bystander', version: '1.0.0' });
  otherTransport = new StreamableHTTPClientTransport(new URL(daemon.endpoint('slow')));
  await other.connect(otherTransport);
});

afterAll(async () => {
  await otherTransport?.terminateSession().catch(() => undefined);
  await other?.close();
  await daemon?.stop();
});

describe('F8: a client disconnects mid-call', () => {
  it('F8: a dropped POST does not cancel the upstream call; its answer is discarded, the id is free again, another session is unaffected', async () => {
    const session = await openSession();
    const abort = new AbortController();
    const dropped = post(
      session,
      { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'slow', arguments: { ms: 3000 } } },
      abort.signal,
    );
    const upstreamId = await upstreamIdOfSlowCall(3000);
    abort.abort();
    await expect(dropped).rejects.toThrow();

    // While the slow call runs on, the other session and this one are served at once.
    const echoed = (await other.callTool({ name: 'echo', arguments: { message: 'unaffected' } })) as {
      content: Array<{ text: string }>;
    };
    expect(echoed.content[0]?.text).toBe('unaffected');
    expect(await call(session, 'meanwhile', 'echo', { message: 'here' })).toMatchObject([{ id: 'meanwhile' }]);
    expect(upstreamLog().some((entry) => entry.out?.id === upstreamId)).toBe(false);

    // The upstream finishes the call: nobody cancelled it.
    await waitFor('the upstream to answer the dropped call', () =>
      upstreamLog().some((entry) => entry.out?.id === upstreamId) ? true : undefined,
    );
    const cancels = upstreamLog().filter((entry) => entry.in?.method === 'notifications/cancelled');
    expect(cancels).toEqual([]);

    // Its answer went nowhere and left nothing pending: the same request id is accepted again.
    expect(await call(session, 7, 'echo', { message: 'again' })).toEqual([
      { jsonrpc: '2.0', id: 7, result: { content: [{ type: 'text', text: 'again' }] } },
    ]);
    const [view] = await mcpctlJson<Array<{ id: string; requests: number; errors: number }>>(daemon.home, [
      'session',
      'ls',
      '--server',
      'slow',
    ]).then((views) => views.filter((v) => v.id === session));
    expect(view?.errors).toBe(0);
  });

  it('F8: an explicit notifications/cancelled goes upstream with the rewritten id, ends the POST, and frees the id', async () => {
    const session = await openSession();
    // Bounded: a POST left waiting for an answer that never comes fails the test instead of hanging it.
    const pendingCall = post(
      session,
      { jsonrpc: '2.0', id: 'cancel-me', method: 'tools/call', params: { name: 'slow', arguments: { ms: 5000 } } },
      AbortSignal.timeout(4000),
    );
    const upstreamId = await upstreamIdOfSlowCall(5000);
    expect(upstreamId).not.toBe('cancel-me');

    const cancel = await post(session, {
      jsonrpc: '2.0',
      method: 'notifications/cancelled',
      params: { requestId: 'cancel-me', reason: 'the user pressed stop' },
    });
    expect(cancel.status).toBe(202);
    const forwarded = await waitFor('the cancellation to reach the upstream', () =>
      upstreamLog().find((entry) => entry.in?.method === 'notifications/cancelled'),
    );
    expect(forwarded.in?.params).toEqual({ requestId: upstreamId, reason: 'the user pressed stop' });

    // The cancelled request gets no answer (spec), and its POST ends instead of hanging.
    const res = await pendingCall;
    expect(res.status).toBe(200);
    expect((await answersOf(res)).filter((answer) => answer.id === 'cancel-me' && 'result' in answer)).toEqual([]);

    expect(await call(session, 'cancel-me', 'echo', { message: 'reused' })).toMatchObject([
      { id: 'cancel-me', result: { content: [{ text: 'reused' }] } },
    ]);
    expect(upstreamLog().some((entry) => entry.out?.id === upstreamId)).toBe(false);
  });
});
