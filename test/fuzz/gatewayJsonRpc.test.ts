import * as fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolvePaths } from '../../src/shared/paths.js';
import { EVERYTHING, mcpctl } from '../helpers/cli.js';
import { addRunningServer, startTestDaemon, type TestDaemon } from '../helpers/daemon.js';
import { type HeaderEcho, startHeaderEcho } from '../helpers/headerEcho.js';
import { anyJson, brokenText, headerText, jsonText, mutated, rawJsonNumber, withDeepValue } from './arbitraries.js';
import { daemonErrors } from './daemonLog.js';
import { fuzzParameters, fuzzTimeout } from './fuzzRuns.js';
import { LegacyStream } from './legacyStream.js';
import { messagesOf, type RawAnswer, type RawRequest, sendRaw } from './rawHttp.js';
import { openStoreReader, type StoreReader, settledSnapshot } from './storeSnapshot.js';

/**
 * The gateway's JSON-RPC handling under generated and mutated input, against the real daemon
 * (the built binary) in front of server-everything (stdio) and an SDK server on Streamable HTTP,
 * on servers' and a profile's Streamable HTTP endpoints and on the legacy HTTP+SSE transport.
 * After every input: the daemon runs, the
 * answer is no 5xx (a 4xx carries a JSON-RPC error with a stable code), the sessions the input
 * went to still answer a real request correctly, and nothing stored changed.
 */

const SERVER_PATH = '/servers/everything/mcp';
const PROFILE_PATH = '/profiles/team/mcp';
/** An http upstream (the header-echo fixture, an SDK server on Streamable HTTP). */
const REMOTE_PATH = '/servers/remote/mcp';
/** The codes a refused request may carry: parse error, invalid request, MCP's server error and session-not-found. */
const STABLE_CODES = [-32700, -32600, -32000, -32001];

let daemon: TestDaemon;
let store: StoreReader;

interface OwnSession {
  id: string;
  path: string;
  version: string;
  /** A tool call and what its answer's text must be (the echo tool, prefixed on a profile). */
  witness(text: string): { name: string; arguments: Record<string, string>; answer: RegExp };
}
type SessionRole = 'victim' | 'batch' | 'profile' | 'remote' | 'witness';
/**
 * Sessions the fuzz sends to (`batch` is on 2025-03-26, the last version with JSON-RPC batches),
 * and `witness`, which no input names: it calls a tool while each input is in flight.
 */
const own = {} as Record<SessionRole, OwnSession>;
let legacy: LegacyStream;
let upstream: HeaderEcho | undefined;
/** Sessions no fuzzed input names: their rows in the store must not change. */
const bystanders = new Set<string>();
let baseline: Record<string, string[]>;
let nextId = 1_000_000;
/** How often each status answered an input: the fuzz must reach past the guards, not only bounce off them. */
const statuses = new Map<number, number>();

const post = (path: string, body: unknown, headers: Record<string, string> = {}): Promise<RawAnswer> =>
  sendRaw(
    { url: daemon.gatewayUrl },
    {
      method: 'POST',
      path,
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
      body: JSON.stringify(body),
    },
  );

async function openSession(path: string, version: string): Promise<string> {
  const answer = await post(path, {
    jsonrpc: '2.0',
    id: 0,
    method: 'initialize',
    params: { protocolVersion: version, capabilities: {}, clientInfo: { name: 'fuzz', version: '1' } },
  });
  const id = answer.headers['mcp-session-id'];
  if (answer.status !== 200 || typeof id !== 'string') throw new Error(`initialize: ${answer.status} ${answer.text}`);
  const headers = { 'mcp-session-id': id, 'mcp-protocol-version': version };
  await post(path, { jsonrpc: '2.0', method: 'notifications/initialized' }, headers);
  return id;
}

async function openOwn(role: SessionRole): Promise<void> {
  const path = role === 'profile' ? PROFILE_PATH : role === 'remote' ? REMOTE_PATH : SERVER_PATH;
  const version = role === 'batch' ? '2025-03-26' : '2025-11-25';
  const echo = (name: string) => (text: string) => ({
    name,
    arguments: { message: text },
    answer: new RegExp(`^Echo: ${text}$`),
  });
  // header-echo has no echo: the headers its call came with (a Host among them) prove it went through.
  const headers = () => ({ name: 'request-headers', arguments: {}, answer: /"host":/ });
  const witness = role === 'profile' ? echo('everything__echo') : role === 'remote' ? headers : echo('echo');
  own[role] = { id: await openSession(path, version), path, version, witness };
}

