import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ControlApi, LogLine } from '../../../src/core/api.js';
import { createLocalApi, toMethodTable } from '../../../src/core/localApi.js';
import { createRemoteApi } from '../../../src/core/remoteApi.js';
import { startControlServer } from '../../../src/daemon/ipc/controlServer.js';
import { McpctlError } from '../../../src/shared/errors.js';
import { silentLogger } from '../../../src/shared/logger.js';
import { useCleanup, useShortTempDir } from '../daemon/ipc/helpers.js';
import { type StubCalls, stubHandlers } from './stubHandlers.js';

const tempDir = useShortTempDir();
const cleanup = useCleanup();

async function collect(items: AsyncIterable<LogLine>, count: number, controller: AbortController): Promise<LogLine[]> {
  const seen: LogLine[] = [];
  for await (const item of items) {
    seen.push(item);
    if (seen.length === count) controller.abort();
  }
  return seen;
}

/** The same assertions hold in-process and over the socket: that is the point of one contract. */
describe.each([
  ['remote', true],
  ['local', false],
])('%s api', (_label, overSocket) => {
  let api: ControlApi;
  let calls: StubCalls;

  beforeEach(async () => {
    const stub = stubHandlers();
    calls = stub.calls;
    if (!overSocket) {
      api = createLocalApi(stub.handlers);
      return;
    }
    const socketPath = join(tempDir(), 'run', 'c.sock');
    const server = await startControlServer({ socketPath, logger: silentLogger, ...toMethodTable(stub.handlers) });
    cleanup(() => server.close());
    api = createRemoteApi(socketPath);
  });

  it('calls a method with its validated input (defaults applied) and returns the output', async () => {
    expect(await api.startServers({ all: true })).toEqual([]);
    expect(calls.inputs).toEqual([{ method: 'startServers', input: { all: true, names: [], wait: true } }]);
    expect((await api.daemonStatus({})).pid).toBe(42);
  });

  it('rejects invalid input with INVALID_ARGUMENT before the handler runs', async () => {
    const error = await api.getServer({ name: 'Bad Name!' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpctlError);
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('name:') });
    expect(calls.inputs).toEqual([]);
  });

  it("rebuilds the handler's McpctlError with its hint", async () => {
    const error = await api.getServer({ name: 'ghost' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpctlError);
    expect(error).toMatchObject({
      code: 'NOT_FOUND',
      message: "no server named 'ghost'",
      hint: "list them with 'mcpctl ls'",
    });
  });

  it('streams items and aborts the handler when the caller stops', async () => {
    const controller = new AbortController();
    const lines = await collect(api.followLogs({ name: 'alpha', tail: 5 }, controller.signal), 2, controller);
    expect(lines.map((line) => line.text)).toEqual(['hello', 'world']);
    await calls.followAborted;
    expect(calls.inputs).toEqual([{ method: 'followLogs', input: { name: 'alpha', tail: 5 } }]);
  });

  it('rejects invalid stream input when iterated', async () => {
    const iteration = collect(api.followLogs({ tail: -1 }, new AbortController().signal), 1, new AbortController());
    await expect(iteration).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('tail'),
    });
  });
});
