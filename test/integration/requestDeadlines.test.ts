import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, mcpctlJson, waitFor } from '../helpers/cli.js';
import { addRunningServer, startTestDaemon, type TestDaemon } from '../helpers/daemon.js';
import { connectHttp, type HttpSession } from '../helpers/mcpClient.js';

const SLOW = join(FIXTURES, 'slowAnswers.mjs');
/** A small cap, so an answer over it is cheap to write. */
const MAX_LINE_BYTES = 64 * 1024;

let daemon: TestDaemon;

function addServer(name: string, flags: string[]): Promise<void> {
  return addRunningServer(daemon.home, name, flags, [process.execPath, SLOW]);
}

beforeAll(async () => {
  daemon = await startTestDaemon({ MCPCTL_MAX_LINE_BYTES: String(MAX_LINE_BYTES) });
  await addServer('slow', ['--request-timeout', '300ms', '--backoff-initial', '50ms']);
  await addServer('slow-iso', ['--share', 'isolated', '--request-timeout', '300ms']);
});

afterAll(async () => {
  await daemon?.stop();
});

function connect(server: string): Promise<HttpSession> {
  return connectHttp(daemon.endpoint(server), new Client({ name: 'deadline-test', version: '1.0.0' }));
}

async function echo(session: HttpSession, text: string): Promise<string> {
  const result = (await session.client.callTool({ name: 'echo', arguments: { text } })) as {
    content: Array<{ text: string }>;
  };
  return result.content[0]?.text ?? '';
}

/** Calls a tool expecting an error; returns the error and how long it took. */
async function failingCall(session: HttpSession, name: string, args: Record<string, unknown> = {}) {
  const started = Date.now();
  const error = await session.client.callTool({ name, arguments: args }, undefined, { timeout: 10_000 }).then(
    () => undefined,
    (caught: unknown) => caught as Error,
  );
  return { error, ms: Date.now() - started };
}

function serverLog(name: string): string {
  return readFileSync(join(daemon.home, 'logs', `${name}.log`), 'utf8');
}

describe('every request ends', () => {
  it.each(['slow', 'slow-iso'])(
    'F3 server hangs (%s): the call fails after --request-timeout, naming the server and the timeout, and the server is told to cancel',
    async (server) => {
      const session = await connect(server);
      try {
        const { error, ms } = await failingCall(session, 'hang');
        expect(error?.message).toMatch(new RegExp(`server '${server}' did not answer tools/call within 300ms`));
        expect(ms).toBeLessThan(1500);
        const cancelled = await waitFor('notifications/cancelled at the server', () =>
          /got notifications\/cancelled \{"requestId":\d+,"reason":"mcpctl: no answer in time/.test(serverLog(server))
            ? true
            : undefined,
        );
        expect(cancelled).toBe(true);
        // The session goes on.
        expect(await echo(session, 'still here')).toBe('still here');
      } finally {
        await session.close();
      }
    },
  );

  it('progress notifications extend the deadline: a 1 s tool reporting every 100 ms succeeds under a 300 ms timeout', async () => {
    const session = await connect('slow');
    try {
      let reports = 0;
      const result = (await session.client.callTool({ name: 'progress', arguments: { ms: 1000 } }, undefined, {
        onprogress: () => {
          reports++;
        },
        timeout: 10_000,
      })) as { content: Array<{ text: string }> };
      expect(result.content[0]?.text).toBe('done');
      expect(reports).toBeGreaterThanOrEqual(5);
    } finally {
      await session.close();
    }
  });

  it.each(['big', 'big-id-first'])(
    'F4/B2 oversize answer (%s): the request fails at once, saying the answer was over the cap, and the session works on',
    async (tool) => {
      const session = await connect('slow');
      try {
        const { error, ms } = await failingCall(session, tool, { bytes: 2 * MAX_LINE_BYTES });
        expect(error?.message).toMatch(/answer was \d+ bytes, over mcpctl's cap of 65536 bytes/);
        expect(ms).toBeLessThan(250); // at once, not after the 300 ms timeout
        expect(await echo(session, 'after')).toBe('after');
      } finally {
        await session.close();
      }
    },
  );

  it('an answer nested too deep to be sent on fails its request at once, and the session works on', async () => {
    const session = await connect('slow');
    try {
      const { error, ms } = await failingCall(session, 'deep', { depth: 20_000 });
      expect(error?.message).toMatch(/the server's answer nests deeper than 1000 levels, so it was dropped/);
      expect(ms).toBeLessThan(250); // at once, not after the 300 ms timeout
      expect(await echo(session, 'after')).toBe('after');
    } finally {
      await session.close();
    }
  });

  it('F4 oversize line with no id to be found: the instance is restarted, with an event saying why', async () => {
    const before = await mcpctlJson<{ pid: number }>(daemon.home, ['server', 'show', 'slow']);
    const session = await connect('slow');
    try {
      const { error, ms } = await failingCall(session, 'big-no-id', { bytes: 2 * MAX_LINE_BYTES });
      expect(error?.message).toMatch(/no request id/);
      expect(ms).toBeLessThan(1000);
      const restarted = await waitFor('slow to run again', async () => {
        const view = await mcpctlJson<{ state: string; pid: number; events: Array<{ type: string; message: string }> }>(
          daemon.home,
          ['server', 'show', 'slow'],
        );
        return view.state === 'running' && view.pid !== before.pid ? view : undefined;
      });
      expect(restarted.events.some((event) => event.type === 'backoff' && /no request id/.test(event.message))).toBe(
        true,
      );
      // A shared session outlives its server's restart.
      expect(await echo(session, 'back')).toBe('back');
    } finally {
      await session.close();
    }
  });
});
