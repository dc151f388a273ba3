import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/shared/logger.js';
import { POSTGRES_SCHEMA_VERSION } from '../../src/store/postgres/migrations.js';
import { openPostgresStore } from '../../src/store/postgres/postgresStore.js';
import { usePostgres } from '../helpers/postgres.js';
import { storeContract } from './store.contract.js';

const cluster = usePostgres();

async function schemaVersions(url: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    return rows.map((row) => row.version);
  } finally {
    await client.end();
  }
}

describe('the store contract on PostgreSQL', () => {
  // Each test's database is a copy of one migrated here: the migration runs once per file.
  let template = '';
  beforeAll(async () => {
    const { name, url } = await cluster().createDatabase();
    await (await openPostgresStore({ url, logger: silentLogger })).close();
    template = name;
  });
  storeContract({
    async open(options) {
      const { url } = await cluster().createDatabase(template);
      const openAt = () => openPostgresStore({ url, logger: silentLogger, ...options });
      return { store: await openAt(), reopen: openAt };
    },
  });
});

describe('PostgreSQL migrations', () => {
  it('migrate an empty database once when two daemons open it at the same moment', async () => {
    const { url } = await cluster().createDatabase();
    const stores = await Promise.all([1, 2, 3].map(() => openPostgresStore({ url, logger: silentLogger })));
    await stores[0]?.servers.insert({ name: 'a', transport: 'stdio', spec: {} });
    expect((await stores[2]?.servers.list())?.map((server) => server.name)).toEqual(['a']);
    for (const store of stores) await store.close();
    expect(await schemaVersions(url)).toEqual(Array.from({ length: POSTGRES_SCHEMA_VERSION }, (_, i) => i + 1));
  });

  it('refuse a database of a newer schema with CONFIG_INVALID, and leave it alone', async () => {
    const { url } = await cluster().createDatabase();
    await (await openPostgresStore({ url, logger: silentLogger })).close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query("INSERT INTO schema_migrations VALUES ($1, 'later')", [POSTGRES_SCHEMA_VERSION + 1]);
    await client.end();
    const error = await openPostgresStore({ url, logger: silentLogger }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CONFIG_INVALID', hint: expect.stringContaining('upgrade mcpctl') });
    expect((error as Error).message).toContain(`newer than this mcpctl knows (${POSTGRES_SCHEMA_VERSION})`);
    expect((await schemaVersions(url)).at(-1)).toBe(POSTGRES_SCHEMA_VERSION + 1);
  });
});
