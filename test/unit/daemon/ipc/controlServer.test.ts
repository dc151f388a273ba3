import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getJson, postJson, postStream } from '../../../../src/daemon/ipc/controlClient.js';
import { type ControlServerOptions, startControlServer } from '../../../../src/daemon/ipc/controlServer.js';
import { McpctlError } from '../../../../src/shared/errors.js';
import { silentLogger } from '../../../../src/shared/logger.js';
import { deferred, leaveStaleSocket, rawRequest, recordingLogger, useCleanup, useShortTempDir } from './helpers.js';

const tempDir = useShortTempDir();
const cleanup = useCleanup();

async function serve(
  options: Partial<ControlServerOptions> = {},
): Promise<{ socket: string; close: () => Promise<void> }> {
  const socket = options.socketPath ?? join(tempDir(), 'run', 'c.sock');
  const server = await startControlServer({
    socketPath: socket,
    logger: silentLogger,
    methods: {
      echo: async (body) => ({ got: body }),
      nothing: async () => undefined,
      missing: async () => {
        throw new McpctlError('NOT_FOUND', 'no server named x', { hint: "see 'mcpctl ls'" });
      },
      clash: async () => {
        throw new McpctlError('ALREADY_EXISTS', 'server x exists');
      },
      slow: async () => {
        throw new McpctlError('TIMEOUT', 'took too long');
      },
      bug: async () => {
        throw new TypeError('cannot read properties of undefined');
      },
    },
    streams: {},
    ...options,
  });
  cleanup(() => server.close());
  return { socket, close: () => server.close() };
}

describe('startControlServer', () => {
  it('answers a method with its JSON output', async () => {
    const { socket } = await serve();
    expect(await postJson(socket, '/v1/echo', { a: [1, 'two'] })).toEqual({
      status: 200,
      body: { got: { a: [1, 'two'] } },
    });
    expect(await postJson(socket, '/v1/nothing', {})).toEqual({ status: 200, body: null });
  });

  it('treats an empty body as {}', async () => {
    const { socket } = await serve();
    const answer = await rawRequest(socket, 'POST', '/v1/echo');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ got: {} });
  });

  it('answers health cheaply with the pid', async () => {
    const { socket } = await serve();
    expect(await getJson(socket, '/v1/health')).toEqual({ status: 200, body: { ok: true, pid: process.pid } });
  });

  it('maps error codes to HTTP statuses and sends the payload', async () => {
    const { socket } = await serve();
    expect(await postJson(socket, '/v1/missing', {})).toEqual({
      status: 404,
      body: { error: { kind: 'user', code: 'NOT_FOUND', message: 'no server named x', hint: "see 'mcpctl ls'" } },
    });
    expect((await postJson(socket, '/v1/clash', {})).status).toBe(409);
    expect((await postJson(socket, '/v1/slow', {})).status).toBe(504);
  });

  it('answers a thrown non-McpctlError with a generic 500 and logs the stack', async () => {
    const { logger, entries } = recordingLogger();
    const { socket } = await serve({ logger });
    const answer = await postJson(socket, '/v1/bug', {});
    expect(answer.status).toBe(500);
    const error = (answer.body as { error: { code: string; message: string; hint: string } }).error;
    expect(error.code).toBe('INTERNAL');
    expect(error.message).toContain("'bug'");
    expect(error.message).not.toContain('cannot read properties');
    expect(error.hint).toContain('mcpctl daemon logs');
    const logged = entries.find((entry) => entry.level === 'error');
    expect(logged?.fields.method).toBe('bug');
    expect(String(logged?.fields.stack)).toContain('TypeError: cannot read properties of undefined');
  });

  it('answers 413 when the body is over 1 MiB', async () => {
    const { socket } = await serve();
    const answer = await postJson(socket, '/v1/echo', { data: 'x'.repeat(1024 * 1024) });
    expect(answer.status).toBe(413);
    expect(answer.body).toMatchObject({
      error: { code: 'INVALID_ARGUMENT', message: expect.stringContaining('limit') },
    });
    // The connection-level drain leaves the server healthy.
    expect((await postJson(socket, '/v1/echo', {})).status).toBe(200);
  });

  it('answers 400 to a body that is not JSON', async () => {
    const { socket } = await serve();
    const answer = await rawRequest(socket, 'POST', '/v1/echo', '{nope');
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text)).toMatchObject({
      error: { code: 'INVALID_ARGUMENT', message: expect.stringContaining('not valid JSON') },
    });
  });

  it('answers 404 with the known methods to an unknown one, prototype keys included', async () => {
    const { socket } = await serve();
    for (const path of ['/v1/frobnicate', '/v1/constructor', '/v2/echo', '/']) {
      const answer = await postJson(socket, path, {});
      expect(answer.status).toBe(404);
      expect(answer.body).toMatchObject({ error: { code: 'NOT_FOUND', hint: expect.stringContaining('echo') } });
    }
  });

  it('answers 405 to anything but POST on a method, and to POST on health', async () => {
    const { socket } = await serve();
    const get = await rawRequest(socket, 'GET', '/v1/echo');
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
    expect((await postJson(socket, '/v1/health', {})).status).toBe(405);
  });

  it('creates the socket 0600 in a 0700 folder, tightening a looser folder of ours', async () => {
    const dir = join(tempDir(), 'run');
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    const { socket } = await serve({ socketPath: join(dir, 'c.sock') });
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(lstatSync(socket).isSocket()).toBe(true);
    expect(lstatSync(socket).mode & 0o777).toBe(0o600);
  });

  it('refuses a runtime folder owned by another user', async () => {
    const dir = join(tempDir(), 'run');
    mkdirSync(dir, { mode: 0o700 });
    if (process.getuid?.() !== 0) return; // only root can hand a folder to someone else
    chownSync(dir, 4242, 4242);
    await expect(serve({ socketPath: join(dir, 'c.sock') })).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
  });

  it('removes the socket on close', async () => {
    const { socket, close } = await serve();
    await close();
    expect(existsSync(socket)).toBe(false);
    await expect(getJson(socket, '/v1/health')).rejects.toMatchObject({ code: 'DAEMON_UNREACHABLE' });
  });

  it('replaces a stale socket file left by a crashed daemon', async () => {
    const dir = join(tempDir(), 'run');
    mkdirSync(dir, { mode: 0o700 });
    const socketPath = join(dir, 'c.sock');
    leaveStaleSocket(socketPath);
    expect(lstatSync(socketPath).isSocket()).toBe(true);
    const { socket } = await serve({ socketPath });
    expect((await getJson(socket, '/v1/health')).status).toBe(200);
  });

  it('refuses to start when a live server answers on the socket', async () => {
    const { socket } = await serve();
    const second = serve({ socketPath: socket });
    await expect(second).rejects.toBeInstanceOf(McpctlError);
    await expect(second).rejects.toMatchObject({ code: 'DAEMON_RUNNING' });
    expect((await getJson(socket, '/v1/health')).status).toBe(200);
  });

  it('refuses a socket path that is too long for a Unix socket', async () => {
    const socketPath = join(tempDir(), 'x'.repeat(120), 'c.sock');
    await expect(serve({ socketPath })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });
});

