import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Harness, RawSse, rawSession, startHarness } from './helpers/harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

function openGet(id: string): Promise<RawSse> {
  return RawSse.open(h.gateway.port, {
    headers: { accept: 'text/event-stream', 'mcp-session-id': id, 'mcp-protocol-version': LATEST_PROTOCOL_VERSION },
  });
}

/** The next message on the stream (priming events skipped); fails rather than wait past 5 s. */
async function nextMessage(stream: RawSse): Promise<Record<string, unknown> | undefined> {
  const read = async () => {
    for (let event = await stream.next(); event !== undefined; event = await stream.next()) {
      if (event.data.trim() !== '') return JSON.parse(event.data) as Record<string, unknown>;
    }
    return undefined;
  };
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('no message on the stream within 5 s')), 5000);
  });
  return Promise.race([read(), late]).finally(() => clearTimeout(timer));
}

describe('the standalone stream before the client opened it', () => {
  it('keeps a server request for the first GET (servers ask for roots right after initialize), but not notifications', async () => {
    const id = await rawSession(h.gateway.port);
    const backend = h.backend.session(id);
    backend.notify('notifications/message', { level: 'info', data: 'too early to matter' });
    backend.output.deliver({ jsonrpc: '2.0', id: 'srv-1', method: 'roots/list' });
    const stream = await openGet(id);
    try {
      expect(stream.status).toBe(200);
      expect(await nextMessage(stream)).toEqual({ jsonrpc: '2.0', id: 'srv-1', method: 'roots/list' });
      // Later messages go out live, as before.
      backend.notify('notifications/tools/list_changed');
      expect(await nextMessage(stream)).toMatchObject({ method: 'notifications/tools/list_changed' });
    } finally {
      stream.close();
    }
  });
});
