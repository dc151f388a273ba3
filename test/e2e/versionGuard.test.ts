import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/shared/logger.js';
import { openPostgresStore } from '../../src/store/postgres/postgresStore.js';
import { CLI, CLI_NODE, makeHome } from '../helpers/cli.js';
import { usePostgres } from '../helpers/postgres.js';
import { runProcess } from '../helpers/run.js';

/**
 * Two versions on one PostgreSQL store: a daemon whose code has a newer schema than the store's
 * refuses to migrate while an older node (its heartbeat live, its version lower) runs there:
 * exit 3, naming that node, its version and what to do, and the schema stays as it was.
 */
const cluster = usePostgres();

async function query<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

const schemaVersion = async (url: string) =>
  (await query<{ v: number }>(url, 'SELECT max(version) AS v FROM schema_migrations'))[0]?.v;

describe('the version guard of a shared schema', () => {
  it('a daemon with a newer schema exits 3 while an older node beats on the store, naming it; nothing is migrated', async () => {
    const { url } = await cluster().createDatabase();
    await (await openPostgresStore({ url, logger: silentLogger })).close();
    const latest = await schemaVersion(url);
    // The store as an older mcpctl left it: its last step not recorded (the guard runs before any step does).
    await query(url, 'DELETE FROM schema_migrations WHERE version = $1', [latest]);
    const beat = `to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
    await query(
      url,
      `INSERT INTO nodes (name, version, load, first_seen_at, last_heartbeat_at)
       VALUES ('old-node', '0.0.1', '{}', ${beat}, ${beat}), ('gone-node', '0.0.1', '{}', '2020-01-01T00:00:00.000Z', '2020-01-01T00:00:00.000Z')`,
    );
    const { home, cleanup } = makeHome();
    try {
      const result = await runProcess(CLI_NODE, [CLI, 'daemon', 'run'], {
        env: { ...process.env, MCPCTL_HOME: home, MCPCTL_STORE_URL: url, MCPCTL_GATEWAY_PORT: '0', NO_COLOR: '1' },
        timeoutMs: 30_000,
      });
      expect(result.code, result.stderr).toBe(3);
      expect(result.stderr).toMatch(
        /node 'old-node' \(mcpctl 0\.0\.1, last heartbeat \d+ s ago\) still runs on the store/,
      );
      expect(result.stderr).toContain(`at schema version ${(latest ?? 0) - 1}`);
      expect(result.stderr).toContain('stop (or upgrade) the older node first');
      // A node whose heartbeat is long past does not count.
      expect(result.stderr).not.toContain('gone-node');
    } finally {
      cleanup();
    }
    expect(await schemaVersion(url)).toBe((latest ?? 0) - 1);
  });
});
