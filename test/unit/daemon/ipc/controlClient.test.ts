import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorFromAnswer, isDaemonNotRunning } from '../../../../src/daemon/ipc/clientErrors.js';
import { postJson, postStream } from '../../../../src/daemon/ipc/controlClient.js';
import { startControlServer } from '../../../../src/daemon/ipc/controlServer.js';
import { McpctlError } from '../../../../src/shared/errors.js';
import { silentLogger } from '../../../../src/shared/logger.js';
import { leaveStaleSocket, useCleanup, useShortTempDir } from './helpers.js';

const tempDir = useShortTempDir();
const cleanup = useCleanup();

describe('postJson', () => {
  it('fails with DAEMON_UNREACHABLE and a start hint when no socket exists', async () => {
    const socket = join(tempDir(), 'none.sock');
    const error = await postJson(socket, '/v1/listServers', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpctlError);
    expect(error).toMatchObject({
      code: 'DAEMON_UNREACHABLE',
      message: `the mcpctl daemon is not running (no answer on ${socket})`,
      hint: "start it with 'mcpctl daemon start'",
    });
    expect(isDaemonNotRunning(error)).toBe(true);
  });

  it('fails with DAEMON_UNREACHABLE when the socket file is stale', async () => {
    const dir = tempDir();
    const socket = join(dir, 'stale.sock');
    leaveStaleSocket(socket);
    const error = await postJson(socket, '/v1/listServers', {}).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'DAEMON_UNREACHABLE' });
    expect(isDaemonNotRunning(error)).toBe(true);
  });

  it('fails with TIMEOUT when the daemon does not answer in time', async () => {
    const socket = join(tempDir(), 'run', 'c.sock');
    mkdirSync(join(socket, '..'), { mode: 0o700 });
    const server = await startControlServer({
      socketPath: socket,
      logger: silentLogger,
      methods: { hang: () => new Promise(() => {}) },
      streams: {},
    });
    cleanup(() => server.close());
    const error = await postJson(socket, '/v1/hang', {}, { timeoutMs: 100 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'TIMEOUT', message: expect.stringContaining('100 ms') });
    expect(isDaemonNotRunning(error)).toBe(false);
  });
});

describe('postStream', () => {
  it('fails with DAEMON_UNREACHABLE on iteration when no daemon runs', async () => {
    const socket = join(tempDir(), 'none.sock');
    const iteration = (async () => {
      for await (const _ of postStream(socket, '/v1/followLogs', {}, new AbortController().signal)) {
        // nothing arrives
      }
    })();
    await expect(iteration).rejects.toMatchObject({ code: 'DAEMON_UNREACHABLE' });
  });

  it('ends at once when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const items: unknown[] = [];
    for await (const item of postStream(join(tempDir(), 'none.sock'), '/v1/x', {}, controller.signal)) items.push(item);
    expect(items).toEqual([]);
  });

  it('ends quietly when the caller aborts mid-stream', async () => {
    const socket = join(tempDir(), 'run', 'c.sock');
    const server = await startControlServer({
      socketPath: socket,
      logger: silentLogger,
      methods: {},
      streams: {
        waits: async function* (_body, _call, signal) {
          yield 'one';
          await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
        },
      },
    });
    cleanup(() => server.close());
    const controller = new AbortController();
    const items: unknown[] = [];
    for await (const item of postStream(socket, '/v1/waits', {}, controller.signal)) {
      items.push(item);
      controller.abort();
    }
    expect(items).toEqual(['one']);
  });
});

describe('errorFromAnswer', () => {
  it('rebuilds the McpctlError from an error payload', () => {
    const error = errorFromAnswer(409, {
      error: { kind: 'user', code: 'ALREADY_EXISTS', message: 'x exists', hint: 'pick another name' },
    });
    expect(error).toBeInstanceOf(McpctlError);
    expect(error).toMatchObject({ code: 'ALREADY_EXISTS', message: 'x exists', hint: 'pick another name' });
  });

  it('says so when the answer carries no error payload', () => {
    expect(errorFromAnswer(502, 'Bad Gateway')).toMatchObject({
      code: 'INTERNAL',
      message: expect.stringContaining('HTTP 502'),
    });
  });
});
