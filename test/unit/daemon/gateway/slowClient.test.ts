import { connect, type Socket } from 'node:net';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, POST_HEADERS, rawRequest, rawSession, rpc, startHarness } from './helpers/harness.js';

let h: Harness | undefined;
let socket: Socket | undefined;
afterEach(async () => {
  socket?.destroy();
  await h?.close();
  h = undefined;
});

/** A GET stream read up to its headers, then never again. */
async function stalledStream(port: number, sessionId: string): Promise<Socket> {
  const raw = connect(port, '127.0.0.1');
  await new Promise<void>((resolve) => raw.once('connect', resolve));
  raw.write(
    `GET /servers/echo/mcp HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: text/event-stream\r\n` +
      `Mcp-Session-Id: ${sessionId}\r\nMCP-Protocol-Version: ${LATEST_PROTOCOL_VERSION}\r\n\r\n`,
  );
  await new Promise<void>((resolve) => raw.once('data', () => resolve()));
  raw.pause();
  return raw;
}

describe('slow clients', () => {
  it('ends the session of a client that leaves more than maxUnreadBytes unread, and only that one', async () => {
    h = await startHarness({ maxUnreadBytes: 64 * 1024 });
    const slow = await rawSession(h.gateway.port);
    const other = await rawSession(h.gateway.port);
    socket = await stalledStream(h.gateway.port, slow);
    const data = 'x'.repeat(32 * 1024);
    // Enough to fill the kernel's socket buffers and then Node's: one write per macrotask, as lines arrive.
    for (let i = 0; i < 1000 && h.gateway.sessions().some((s) => s.id === slow); i++) {
      h.backend.session(slow).notify('notifications/message', { level: 'info', data });
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await h.waitForEvent((e) => e.type === 'closed' && e.sessionId === slow)).toMatchObject({
      reason: 'slow client',
    });
    expect(h.backend.session(slow).closed).toBe(true);
    const headers = { ...POST_HEADERS, 'mcp-protocol-version': LATEST_PROTOCOL_VERSION };
    const ping = await rawRequest(h.gateway.port, {
      headers: { ...headers, 'mcp-session-id': other },
      body: rpc(1, 'ping'),
    });
    expect(ping.json()).toMatchObject({ id: 1, result: {} });
    const gone = await rawRequest(h.gateway.port, {
      headers: { ...headers, 'mcp-session-id': slow },
      body: rpc(2, 'ping'),
    });
    expect(gone.status).toBe(404);
  });
});