async function openLegacy(): Promise<void> {
  legacy = await LegacyStream.open(`${daemon.gatewayUrl}/servers/everything/sse`);
  const init = {
    jsonrpc: '2.0',
    id: 0,
    method: 'initialize',
    params: { protocolVersion: '2024-11-05', capabilities: {}, clientInfo: { name: 'fuzz-legacy', version: '1' } },
  };
  await post(legacy.endpoint, init);
  await legacy.answer(0);
  await post(legacy.endpoint, { jsonrpc: '2.0', method: 'notifications/initialized' });
}

beforeAll(async () => {
  daemon = await startTestDaemon();
  store = openStoreReader(resolvePaths({ MCPCTL_HOME: daemon.home }).database);
  await addRunningServer(daemon.home, 'everything', [], [process.execPath, EVERYTHING, 'stdio']);
  upstream = await startHeaderEcho();
  const remote = await mcpctl(daemon.home, ['server', 'add', 'remote', '--url', upstream.url]);
  expect(remote.code, remote.stderr).toBe(0);
  const profile = await mcpctl(daemon.home, ['profile', 'create', 'team', '--server', 'everything']);
  expect(profile.code, profile.stderr).toBe(0);
  for (const role of ['victim', 'batch', 'profile', 'remote', 'witness'] as const) await openOwn(role);
  await openLegacy();
  // One session left open and one ended, both untouched by the fuzz.
  bystanders.add(await openSession(SERVER_PATH, '2025-11-25'));
  const ended = await openSession(SERVER_PATH, '2025-06-18');
  await sendRaw(
    { url: daemon.gatewayUrl },
    { method: 'DELETE', path: SERVER_PATH, headers: { 'mcp-session-id': ended } },
  );
  bystanders.add(ended);
  baseline = await settledSnapshot(store, bystanders);
}, 60_000);

afterAll(async () => {
  legacy?.close();
  store?.close();
  await daemon?.stop();
  upstream?.kill();
});

// --- what the fuzz sends ---------------------------------------------------------------------

const PROTOCOL_VERSIONS = ['2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05'];

/** Requests server-everything answers at once (no tool that waits on the client or the network). */
const validMessage = fc.oneof(
  fc.record({
    jsonrpc: fc.constant('2.0'),
    id: fc.integer(),
    method: fc.constant('initialize'),
    params: fc.record({
      protocolVersion: fc.constantFrom(...PROTOCOL_VERSIONS),
      capabilities: fc.constant({}),
      clientInfo: fc.record({ name: fc.string(), version: fc.string() }),
    }),
  }),
  fc.record({
    jsonrpc: fc.constant('2.0'),
    id: fc.oneof(fc.integer(), fc.string()),
    method: fc.constantFrom('ping', 'tools/list', 'resources/list', 'prompts/list', 'resources/templates/list'),
  }),
  fc.record({
    jsonrpc: fc.constant('2.0'),
    id: fc.oneof(fc.integer(), fc.string()),
    method: fc.constant('tools/call'),
    params: fc.oneof(
      fc.record({ name: fc.constant('echo'), arguments: fc.record({ message: fc.string() }) }),
      fc.record({ name: fc.constant('get-sum'), arguments: fc.record({ a: fc.integer(), b: fc.integer() }) }),
      fc.record({ name: fc.string(), arguments: fc.dictionary(fc.string(), anyJson) }),
    ),
  }),
  fc.record({
    jsonrpc: fc.constant('2.0'),
    id: fc.integer(),
    method: fc.constantFrom('resources/read', 'prompts/get'),
    params: fc.record({ uri: fc.string(), name: fc.string() }, { requiredKeys: [] }),
  }),
  fc.record({
    jsonrpc: fc.constant('2.0'),
    method: fc.constantFrom('notifications/initialized', 'notifications/roots/list_changed'),
  }),
  fc.record({
    jsonrpc: fc.constant('2.0'),
    method: fc.constantFrom('notifications/cancelled', 'notifications/progress'),
    params: fc.record({
      requestId: fc.oneof(fc.integer(), fc.string()),
      progressToken: fc.integer(),
      progress: fc.nat(),
    }),
  }),
  // Responses to server requests nobody made.
  fc.record({ jsonrpc: fc.constant('2.0'), id: fc.integer(), result: fc.dictionary(fc.string(), anyJson) }),
  fc.record({
    jsonrpc: fc.constant('2.0'),
    id: fc.oneof(fc.integer(), fc.constant(null)),
    error: fc.record({ code: fc.integer(), message: fc.string() }),
  }),
);

