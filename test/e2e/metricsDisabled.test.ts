import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricsSnapshot } from '../../src/core/api.js';
import { EVERYTHING, mcpctl, mcpctlJson } from '../helpers/cli.js';
import { addRunningServer, startTestDaemon, type TestDaemon } from '../helpers/daemon.js';

let daemon: TestDaemon;

beforeAll(async () => {
  daemon = await startTestDaemon({ MCPCTL_METRICS: 'false' });
  await addRunningServer(daemon.home, 'every', [], [process.execPath, EVERYTHING]);
}, 60_000);

afterAll(async () => {
  await daemon?.stop();
});

describe('metrics.enabled false (MCPCTL_METRICS=false)', () => {
  it('/metrics answers 404 saying why, and the MCP endpoints still serve', async () => {
    const response = await fetch(`${daemon.gatewayUrl}/metrics`);
    expect(response.status).toBe(404);
    expect(await response.text()).toContain('metrics.enabled');
  });

  it('mcpctl metrics still shows state and process usage, counts nothing, and says so', async () => {
    const snapshot = await mcpctlJson<MetricsSnapshot>(daemon.home, ['metrics', '-o', 'json']);
    expect(snapshot.enabled).toBe(false);
    expect(snapshot.servers).toMatchObject([{ name: 'every', state: 'running', calls: { ok: 0 } }]);
    expect(snapshot.servers[0]?.rssBytes).toBeGreaterThan(0);
    const table = await mcpctl(daemon.home, ['metrics']);
    expect(table.code).toBe(0);
    expect(table.stderr).toContain('metrics.enabled setting is false');
  });

  it('an unknown server exits 8', async () => {
    const result = await mcpctl(daemon.home, ['metrics', 'nope']);
    expect(result.code).toBe(8);
  });
});
