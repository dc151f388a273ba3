import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { performance } from 'node:perf_hooks';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ControlApi, DaemonStatus } from '../../src/core/api.js';
import { createRemoteApi } from '../../src/core/remoteApi.js';
import { resolvePaths } from '../../src/shared/paths.js';
import { CLI_NODE, EVERYTHING, waitFor } from '../helpers/cli.js';
import { type E2eHome, e2eHome } from '../helpers/e2e.js';
import { connectHttp } from '../helpers/mcpClient.js';
import { usePostgres } from '../helpers/postgres.js';
import { isAlive } from '../helpers/procs.js';
import { NO_KEYRING } from '../helpers/secrets.js';

/**
 * Two real daemons (nodes alpha and beta: their own MCPCTL_HOMEs, one PostgreSQL, one master key)
 * and the change feed between them: what is changed through alpha reaches beta's memory within a
 * second, pushed by LISTEN/NOTIFY: servers (add, set, rm), tokens (created: usable on beta's TLS
 * listener; revoked: refused there at once, its sessions there closed), profiles, and after an
 * outage of PostgreSQL or of beta's listening connection alone, what changed meanwhile.
 */
const cluster = usePostgres();
const KEY = 'c'.repeat(64);

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const INITIALIZE = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'sync-e2e', version: '1' } },
});