describe('streams', () => {
  it('delivers items as NDJSON and aborts the handler when the client leaves', async () => {
    const aborted = deferred();
    const { socket } = await serve({
      streams: {
        ticks: async function* (body, _call, signal) {
          yield { n: 1, body };
          yield { n: 2 };
          await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
          aborted.resolve();
        },
      },
    });
    const controller = new AbortController();
    const seen: unknown[] = [];
    for await (const item of postStream(socket, '/v1/ticks', { from: 'test' }, controller.signal)) {
      seen.push(item);
      if (seen.length === 2) break;
    }
    expect(seen).toEqual([{ n: 1, body: { from: 'test' } }, { n: 2 }]);
    await aborted.promise;
  });

  it('ends open streams on close and the client iteration ends quietly', async () => {
    const started = deferred();
    const aborted = deferred();
    const { socket, close } = await serve({
      streams: {
        forever: async function* (_body, _call, signal) {
          yield 'first';
          started.resolve();
          await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
          aborted.resolve();
        },
      },
    });
    const items: unknown[] = [];
    const reading = (async () => {
      for await (const item of postStream(socket, '/v1/forever', {}, new AbortController().signal)) items.push(item);
    })();
    await started.promise;
    await close();
    await aborted.promise;
    await reading;
    expect(items).toEqual(['first']);
  });

  it('answers a stream whose input is refused with a plain JSON error', async () => {
    const { socket } = await serve({
      streams: {
        strict: () => {
          throw new McpctlError('INVALID_ARGUMENT', 'invalid input of strict: tail: too small');
        },
      },
    });
    const iteration = (async () => {
      for await (const _ of postStream(socket, '/v1/strict', {}, new AbortController().signal)) {
        // nothing arrives
      }
    })();
    await expect(iteration).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('too small'),
    });
  });

  it('sends a failure mid-stream as a last error line that the client throws', async () => {
    const { socket } = await serve({
      streams: {
        breaks: async function* () {
          yield 1;
          throw new McpctlError('UPSTREAM_UNREACHABLE', 'log source went away');
        },
      },
    });
    const items: unknown[] = [];
    const iteration = (async () => {
      for await (const item of postStream(socket, '/v1/breaks', {}, new AbortController().signal)) items.push(item);
    })();
    await expect(iteration).rejects.toMatchObject({ code: 'UPSTREAM_UNREACHABLE', message: 'log source went away' });
    expect(items).toEqual([1]);
  });
});