/** JSON-RPC's fields, each with any JSON value, any of them left out. */
const wrongTypes = fc.record(
  {
    jsonrpc: fc.oneof(fc.constant('2.0'), anyJson),
    id: anyJson,
    method: anyJson,
    params: anyJson,
    result: anyJson,
    error: anyJson,
  },
  { requiredKeys: [] },
);

const message = fc.oneof(validMessage, mutated(validMessage), wrongTypes);

/** An id as raw JSON text (past double range, -0, big integers) in an otherwise valid request. */
const rawIdRequest = fc
  .tuple(rawJsonNumber, fc.constantFrom('ping', 'tools/list'))
  .map(([id, method]) => `{"jsonrpc":"2.0","id":${id},"method":"${method}"}`);

/** A valid tools/call or notification whose params nest deeper than any recursive walker's stack. */
const deepMessage = fc
  .record({ depth: fc.integer({ min: 1, max: 50_000 }), request: fc.boolean() })
  .map(({ depth, request }) => {
    const deep = `${'['.repeat(depth)}${']'.repeat(depth)}`;
    return request
      ? `{"jsonrpc":"2.0","id":77,"method":"tools/call","params":{"name":"echo","arguments":{"message":${deep}}}}`
      : `{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":1,"progress":${deep}}}`;
  });

const body: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: message.map((value) => JSON.stringify(value)) },
  { weight: 2, arbitrary: fc.array(message, { maxLength: 6 }).map((batch) => JSON.stringify(batch)) },
  { weight: 2, arbitrary: jsonText },
  { weight: 2, arbitrary: brokenText(validMessage.map((value) => JSON.stringify(value))) },
  { weight: 1, arbitrary: rawIdRequest },
  { weight: 1, arbitrary: deepMessage },
  { weight: 1, arbitrary: withDeepValue(validMessage) },
  { weight: 1, arbitrary: fc.constant('') },
);

type SessionRef = SessionRole | 'none' | 'legacy' | 'unknown' | { raw: string };
const sessionRef: fc.Arbitrary<SessionRef> = fc.oneof(
  fc.constantFrom<SessionRef>('victim', 'batch', 'profile', 'remote', 'none', 'legacy', 'unknown'),
  headerText.map((raw) => ({ raw })),
);

function sessionIdOf(ref: SessionRef): string | undefined {
  if (typeof ref === 'object') return ref.raw;
  if (ref === 'none') return undefined;
  if (ref === 'legacy') return legacy.sessionId;
  if (ref === 'unknown') return '00000000-0000-4000-8000-000000000000';
  return own[ref].id;
}

type PathRef = 'server' | 'profile' | 'remote' | 'missing' | 'sse' | 'messages' | { raw: string };
const pathRef: fc.Arbitrary<PathRef> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom<PathRef>('server', 'profile', 'remote', 'missing', 'sse', 'messages') },
  { weight: 1, arbitrary: fc.webPath().map((raw) => ({ raw: raw.startsWith('/') ? raw : `/${raw}` })) },
);

function pathOf(ref: PathRef, session: string | undefined): string {
  if (typeof ref === 'object') return ref.raw;
  switch (ref) {
    case 'server':
      return SERVER_PATH;
    case 'profile':
      return PROFILE_PATH;
    case 'remote':
      return REMOTE_PATH;
    case 'missing':
      return '/servers/nope/mcp';
    case 'sse':
      return '/servers/everything/sse';
    case 'messages':
      return `/servers/everything/messages${session === undefined ? '' : `?sessionId=${encodeURIComponent(session)}`}`;
  }
}

/** A header: absent, one of the values that matter, or random visible text. */
function headerValue(...meaningful: string[]): fc.Arbitrary<string | undefined> {
  return fc.oneof(fc.constant(undefined), fc.constantFrom(...meaningful), headerText);
}