describe('two nodes on one PostgreSQL', () => {
  let alpha: E2eHome;
  let beta: E2eHome;
  let url = '';
  let env: NodeJS.ProcessEnv;
  let apiA: ControlApi;
  let apiB: ControlApi;
  let listener: { url: URL; ca: string };
  let gatewayB = '';

  /** POST to beta's TLS listener with a bearer token. */
  const sendB = (path: string, token: string, body: string, headers: Record<string, string> = {}): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const req = request(
        {
          host: listener.url.hostname,
          port: listener.url.port,
          path,
          method: 'POST',
          ca: listener.ca,
          headers: {
            'content-type': 'application/json',
            accept: 'application/json, text/event-stream',
            authorization: `Bearer ${token}`,
            ...headers,
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            text += chunk;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const namesOn = async (api: ControlApi) => (await api.listServers({})).map((server) => server.name);
  /** How long after `since` beta's memory satisfies `check`, polled on its socket every 10 ms. */
  const untilBeta = async (what: string, check: () => Promise<boolean>, since: number): Promise<number> => {
    await waitFor(what, async () => ((await check()) ? true : undefined), 10_000);
    return performance.now() - since;
  };
  const run = (h: E2eHome, args: string[]) => h.run(args, { env });
  const ok = async (h: E2eHome, args: string[]) => {
    const result = await run(h, args);
    expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
    return result;
  };
  const checkpoint = async () => {
    // The harness runs without synchronous commit: a crash of PostgreSQL may lose the last commits.
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query('CHECKPOINT');
    await admin.end();
  };

  beforeAll(async () => {
    url = (await cluster().createDatabase()).url;
    env = { ...NO_KEYRING, MCPCTL_STORE_URL: url, MCPCTL_MASTER_KEY: KEY };
    alpha = e2eHome();
    beta = e2eHome();
    await ok(alpha, ['daemon', 'start', '--node', 'alpha']);
    // A long first retry: a test writes on alpha while beta's listening connection is away.
    const started = await beta.run(['daemon', 'start', '--node', 'beta', '--listen', '127.0.0.1:0'], {
      env: { ...env, MCPCTL_TEST_FEED_RETRY_MS: '5000' },
    });
    expect(started.code, started.stderr).toBe(0);
    apiA = createRemoteApi(resolvePaths({ MCPCTL_HOME: alpha.home }).socket);
    apiB = createRemoteApi(resolvePaths({ MCPCTL_HOME: beta.home }).socket);
    const status: DaemonStatus = await apiB.daemonStatus({});
    if (status.remote === null || status.remote.certFile === null || status.gateway === null)
      throw new Error('beta has no remote listener or gateway');
    listener = { url: new URL(status.remote.url), ca: readFileSync(status.remote.certFile, 'utf8') };
    gatewayB = status.gateway.url;
  });
  afterAll(async () => {
    await Promise.all([alpha?.dispose(), beta?.dispose()]);
  });

  it('a server added on alpha is listed on beta within a second; its edit and removal follow', async () => {
    const since = performance.now();
    await apiA.addServer({
      spec: {
        name: 'web',
        transport: 'stdio',
        command: CLI_NODE,
        args: [EVERYTHING],
        env: { E2E_MARK: 'web' },
        replicas: 'all',
      },
      wait: false,
    });
    const elapsed = await untilBeta('web on beta', async () => (await namesOn(apiB)).includes('web'), since);
    expect(elapsed).toBeLessThan(1000);
    expect((await ok(beta, ['ls'])).stdout).toMatch(/^web\s+stdio/m);

    // Managed on beta as a local add leaves it: `replicas: all` runs it there too.
    const running = await waitFor('web to run on beta', async () => {
      const view = await apiB.getServer({ name: 'web' });
      return view.state === 'running' ? view : undefined;
    });
    await ok(alpha, ['server', 'set', 'web', '--env', 'FROM_ALPHA=1']);
    const rolled = await waitFor('beta to roll web over with the edit', async () => {
      const [{ spec }, view] = await Promise.all([
        apiB.getServerSpec({ name: 'web' }),
        apiB.getServer({ name: 'web' }),
      ]);
      return spec.transport === 'stdio' &&
        spec.env.FROM_ALPHA === '1' &&
        view.state === 'running' &&
        view.pid !== running.pid
        ? view
        : undefined;
    });
    expect(rolled.pid).not.toBeNull();

    // Polled while alpha's call runs: alpha writes the removal first, then stops its own process.
    const removing = performance.now();
    const removed = apiA.removeServer({ name: 'web' });
    const gone = await untilBeta('web gone from beta', async () => !(await namesOn(apiB)).includes('web'), removing);
    expect(gone).toBeLessThan(1000);
    await removed;
    // Its process on beta was stopped as a local rm stops it.
    await waitFor('beta to stop its web process', async () =>
      rolled.pid !== null && !isAlive(rolled.pid) ? true : undefined,
    );
  });

  it("a token created on alpha works on beta's listener; revoked on alpha, beta refuses it at once and closes its sessions", async () => {
    await ok(alpha, [
      'server',
      'add',
      'tools',
      ...alpha.mark('tools'),
      '--replicas',
      'all',
      '--',
      CLI_NODE,
      EVERYTHING,
    ]);
    await waitFor('tools to run on beta', async () =>
      (await apiB.getServer({ name: 'tools' }).catch(() => undefined))?.state === 'running' ? true : undefined,
    );
    const created = JSON.parse(
      (await ok(alpha, ['token', 'create', 'ci', '--role', 'client', '-o', 'json'])).stdout,
    ) as {
      token: string;
    };
    const opened = await waitFor('the token to work on beta', async () => {
      const answer = await sendB('/servers/tools/mcp', created.token, INITIALIZE);
      return answer.status === 200 ? answer : undefined;
    });
    const session = opened.headers['mcp-session-id'] as string;
    expect(session).toBeTruthy();

    const revoking = performance.now();
    await apiA.revokeToken({ name: 'ci' });
    const refusedAfter = await untilBeta(
      'beta to refuse the revoked token',
      async () => (await sendB('/servers/tools/mcp', created.token, INITIALIZE)).status === 401,
      revoking,
    );
    expect(refusedAfter).toBeLessThan(1000);
    // Its open session on beta was ended as a local revoke ends it.
    const closed = await waitFor('its session on beta to be closed', async () => {
      const sessions = await apiB.listSessions({ all: true });
      const found = sessions.find((entry) => entry.id === session);
      return found?.closedAt ? found : undefined;
    });
    expect(closed.closeReason).toBe('token revoked');
  });

  it('a profile created on alpha is served by beta', async () => {
    await ok(alpha, ['profile', 'create', 'dev', '--server', 'tools']);
    const client = await waitFor('beta to serve the profile', async () => {
      const session = await connectHttp(`${gatewayB}/profiles/dev/mcp`, new Client({ name: 'sync-e2e', version: '1' }));
      const { tools } = await session.client.listTools();
      if (tools.some((tool) => tool.name === 'tools__echo')) return session;
      await session.close();
      return undefined;
    });
    const answer = await client.client.callTool({ name: 'tools__echo', arguments: { message: 'via beta' } });
    expect(JSON.stringify(answer.content)).toContain('via beta');
    await client.close();
  });

  it("beta's listener reconnects after PostgreSQL restarts, and catches up on what changed while it was away", async () => {
    await checkpoint();
    cluster().pause();
    await new Promise((resolve) => setTimeout(resolve, 500));
    cluster().resume();
    // beta was not restarted: the same daemon hears the next change.
    const before = (await apiB.daemonStatus({})).pid;
    await waitFor('a write on alpha to pass again', async () =>
      (await run(alpha, ['server', 'add', 'late', '--no-autostart', '--', CLI_NODE, EVERYTHING])).code === 0
        ? true
        : undefined,
    );
    await waitFor('late on beta', async () => ((await namesOn(apiB)).includes('late') ? true : undefined), 10_000);
    expect((await apiB.daemonStatus({})).pid).toBe(before);

    // Only beta's listening connection goes: it comes back after 5 s (MCPCTL_TEST_FEED_RETRY_MS), not sooner.
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const ended = await admin.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'mcpctl-changes/beta'",
    );
    await admin.end();
    expect(ended.rowCount).toBe(1);
    await ok(alpha, ['server', 'rm', 'late']);
    await ok(alpha, ['server', 'add', 'missed', '--no-autostart', '--', CLI_NODE, EVERYTHING]);
    // Not heard: beta is not listening.
    expect(await namesOn(apiB)).toContain('late');
    expect(await namesOn(apiB)).not.toContain('missed');
    await waitFor(
      'beta to catch up once it listens again',
      async () => {
        const names = await namesOn(apiB);
        return names.includes('missed') && !names.includes('late') ? true : undefined;
      },
      10_000,
    );
  });
});
