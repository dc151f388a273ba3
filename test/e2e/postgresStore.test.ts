import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_NODE, EVERYTHING, waitFor } from '../helpers/cli.js';
import { type E2eHome, e2eHome } from '../helpers/e2e.js';
import { connectHttp, type HttpSession } from '../helpers/mcpClient.js';
import { usePostgres } from '../helpers/postgres.js';

/**
 * A daemon whose store is a real PostgreSQL (store.url through MCPCTL_STORE_URL): definitions
 * survive a restart there, the gateway serves as on SQLite; when PostgreSQL stops under it, open
 * sessions keep answering (the gateway's hot path never waits on the store), writes fail with
 * exit 6 and change nothing, and all resumes once it is back, with no daemon restart. A store
 * it cannot reach stops it from starting with exit 6, naming the host, never the password.
 */
const cluster = usePostgres();

interface Status {
  pid: number;
  database: string;
  store: { backend: string; location: string };
  gateway: { url: string } | null;
}

describe('a daemon on PostgreSQL', () => {
  let h: E2eHome;
  let env: NodeJS.ProcessEnv;
  let session: HttpSession | undefined;
  const run = (args: string[]) => h.run(args, { env });
  const add = (name: string) => run(['server', 'add', name, ...h.mark(name), '--', CLI_NODE, EVERYTHING]);
  const names = async () => (await json<Array<{ name: string }>>(['ls'])).map((server) => server.name);
  const echo = async (message: string) => {
    const result = await session?.client.callTool({ name: 'echo', arguments: { message } });
    return JSON.stringify(result?.content);
  };
  const json = async <T>(args: string[]): Promise<T> => {
    const result = await run([...args, '-o', 'json']);
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as T;
  };
  beforeAll(async () => {
    h = e2eHome();
    env = { MCPCTL_STORE_URL: (await cluster().createDatabase()).url };
  });
  afterAll(async () => {
    await session?.close().catch(() => undefined);
    await h.run(['daemon', 'stop'], { env });
    await h.dispose();
  });

  it('keeps servers there across a restart, names the backend, and serves the gateway', async () => {
    const started = await run(['daemon', 'start']);
    expect(started.code, started.stderr).toBe(0);
    const status = await json<Status>(['daemon', 'status']);
    expect(status.store).toEqual({ backend: 'postgres', location: `${cluster().socketDir}:5432/t1` });
    expect((await run(['daemon', 'status'])).stdout).toMatch(/Store:\s+postgres \/.*:5432\/t1\n/);

    const added = await add('everything');
    expect(added.code, added.stderr).toBe(0);
    expect((await run(['daemon', 'stop'])).code).toBe(0);
    expect((await run(['daemon', 'start'])).code).toBe(0);
    const servers = await waitFor('everything to run after the restart', async () => {
      const list = await json<Array<{ name: string; state: string }>>(['ls']);
      return list.every((server) => server.state === 'running') && list.length > 0 ? list : undefined;
    });
    expect(servers.map((server) => server.name)).toEqual(['everything']);
    // Nothing was written to the SQLite file.
    expect(existsSync(status.database)).toBe(false);

    const { gateway } = await json<Status>(['daemon', 'status']);
    session = await connectHttp(`${gateway?.url}/servers/everything/mcp`, new Client({ name: 'pg-e2e', version: '1' }));
    expect(await echo('from postgres')).toContain('from postgres');
  });

  it('keeps sessions working while PostgreSQL is down, fails writes with exit 6, and resumes by itself', async () => {
    const before = await json<Status>(['daemon', 'status']);
    cluster().pause();
    try {
      for (let i = 0; i < 20; i++) expect(await echo(`during ${i}`)).toContain(`during ${i}`);
      const refused = await add('other');
      expect(refused.code, refused.stderr).toBe(6);
      expect(refused.stderr).toContain('cannot reach the store postgres');
      // What the daemon holds in memory still answers.
      expect(await names()).toEqual(['everything']);
    } finally {
      cluster().resume();
    }
    const added = await add('other');
    expect(added.code, added.stderr).toBe(0);
    expect(await echo('after')).toContain('after');
    expect((await json<Status>(['daemon', 'status'])).pid).toBe(before.pid);
    expect(await names()).toEqual(['everything', 'other']);
  });
});

describe('a store the daemon cannot use', () => {
  const homes: E2eHome[] = [];
  afterAll(async () => {
    for (const home of homes) await home.dispose();
  });

  it('refuses to start with exit 6 on an unreachable PostgreSQL, naming the host, never the password', async () => {
    const h = e2eHome();
    homes.push(h);
    const password = 'Pw-never-shown-7f3a';
    const started = await h.run(['daemon', 'start'], {
      env: { MCPCTL_STORE_URL: `postgres://mcpctl:${password}@127.0.0.1:1/state` },
    });
    expect(started.code, started.stderr).toBe(6);
    expect(started.stderr).toContain('127.0.0.1:1/state');
    expect(started.stderr).toMatch(/ECONNREFUSED|refused/);
    const logs = ['daemon.log', 'daemon.stdio.log'].map((name) => join(h.home, 'logs', name));
    const written = logs.filter(existsSync).map((file) => readFileSync(file, 'utf8'));
    expect(written.join('')).toContain('127.0.0.1:1/state');
    expect([started.stdout, started.stderr, ...written].join('\n')).not.toContain(password);
    expect(h.daemonPids()).toEqual([]);
  });

  it('refuses a store URL that is not a PostgreSQL URL with exit 3, without quoting it', async () => {
    const h = e2eHome();
    homes.push(h);
    const started = await h.run(['daemon', 'start'], { env: { MCPCTL_STORE_URL: 'mysql://root:hunter2@db/x' } });
    expect(started.code, started.stderr).toBe(3);
    expect(started.stderr).toContain('store.url');
    expect(started.stderr).not.toContain('hunter2');
  });
});