const headers = fc.record({
  contentType: headerValue('application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'text/plain'),
  accept: headerValue('application/json, text/event-stream', 'application/json', 'text/event-stream', '*/*'),
  version: headerValue(...PROTOCOL_VERSIONS, '1999-01-01'),
  lastEventId: headerValue('0/1', '1/0', '999/999', 'x'),
  host: headerValue('evil.example', 'localhost'),
  origin: headerValue('http://localhost:1', 'https://evil.example', 'null'),
  authorization: headerValue('Bearer nope', 'Basic Zm9vOmJhcg=='),
  repeatSession: fc.boolean(),
});

type HeaderChoice = typeof headers extends fc.Arbitrary<infer T> ? T : never;

interface Probe {
  method: string;
  path: PathRef;
  session: SessionRef;
  headers: HeaderChoice | 'good';
  body: string;
}

function requestOf(probe: Probe): RawRequest {
  const session = sessionIdOf(probe.session);
  const out: Record<string, string | string[]> = {};
  if (probe.headers === 'good') {
    out['content-type'] = 'application/json';
    out.accept = 'application/json, text/event-stream';
    const mine =
      typeof probe.session === 'string' && probe.session in own ? own[probe.session as SessionRole] : undefined;
    if (mine !== undefined) out['mcp-protocol-version'] = mine.version;
  } else {
    const h = probe.headers;
    const set = (name: string, value: string | undefined): void => {
      if (value !== undefined) out[name] = value;
    };
    set('content-type', h.contentType);
    set('accept', h.accept);
    set('mcp-protocol-version', h.version);
    set('last-event-id', h.lastEventId);
    set('origin', h.origin);
    set('authorization', h.authorization);
    if (h.host !== undefined)
      out.host = h.host === 'localhost' ? new URL(daemon.gatewayUrl).host.replace('127.0.0.1', 'localhost') : h.host;
  }
  if (session !== undefined)
    out['mcp-session-id'] = probe.headers !== 'good' && probe.headers.repeatSession ? [session, session] : session;
  return { method: probe.method, path: pathOf(probe.path, session), headers: out, body: probe.body };
}

// --- what must hold after each input ---------------------------------------------------------

/**
 * The gateway's own internal errors (-32603 'Internal error...'): it owns up to a fault of its
 * own, and client garbage is never one. Upstream SDKs answer bad params with -32603 too, with
 * their validation message: those are the upstream's to give.
 */
function isGatewayFault(message: { error?: { code?: unknown; message?: unknown } }): boolean {
  return message.error?.code === -32603 && String(message.error.message).startsWith('Internal error');
}

function expectWellFormed(answer: RawAnswer, method: string): void {
  const where = `${answer.status} ${answer.text.slice(0, 300)}`;
  expect(answer.status, `no 5xx for client input: ${where}`).toBeLessThan(500);
  if (method === 'HEAD' || answer.status === 202 || answer.status === 204) return;
  const messages = messagesOf(answer) as Array<{ jsonrpc?: string; id?: unknown; error?: { code?: unknown } }>;
  if (answer.status >= 400) {
    expect(messages, `one JSON-RPC error: ${where}`).toHaveLength(1);
    expect(messages[0]?.jsonrpc).toBe('2.0');
    expect(messages[0]?.id, where).toBeNull();
    expect(STABLE_CODES, `a stable error code: ${where}`).toContain(messages[0]?.error?.code);
    return;
  }
  for (const m of messages) {
    expect(m.jsonrpc, where).toBe('2.0');
    expect(isGatewayFault(m), `no internal error for client input: ${where}`).toBe(false);
  }
}

/** A real tools/call on `session` gets its own, correct answer. */
async function expectEcho(session: OwnSession): Promise<void> {
  const id = nextId++;
  const text = `still here ${id}`;
  const headers = { 'mcp-session-id': session.id, 'mcp-protocol-version': session.version };
  const { answer: expected, ...params } = session.witness(text);
  const call = { jsonrpc: '2.0', id, method: 'tools/call', params };
  const answer = await post(session.path, call, headers);
  expect(answer.status, answer.text).toBe(200);
  const reply = messagesOf(answer).find((m) => (m as { id?: unknown }).id === id);
  expect(reply).toMatchObject({ result: { content: [{ type: 'text', text: expect.stringMatching(expected) }] } });
}

async function expectLegacyEcho(): Promise<void> {
  expect(legacy.closed, 'garbage never ends the legacy session').toBe(false);
  // Taken out, so a failure shows the input that caused it.
  expect(legacy.seen.splice(0).filter(isGatewayFault), 'no internal error for client input').toEqual([]);
  const id = nextId++;
  const text = `legacy still here ${id}`;
  const call = { jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'echo', arguments: { message: text } } };
  const answer = await post(legacy.endpoint, call);
  expect(answer.status, answer.text).toBe(202);
  expect(await legacy.answer(id)).toMatchObject({ result: { content: [{ type: 'text', text: `Echo: ${text}` }] } });
  legacy.forget();
}

