import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionView } from '../../src/core/api.js';
import { createRemoteApi } from '../../src/core/remoteApi.js';
import { resolvePaths } from '../../src/shared/paths.js';
import { EVERYTHING, INSPECTOR, makeHome, mcpctl, mcpctlJson, waitFor } from '../helpers/cli.js';
import { runProcess } from '../helpers/run.js';

const ENV = { MCPCTL_GATEWAY_IDLE_TIMEOUT: '1s' };
const PROTOCOL = '2025-11-25';

let home: string;
let cleanup: () => void;
let endpoint: string;

beforeAll(async () => {
  ({ home, cleanup } = makeHome());
  const status = await mcpctlJson<{ gateway: { url: string } | null }>(home, ['daemon', 'start'], ENV);
  if (!status.gateway) throw new Error('the daemon reports no gateway');
  endpoint = `${status.gateway.url}/servers/everything/mcp`;
  const added = await mcpctl(home, ['server', 'add', 'everything', '--', process.execPath, EVERYTHING, 'stdio']);
  expect(added.code, added.stderr).toBe(0);
});

afterAll(async () => {
  await mcpctl(home, ['daemon', 'stop']);
  cleanup?.();
});

/** In-process, as `session ls --all -o json` asks: a CLI start per poll is slow under load. */
const sessions = (): Promise<SessionView[]> =>
  createRemoteApi(resolvePaths({ MCPCTL_HOME: home }).socket).listSessions({ all: true });

async function closed(match: (session: SessionView) => boolean): Promise<SessionView> {
  return waitFor(
    'the session to close',
    async () => {
      const session = (await sessions()).find(match);
      return session?.state === 'closed' ? session : undefined;
    },
    10_000,
  );
}

describe('F10 idle: sessions that vanish without DELETE are reaped', () => {
  it('F10 idle: a one-shot inspector run leaves a session that ends with reason idle after the idle timeout', async () => {
    const run = await runProcess(process.execPath, [
      INSPECTOR,
      '--cli',
      endpoint,
      '--transport',
      'http',
      '--method',
      'tools/list',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const exitedAt = Date.now();
    const session = await closed((candidate) => candidate.clientName === 'inspector-cli');
    expect(session.closeReason).toBe('idle');
    // 1 s of idle time, checked every quarter of it: far from the 10 min default.
    expect(Date.now() - exitedAt).toBeLessThan(8000);
  });

  it('F10 idle: a session with an open stream is not reaped, and is once the stream closes', async () => {
    const init = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: PROTOCOL, capabilities: {}, clientInfo: { name: 'listener', version: '1' } },
      }),
    });
    const id = init.headers.get('mcp-session-id') as string;
    await init.text();
    const stream = new AbortController();
    const get = await fetch(endpoint, {
      headers: { accept: 'text/event-stream', 'mcp-session-id': id, 'mcp-protocol-version': PROTOCOL },
      signal: stream.signal,
    });
    expect(get.status).toBe(200);
    // Three idle timeouts with only the stream open: still there, and not idle at all.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const listening = (await sessions()).find((session) => session.id === id);
    expect(listening).toMatchObject({ state: 'open', idleSince: null });
    const table = await mcpctl(home, ['session', 'ls']);
    expect(table.stdout).toMatch(/^ID\s+SERVER\s+TRANSPORT\s+CLIENT\s+STARTED\s+LAST-ACTIVITY\s+IDLE\s+REQUESTS/);
    expect(
      table.stdout
        .split('\n')
        .find((line) => line.startsWith(id))
        ?.split(/\s{3,}/)[6],
    ).toBe('-');

    stream.abort();
    const session = await closed((candidate) => candidate.id === id);
    expect(session.closeReason).toBe('idle');
  });
});
