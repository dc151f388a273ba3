import { describe, expect, it } from 'vitest';
import type { DaemonStatus, NodeView } from '../../src/core/api.js';
import { EVERYTHING, waitFor } from '../helpers/cli.js';
import { addRunningServer } from '../helpers/daemon.js';
import { useE2eHome } from '../helpers/e2e.js';

/** `mcpctl node ls` and `daemon status` on the built binary: the daemon's node, its heartbeat and load. */
const h = useE2eHome();
// Heartbeats every 200 ms instead of 5 s, so a change of load is seen at once.
const FAST = { MCPCTL_TEST_HEARTBEAT_MS: '200' };

describe('node ls', () => {
  it('refuses a --node that is not a node name, exit 2, starting nothing', async () => {
    const bad = await h.run(['daemon', 'start', '--node', 'no spaces']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--node: 'no spaces' is not a node name");
    expect(h.daemonPids()).toEqual([]);
  });

  it("lists this daemon's node with a fresh heartbeat, its version and load; daemon status names it", async () => {
    const started = await h.run(['daemon', 'start', '--node', 'alpha'], { env: FAST });
    expect(started.code, started.stderr).toBe(0);
    const status = await h.json<DaemonStatus>(['daemon', 'status', '-o', 'json']);
    expect(status.node).toBe('alpha');
    expect((await h.run(['daemon', 'status'])).stdout).toMatch(/Node:\s+alpha\n/);

    const [node, ...others] = await h.json<NodeView[]>(['node', 'ls', '-o', 'json']);
    expect(others).toEqual([]);
    expect(node).toMatchObject({ name: 'alpha', version: status.version, live: true, self: true });
    // Same host, so the database's clock is ours: the heartbeat is seconds old at most.
    expect(Date.now() - Date.parse(node?.lastHeartbeatAt ?? '')).toBeLessThan(5_000);

    await addRunningServer(h.home, 'every', [], [process.execPath, EVERYTHING]);
    const loaded = await waitFor('the heartbeat to report the running server', async () => {
      const [view] = await h.json<NodeView[]>(['node', 'ls', '-o', 'json']);
      return view?.load.serversRunning === 1 ? view : undefined;
    });
    expect(loaded.lastHeartbeatAt > (node?.lastHeartbeatAt ?? '')).toBe(true);

    const table = await h.run(['node', 'ls']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/NAME\s+VERSION\s+LAST-HEARTBEAT\s+LIVE\s+SERVERS\s+SESSIONS/);
    expect(table.stdout).toMatch(/alpha \(this\)\s+\S+\s+\S+\s+yes\s+1\s+0/);
  });
});
