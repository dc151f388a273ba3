import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { SESSION_KILLED } from '../../../src/protocol/sessionEnd.js';
import { McpctlError } from '../../../src/shared/errors.js';
import type { EchoSession } from '../daemon/gateway/helpers/echoBackend.js';
import { type Harness, rawRequest, startHarness } from '../daemon/gateway/helpers/harness.js';
import { BridgeDriver, INITIALIZE } from './helpers/bridgeDriver.js';

const harnesses: Harness[] = [];
const drivers: BridgeDriver[] = [];
afterEach(async () => {
  await Promise.all(drivers.splice(0).map((driver) => driver.end()));
  await Promise.all(harnesses.splice(0).map((h) => h.close().catch(() => undefined)));
});

async function harness(overrides: Parameters<typeof startHarness>[0] = {}): Promise<Harness> {
  const h = await startHarness(overrides);
  harnesses.push(h);
  return h;
}

function bridge(options: ConstructorParameters<typeof BridgeDriver>[0]): BridgeDriver {
  const driver = new BridgeDriver(options);
  drivers.push(driver);
  return driver;
}

function sessions(h: Harness): EchoSession[] {
  return [...h.backend.sessions.values()];
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The bridge's GET stream is attached: a second GET on the session is refused with 409. */
async function streamOpen(h: Harness, sessionId: string): Promise<void> {
  await until('the bridge to open its GET stream', async () => {
    const headers = { accept: 'text/event-stream', 'mcp-session-id': sessionId };
    const res = await rawRequest(h.gateway.port, { method: 'GET', headers });
    return res.status === 409;
  });
}

function text(line: { result?: Record<string, unknown> }): string | undefined {
  return (line.result?.content as Array<{ text: string }> | undefined)?.[0]?.text;
}

describe('mcpctl connect: a lost session is replaced', () => {
  it('replays initialize as sent, notifications/initialized, the log level and the live subscriptions; the client sees one initialize answer', async () => {
    const h = await harness();
    const driver = bridge({ url: h.url().href, reconnectTimeoutMs: 5000 });
    await driver.initialize();
    await driver.request(2, 'logging/setLevel', { level: 'warning' });
    await driver.request(3, 'resources/subscribe', { uri: 'test://a' });
    await driver.request(4, 'resources/subscribe', { uri: 'test://b' });
    await driver.request(5, 'resources/unsubscribe', { uri: 'test://a' });
    const [first] = sessions(h);
    first?.output.close('the server restarted');

    const answer = await driver.request(6, 'tools/call', { name: 'echo', arguments: { message: 'again' } });
    expect(text(answer)).toBe('echo: again');
    const second = sessions(h)[1] as EchoSession;
    expect(second.received.slice(0, 4)).toEqual([
      INITIALIZE,
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      { jsonrpc: '2.0', id: expect.any(String), method: 'logging/setLevel', params: { level: 'warning' } },
      { jsonrpc: '2.0', id: expect.any(String), method: 'resources/subscribe', params: { uri: 'test://b' } },
    ]);
    expect(driver.lines.filter((line) => line.id === 1)).toHaveLength(1);
    expect(await driver.end()).toBe('ended');
  });

  it('notices through its GET stream while idle, and reopens that stream on the new session', async () => {
    const h = await harness();
    const driver = bridge({ url: h.url().href, reconnectTimeoutMs: 5000 });
    await driver.initialize();
    const [first] = sessions(h);
    await streamOpen(h, first?.id as string);
    first?.output.close('the server restarted');
    await until('a new backend session', () => h.backend.sessions.size === 2);
    const second = sessions(h)[1] as EchoSession;
    await streamOpen(h, second.id);
    second.notify('notifications/tools/list_changed');
    await driver.waitFor('the new session to notify', (line) => line.method === 'notifications/tools/list_changed');
  });

  it('fails a request in flight at the break at once; one sent while the gateway is away waits for the new one (another port)', async () => {
    const first = await harness();
    let current = first;
    const driver = bridge({
      url: first.url().href,
      reconnectTimeoutMs: 10_000,
      resolveUrl: async () => current.url().href,
    });
    await driver.initialize();
    const gated = once(first.backend, 'gated');
    driver.send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'gated', arguments: {} } });
    await gated;
    const broke = Date.now();
    await first.close();
    const failed = await driver.waitFor('the request in flight to fail', (line) => line.id === 2);
    expect(failed.error?.message).toMatch(/closed/i);
    expect(Date.now() - broke).toBeLessThan(1500);

    driver.send({
      jsonrpc: '2.0',
      id: 3,
      method: 'tools/call',
      params: { name: 'echo', arguments: { message: 'later' } },
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    current = await harness();
    const answer = await driver.waitFor('the waiting request', (line) => line.id === 3);
    expect(text(answer)).toBe('echo: later');
    expect(sessions(current)[0]?.received[0]).toEqual(INITIALIZE);
  });
});

describe('mcpctl connect: when to give up', () => {
  it('ends with "was killed" (exit 1) when its session is killed, even with no request going on', async () => {
    const killed = new Set<string>();
    const h = await harness({
      endedSession: async (id) => (killed.has(id) ? { reason: SESSION_KILLED } : undefined),
    });
    const driver = bridge({ url: h.url().href, reconnectTimeoutMs: 5000 });
    await driver.initialize();
    const id = sessions(h)[0]?.id as string;
    await streamOpen(h, id);
    killed.add(id);
    h.gateway.killSession(id, 'killed by mcpctl session kill');
    const outcome = await driver.outcome;
    expect(outcome).toBeInstanceOf(McpctlError);
    expect((outcome as McpctlError).message).toMatch(new RegExp(`session ${id} of server 'echo' was killed`));
    expect((outcome as McpctlError).exitCode).toBe(1);
    expect(h.backend.sessions.size).toBe(1);
  });

  it('ends with exit 8 when its server was removed', async () => {
    let removed = false;
    let h: Harness | undefined;
    h = await harness({ backends: (name) => (name === 'echo' && !removed ? h?.backend : undefined) });
    const driver = bridge({ url: h.url().href, reconnectTimeoutMs: 5000 });
    await driver.initialize();
    removed = true;
    sessions(h)[0]?.output.close("server 'echo' stopped");
    const answer = await driver.request(2, 'ping');
    expect(answer.error?.message).toMatch(/server 'echo' was removed/);
    const outcome = (await driver.outcome) as McpctlError;
    expect(outcome.message).toMatch(/server 'echo' was removed/);
    expect(outcome.exitCode).toBe(8);
  });

  it('ends with exit 6 once the gateway stayed away past the bound, answering what waited', async () => {
    const h = await harness();
    const driver = bridge({ url: h.url().href, reconnectTimeoutMs: 400 });
    await driver.initialize();
    await h.close();
    const gone = Date.now();
    driver.send({ jsonrpc: '2.0', id: 2, method: 'ping' });
    const outcome = (await driver.outcome) as McpctlError;
    expect(outcome.message).toMatch(/could not open another within 400ms/);
    expect(outcome.exitCode).toBe(6);
    expect(Date.now() - gone).toBeLessThan(2000);
    expect(driver.lines.find((line) => line.id === 2)?.error?.message).toMatch(/could not open another/);
  });
});