function expectDaemonAlive(): void {
  expect(() => process.kill(daemon.pid, 0), 'the daemon still runs').not.toThrow();
}

/** Sends one probe and checks everything; sessions the probe opened are ended, its own ended sessions reopened. */
async function check(probe: Probe): Promise<void> {
  const raw = requestOf(probe);
  const [answer] = await Promise.all([
    sendRaw({ url: daemon.gatewayUrl }, raw, probe.method === 'GET'),
    expectEcho(own.witness),
  ]);
  expectDaemonAlive();
  statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
  expectWellFormed(answer, probe.method);
  const opened = answer.headers['mcp-session-id'];
  if (typeof opened === 'string' && !Object.values(own).some((s) => s.id === opened)) {
    await sendRaw(
      { url: daemon.gatewayUrl },
      { method: 'DELETE', path: raw.path, headers: { 'mcp-session-id': opened } },
    );
  }
  for (const role of ['victim', 'batch', 'profile', 'remote'] as const) {
    // A DELETE with the session's id ends it by design: the next input gets a fresh one.
    if (probe.method === 'DELETE' && probe.session === role && answer.status === 200) await openOwn(role);
  }
  const target = typeof probe.session === 'string' && probe.session in own ? (probe.session as SessionRole) : 'victim';
  await expectEcho(own[target]);
  if (probe.session === 'legacy') await expectLegacyEcho();
  expect(store.snapshot(bystanders), 'nothing stored changed').toEqual(baseline);
}

describe('fuzzing the gateway', () => {
  it(
    'JSON-RPC bodies on Streamable HTTP (a stdio server, an http server, a profile; on sessions and without): never a crash, a 5xx or a stored change',
    async () => {
      const probe = fc.record({
        method: fc.constant('POST'),
        path: fc.constantFrom<PathRef>('server', 'profile', 'remote'),
        session: fc.constantFrom<SessionRef>('victim', 'batch', 'profile', 'remote', 'none', 'unknown'),
        headers: fc.constant<'good'>('good'),
        body,
      });
      await fc.assert(fc.asyncProperty(probe, check), fuzzParameters(300));
    },
    fuzzTimeout(60_000),
  );

  it(
    'wrong methods, paths and headers (content type, accept, session id, protocol version, host, origin)',
    async () => {
      const probe = fc.record({
        method: fc.constantFrom('POST', 'POST', 'POST', 'GET', 'DELETE', 'PUT', 'PATCH', 'OPTIONS', 'HEAD'),
        path: pathRef,
        session: sessionRef,
        headers,
        body: fc.oneof(
          validMessage.map((value) => JSON.stringify(value)),
          body,
        ),
      });
      await fc.assert(fc.asyncProperty(probe, check), fuzzParameters(250));
    },
    fuzzTimeout(60_000),
  );

  it(
    'legacy HTTP+SSE: POSTs to a session’s messages endpoint',
    async () => {
      const probe = fc.record({
        method: fc.constant('POST'),
        path: fc.constant<PathRef>('messages'),
        session: fc.oneof(fc.constant<SessionRef>('legacy'), sessionRef),
        headers: fc.oneof(
          fc.constant<'good'>('good'),
          headers.map((h) => ({ ...h, host: undefined, origin: undefined })),
        ),
        body,
      });
      await fc.assert(fc.asyncProperty(probe, check), fuzzParameters(200));
      await expectLegacyEcho();
    },
    fuzzTimeout(60_000),
  );

  it('the inputs reached every layer: answered, accepted, refused as malformed, unknown, unacceptable', () => {
    for (const status of [200, 202, 400, 404, 405, 406, 415]) {
      expect(statuses.get(status) ?? 0, `inputs answered ${status}: ${JSON.stringify([...statuses])}`).toBeGreaterThan(
        0,
      );
    }
  });

  it('the daemon logged no error or warning while it was fuzzed', () => {
    expect(daemonErrors(resolvePaths({ MCPCTL_HOME: daemon.home }).daemonLog)).toEqual([]);
  });
});
