import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Supervisor } from '../../src/core/servers/supervisor.js';
import type { Store } from '../../src/store/types.js';
import { FIXTURES } from '../helpers/cli.js';
import { fastPolicy, makeSupervisor, spec } from '../helpers/supervisor.js';

const dir = mkdtempSync(join(tmpdir(), 'mcpctl-start-concurrency-'));
const startLog = join(dir, 'starts.jsonl');
let current: { supervisor: Supervisor; store: Store } | undefined;

afterEach(async () => {
  await current?.supervisor.shutdown();
  current?.store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The most processes that were between their spawn and their initialize answer at one time. */
function mostInitializingAtOnce(): { most: number; spawned: number } {
  const lines = readFileSync(startLog, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { pid: number; event: string; t: number })
    .sort((a, b) => a.t - b.t || (a.event === 'initialized' ? -1 : 1));
  let open = 0;
  let most = 0;
  for (const line of lines) {
    open += line.event === 'spawned' ? 1 : -1;
    most = Math.max(most, open);
  }
  return { most, spawned: lines.filter((line) => line.event === 'spawned').length };
}

describe('bounded start concurrency (servers.startConcurrency)', () => {
  it('a daemon start of eight autostart servers initializes at most two at a time, and all come up', async () => {
    current = makeSupervisor(dir, { startConcurrency: 2 });
    const servers = Array.from({ length: 8 }, (_, i) => `s${i}`);
    for (const name of servers) {
      await current.supervisor.add(
        spec({
          name,
          transport: 'stdio',
          command: process.execPath,
          args: [join(FIXTURES, 'startLog.mjs')],
          env: { START_LOG: startLog, START_DELAY_MS: '250' },
          autostart: false,
          policy: fastPolicy(),
        }),
      );
    }
    // What a daemon does at start: load the definitions, start every server that should run.
    await current.supervisor.start({ names: servers, all: false });
    await current.supervisor.shutdown();
    current.store.close();
    rmSync(startLog, { force: true });
    current = makeSupervisor(dir, { startConcurrency: 2 });
    await current.supervisor.load();
    await current.supervisor.resume();

    expect(current.supervisor.list().map((entry) => entry.instance.state)).toEqual(servers.map(() => 'running'));
    const { most, spawned } = mostInitializingAtOnce();
    expect(spawned).toBe(8);
    expect(most).toBe(2);
  }, 30_000);
});
