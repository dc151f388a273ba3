import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, expect, it } from 'vitest';
import { CLI_NODE, EVERYTHING, waitFor } from '../helpers/cli.js';
import { type E2eHome, e2eHome } from '../helpers/e2e.js';
import { connectHttp, type HttpSession } from '../helpers/mcpClient.js';
import { usePostgres } from '../helpers/postgres.js';

/**
 * PostgreSQL stops under a running daemon: open gateway sessions keep answering from memory
 * (the gateway's hot path never waits on the store), a write fails with exit 6 and changes
 * nothing, and once PostgreSQL is back everything works again with no daemon restart.
 */
const cluster = usePostgres();
let h: E2eHome | undefined;
let session: HttpSession | undefined;
afterAll(async () => {
  await session?.close().catch(() => undefined);
  await h?.dispose();
});

it('keeps sessions working while PostgreSQL is down, fails writes with exit 6, and resumes by itself', async () => {
  const home = e2eHome();
  h = home;
  const env = { MCPCTL_STORE_URL: await cluster().createDatabase() };
  const run = (args: string[]) => home.run(args, { env });
  const add = (name: string) => run(['server', 'add', name, ...home.mark(name), '--', CLI_NODE, EVERYTHING]);
  expect((await run(['daemon', 'start'])).code).toBe(0);
  expect((await add('everything')).code).toBe(0);
  const status = JSON.parse((await run(['daemon', 'status', '-o', 'json'])).stdout) as {
    pid: number;
    gateway: { url: string };
  };
  await waitFor('everything to run', async () => {
    const [view] = JSON.parse((await run(['ls', '-o', 'json'])).stdout) as Array<{ state: string }>;
    return view?.state === 'running' ? true : undefined;
  });
  session = await connectHttp(
    `${status.gateway.url}/servers/everything/mcp`,
    new Client({ name: 'outage', version: '1' }),
  );
  const echo = async (message: string) => {
    const result = await session?.client.callTool({ name: 'echo', arguments: { message } });
    return JSON.stringify(result?.content);
  };
  expect(await echo('before')).toContain('before');

  cluster().pause();
  try {
    for (let i = 0; i < 20; i++) expect(await echo(`during ${i}`)).toContain(`during ${i}`);
    const refused = await add('other');
    expect(refused.code, refused.stderr).toBe(6);
    expect(refused.stderr).toContain('cannot reach the store postgres');
    // Reads of what the daemon holds in memory still answer.
    const listed = await run(['ls', '-o', 'json']);
    expect(listed.code, listed.stderr).toBe(0);
    expect((JSON.parse(listed.stdout) as Array<{ name: string }>).map((s) => s.name)).toEqual(['everything']);
  } finally {
    cluster().resume();
  }

  const added = await add('other');
  expect(added.code, added.stderr).toBe(0);
  expect(await echo('after')).toContain('after');
  const after = JSON.parse((await run(['daemon', 'status', '-o', 'json'])).stdout) as { pid: number };
  expect(after.pid).toBe(status.pid);
  const names = (JSON.parse((await run(['ls', '-o', 'json'])).stdout) as Array<{ name: string }>).map((s) => s.name);
  expect(names).toEqual(['everything', 'other']);
});
