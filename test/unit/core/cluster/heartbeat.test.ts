import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { NodeHeartbeat } from '../../../../src/core/cluster/heartbeat.js';
import { defaultNodeName, resolveNodeName } from '../../../../src/core/cluster/nodeName.js';
import { type Logger, silentLogger } from '../../../../src/shared/logger.js';
import { openSqliteStore } from '../../../../src/store/sqliteStore.js';
import { waitFor } from '../../../helpers/cli.js';
import { useTempDir } from '../../store/tempDir.js';

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const logger = {
    lines,
    debug() {},
    info: (_fields: Record<string, unknown>, message: string) => lines.push(`info ${message}`),
    warn: (_fields: Record<string, unknown>, message: string) => lines.push(`warn ${message}`),
    error: (_fields: Record<string, unknown>, message: string) => lines.push(`error ${message}`),
    child: () => logger,
  };
  return logger;
}

describe('NodeHeartbeat', () => {
  const tempDir = useTempDir();
  const stops: Array<() => unknown> = [];
  afterEach(async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
  });

  it('keeps beating through a failing store: the failure logged once, the heartbeat back once it can write', async () => {
    const path = join(tempDir(), 'mcpctl.db');
    const store = openSqliteStore({ path, logger: silentLogger });
    stops.push(() => store.close());
    const logger = recordingLogger();
    let running = 0;
    const heartbeat = new NodeHeartbeat({
      nodes: store.nodes,
      name: 'n1',
      version: '1.2.3',
      logger,
      intervalMs: 20,
      load: () => ({ serversRunning: running, sessionsOpen: 0 }),
    });
    await heartbeat.start();
    stops.push(() => heartbeat.stop());
    expect(await store.nodes.list(60_000)).toMatchObject([
      { name: 'n1', version: '1.2.3', load: { serversRunning: 0 } },
    ]);

    // Another connection takes the table away: every beat now fails for real.
    const other = new Database(path);
    stops.push(() => other.close());
    const schema = (other.prepare("SELECT sql FROM sqlite_master WHERE name = 'nodes'").get() as { sql: string }).sql;
    other.exec('DROP TABLE nodes');
    await waitFor('a failed beat', () => (logger.lines.length > 0 ? true : undefined));
    const failedAt = logger.lines.length;
    await new Promise((resolve) => setTimeout(resolve, 100)); // several more failing ticks
    expect(logger.lines.slice(0, failedAt)).toEqual(['warn node heartbeat failed: retrying']);
    expect(logger.lines).toHaveLength(1);

    running = 2;
    other.exec(schema);
    const back = await waitFor('the heartbeat back', async () => {
      const [node] = await store.nodes.list(60_000);
      return node?.load.serversRunning === 2 ? node : undefined;
    });
    expect(back.name).toBe('n1');
    expect(logger.lines).toEqual(['warn node heartbeat failed: retrying', 'info node heartbeat written again']);
  });

  it('the node name: MCPCTL_NODE over config over the host name, made a valid name', () => {
    expect(resolveNodeName('from-config', { MCPCTL_NODE: 'from-flag' })).toBe('from-flag');
    expect(resolveNodeName('from-config', {})).toBe('from-config');
    expect(() => resolveNodeName(undefined, { MCPCTL_NODE: 'a b' })).toThrow(/not a node name/);
    expect(defaultNodeName('my host:1')).toBe('my-host-1');
    expect(defaultNodeName('--')).toBe('node');
  });
});
