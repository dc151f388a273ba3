import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ServerSpecInput } from '../../src/core/servers/definition.js';
import type { StdioRunner } from '../../src/core/servers/stdioRunner.js';
import type { ServerEntry } from '../../src/core/servers/views.js';
import { FIXTURES, waitFor } from '../helpers/cli.js';
import { isAlive } from '../helpers/procs.js';
import { fastPolicy, spec, useSupervisorHome } from '../helpers/supervisor.js';

const home = useSupervisorHome();

function envReport(input: Partial<ServerSpecInput> & { env?: Record<string, string> } = {}) {
  return spec({
    name: 'report',
    transport: 'stdio',
    command: process.execPath,
    args: [join(FIXTURES, 'envReport.mjs')],
    policy: fastPolicy({ healthIntervalMs: 60_000 }),
    ...input,
  } as ServerSpecInput);
}

/** What the running process answers to `env MODE`: its pid and the value it was started with. */
async function report(entry: ServerEntry): Promise<{ pid: number; value: string | null }> {
  const runner = entry.instance.runner as StdioRunner;
  const result = (await runner.connection.request(
    'tools/call',
    { name: 'env', arguments: { name: 'MODE' } },
    5000,
  )) as {
    content: { text: string }[];
  };
  return JSON.parse(result.content[0]?.text ?? '{}');
}

const pidOf = (entry: ServerEntry) => entry.instance.runner?.pid as number;
const eventTypes = async () => (await home.store.events.list({ server: 'report', limit: 50 })).map((e) => e.type);

describe('Supervisor.update: a definition edited in place', () => {
  it('applies a policy-only change at once, on the same process, and keeps the history', async () => {
    const entry = await home.supervisor.add(envReport({ env: { MODE: 'one' } }));
    const pid = pidOf(entry);
    const { createdAt } = (await home.store.servers.get('report')) ?? { createdAt: '' };

    const edited = envReport({
      env: { MODE: 'one' },
      labels: { team: 'a' },
      policy: fastPolicy({ restart: 'always' }),
    });
    const updated = await home.supervisor.update(edited);

    expect(updated).toMatchObject({ changed: true, rolled: false });
    expect(pidOf(entry)).toBe(pid);
    expect(home.supervisor.get('report').spec).toEqual(edited);
    const stored = await home.store.servers.get('report');
    expect(stored?.spec).toEqual(edited);
    expect(stored?.createdAt).toBe(createdAt);
    expect(await eventTypes()).toEqual(['added', 'starting', 'running', 'updated']);
    // The same definition again changes nothing and writes nothing.
    expect(await home.supervisor.update(edited)).toMatchObject({ changed: false, rolled: false });
    expect(await eventTypes()).toEqual(['added', 'starting', 'running', 'updated']);
  });

  it('a new health interval takes effect without a restart', async () => {
    const entry = await home.supervisor.add(envReport());
    const pid = pidOf(entry);
    const runner = entry.instance.runner as StdioRunner;
    let pings = 0;
    const request = runner.connection.request.bind(runner.connection);
    runner.connection.request = (method, params, timeoutMs) => {
      if (method === 'ping') pings++;
      return request(method, params, timeoutMs);
    };
    await home.supervisor.update(envReport({ policy: fastPolicy({ healthIntervalMs: 50 }) }));
    await waitFor('health checks at the new interval', () => (pings >= 3 ? true : undefined), 5000);
    expect(pidOf(entry)).toBe(pid);
  });

  it('rolls a running server over for an env change: a new process with the new env, the old one gone', async () => {
    const entry = await home.supervisor.add(envReport({ env: { MODE: 'one' } }));
    const before = await report(entry);
    expect(before.value).toBe('one');
    entry.instance.restarts = 2; // counters survive the edit

    const updated = await home.supervisor.update(envReport({ env: { MODE: 'two' } }));

    expect(updated).toMatchObject({ changed: true, rolled: true });
    const after = await report(entry);
    expect(after).toMatchObject({ value: 'two' });
    expect(after.pid).not.toBe(before.pid);
    expect(after.pid).toBe(pidOf(entry));
    expect(isAlive(before.pid)).toBe(false);
    expect(entry.instance.state).toBe('running');
    expect(entry.instance.restarts).toBe(2);
    expect((await home.store.instances.get('report'))?.pid).toBe(after.pid);
    const events = await home.store.events.list({ server: 'report', limit: 50 });
    expect(events.at(-1)?.message).toBe(
      `report: env changed; rolled over to a new process (pid ${before.pid} → ${after.pid})`,
    );
    // Its new process is supervised like the first: a crash is restarted.
    process.kill(after.pid, 'SIGKILL');
    await waitFor('the rolled server restarted', () =>
      entry.instance.state === 'running' && pidOf(entry) !== after.pid ? true : undefined,
    );
    expect((await report(entry)).value).toBe('two');
  });

  it('keeps the old process and the old definition when the new one does not come up', async () => {
    const entry = await home.supervisor.add(envReport({ env: { MODE: 'one' } }));
    const pid = pidOf(entry);
    const broken = envReport({
      env: { MODE: 'two', HANG_ON_INITIALIZE: '1' },
      args: [join(FIXTURES, 'hang.mjs')],
      policy: fastPolicy({ healthIntervalMs: 60_000, startTimeoutMs: 300 }),
    });

    const error = await home.supervisor.update(broken).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'SERVER_FAILED' });
    expect((error as Error).message).toMatch(
      /^the new definition of 'report' did not come up \(.*\); the running process was kept, with the old definition$/,
    );
    expect(pidOf(entry)).toBe(pid);
    expect(await report(entry)).toEqual({ pid, value: 'one' });
    expect(home.supervisor.get('report').spec.policy.startTimeoutMs).toBe(10_000);
    expect((await home.store.servers.get('report'))?.spec).toEqual(envReport({ env: { MODE: 'one' } }));
    expect((await eventTypes()).at(-1)).toBe('update-failed');
  });

  it('a stopped server just takes the new definition; its next start uses it', async () => {
    const entry = await home.supervisor.add(envReport({ env: { MODE: 'one' }, autostart: false }));
    const updated = await home.supervisor.update(envReport({ env: { MODE: 'two' }, autostart: false }));
    expect(updated).toMatchObject({ changed: true, rolled: false });
    expect(entry.instance.state).toBe('stopped');
    await home.supervisor.start({ names: ['report'], all: false });
    expect((await report(entry)).value).toBe('two');
  });

  it('edits at once apply one after the other, each on what the one before left (none lost)', async () => {
    const entry = await home.supervisor.add(envReport({ env: { MODE: 'one' } }));
    const addEnv = (key: string) =>
      home.supervisor.edit('report', (current) =>
        current.transport === 'stdio' ? { ...current, env: { ...current.env, [key]: 'x' } } : current,
      );
    const results = await Promise.all([addEnv('A'), addEnv('B'), addEnv('C')]);
    expect(results.map((r) => r.rolled)).toEqual([true, true, true]);
    const final = home.supervisor.get('report').spec;
    expect(final.transport === 'stdio' && final.env).toEqual({ MODE: 'one', A: 'x', B: 'x', C: 'x' });
    expect((await home.store.servers.get('report'))?.spec).toEqual(final);
    expect((await report(entry)).value).toBe('one');
  });

  it('an unknown server is NOT_FOUND', async () => {
    await expect(home.supervisor.update(envReport())).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
