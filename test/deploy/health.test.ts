import { request } from 'node:https';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_NODE, FIXTURES, makeHome, mcpctl, ROOT, waitFor } from '../helpers/cli.js';
import { connectHttp } from '../helpers/mcpClient.js';
import { type RunResult, runProcess } from '../helpers/run.js';
import { type K8sObject, renderBase } from './helpers/kustomize.js';

/**
 * The health route the image's HEALTHCHECK and the Kubernetes probes use, on a real daemon's
 * remote listener (`daemon start --listen`, its self-signed certificate): no token needed, and
 * it says nothing but ok, and 503 `{status:'draining'}` once a stop began (a balancer takes the node
 * out while its calls in flight finish). MCPCTL_ALLOWED_HOSTS names a balancer: its Host is accepted here too.
 */
const HEALTHCHECK = join(ROOT, 'deploy/healthcheck.mjs');
let home: string;
let cleanup: () => void;
let port: number;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** One request to the listener, certificate unchecked as kubelet's HTTPS probes do. */
function get(
  path: string,
  options: { method?: string; host?: string; body?: string } = {},
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        rejectUnauthorized: false,
        headers: { ...(options.host ? { host: options.host } : {}), 'content-type': 'application/json' },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.once('error', reject);
    req.end(options.body);
  });
}

function healthcheck(): Promise<RunResult> {
  return runProcess(CLI_NODE, [HEALTHCHECK], {
    env: { ...process.env, MCPCTL_LISTEN: `127.0.0.1:${port}` },
    timeoutMs: 10_000,
  });
}

beforeAll(async () => {
  ({ home, cleanup } = makeHome());
  port = await freePort();
  const started = await mcpctl(home, ['daemon', 'start', '--listen', `127.0.0.1:${port}`], {
    env: { MCPCTL_ALLOWED_HOSTS: 'mcp.example.test' },
  });
  expect(started.code, started.stderr).toBe(0);
});

afterAll(async () => {
  await mcpctl(home, ['daemon', 'stop']);
  cleanup();
});

describe('GET /v1/health on the remote listener', () => {
  it('answers {"ok":true} without a token, and nothing more; every other path still wants one', async () => {
    const health = await get('/v1/health');
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toEqual({ ok: true });
    expect(health.headers['cache-control']).toBe('no-store');
    expect((await get('/v1/health', { method: 'HEAD' })).status).toBe(200);
    expect((await get('/v1/listServers', { method: 'POST', body: '{}' })).status).toBe(401);
    expect((await get('/v1/health', { method: 'POST', body: '{}' })).status).toBe(401);
  });

  it("answers every probe of deploy/kubernetes's Deployment as kubelet sends it (pod IP and port as Host)", async () => {
    const deployment = renderBase(join(ROOT, 'deploy/kubernetes')).find((o) => o.kind === 'Deployment') as K8sObject & {
      spec: {
        template: { spec: { containers: Array<Record<string, { httpGet: { path: string; scheme: string } }>> } };
      };
    };
    const container = deployment.spec.template.spec.containers[0] ?? {};
    for (const kind of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
      const probe = container[kind]?.httpGet;
      expect(probe?.scheme, kind).toBe('HTTPS');
      const answer = await get(probe?.path ?? '', { host: `127.0.0.1:${port}` });
      expect(answer.status, kind).toBe(200);
    }
  });

  it('accepts the Host of gateway.allowedHosts before its check, and refuses a foreign one with 403', async () => {
    expect((await get('/v1/health', { host: 'mcp.example.test' })).status).toBe(200);
    const foreign = await get('/v1/health', { host: 'evil.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.body).toContain('gateway.allowedHosts');
  });

  it("deploy/healthcheck.mjs (the image's HEALTHCHECK) exits 0 while the daemon listens; 503 draining while a stop waits for a call; 1 once it stopped", async () => {
    const healthy = await healthcheck();
    expect(healthy.code, healthy.stderr).toBe(0);
    // A slow call in flight through the loopback gateway holds the stop's drain open.
    const added = await mcpctl(home, ['server', 'add', 'slow', '--', CLI_NODE, join(FIXTURES, 'envReport.mjs')]);
    expect(added.code, added.stderr).toBe(0);
    const status = JSON.parse((await mcpctl(home, ['daemon', 'status', '-o', 'json'])).stdout) as {
      gateway: { url: string };
    };
    const client = new Client({ name: 'drain-probe', version: '1' });
    const session = await connectHttp(`${status.gateway.url}/servers/slow/mcp`, client);
    const call = client.callTool({ name: 'slow', arguments: { ms: 5000 } });
    const stopping = mcpctl(home, ['daemon', 'stop']);
    const draining = await waitFor('the health probe to say draining', async () => {
      const answer = await get('/v1/health');
      return answer.status === 503 ? answer : undefined;
    });
    expect(JSON.parse(draining.body)).toEqual({ ok: false, status: 'draining' });
    const probe = await healthcheck();
    expect(probe.code).toBe(1);
    expect(probe.stderr).toContain('mcpctl health: 503');
    // The call in flight still finishes; then the daemon exits.
    expect(JSON.stringify((await call).content)).toContain('pid');
    await session.close().catch(() => undefined);
    const stopped = await stopping;
    expect(stopped.code, stopped.stderr).toBe(0);
    const down = await healthcheck();
    expect(down.code).toBe(1);
    expect(down.stderr).toContain(`mcpctl health: 127.0.0.1:${port}:`);
  });
});
