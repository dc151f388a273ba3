// Targets that are one HTTP server process: the floor, server-everything's own Streamable HTTP mode,
// and the peer gateways (supergateway, mcp-proxy, mcp-hub) exposing server-everything's stdio mode.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVERYTHING, ROOT } from '../lib.mjs';
import { freePort, spawnGroup, stopGroup, waitForPort } from '../proc.mjs';

const FLOOR = join(ROOT, 'bench/floors/httpMcp.mjs');
const SUPERGATEWAY = join(ROOT, 'node_modules/supergateway/dist/index.js');
const MCP_PROXY = join(ROOT, 'node_modules/mcp-proxy/dist/bin/mcp-proxy.mjs');
const MCP_HUB = join(ROOT, 'node_modules/mcp-hub/dist/cli.js');
const NODE = process.execPath;

/** Launches `args(port)` under node, waits for the port, and exposes `<url>/mcp` as the target. */
async function httpProcess(args, env = {}, target = { kind: 'http' }) {
  const port = await freePort();
  const t0 = Date.now();
  const child = spawnGroup(NODE, args(port), { env: { ...process.env, ...env(port) } });
  try {
    await waitForPort(port, child);
  } catch (error) {
    await stopGroup(child.pid);
    throw error;
  }
  return {
    target: { ...target, url: `http://127.0.0.1:${port}/mcp` },
    pid: child.pid,
    treeRoot: child.pid,
    t0,
    stop: () => stopGroup(child.pid),
  };
}

const noEnv = () => ({});

export const floorHttp = {
  key: 'floor',
  label: 'b. floor: bare HTTP MCP',
  start: () => httpProcess((port) => [FLOOR, String(port)], noEnv),
};

export const everythingHttp = {
  key: 'everything-http',
  label: 'c. server-everything HTTP',
  start: () =>
    httpProcess(
      () => [EVERYTHING, 'streamableHttp'],
      (port) => ({ PORT: String(port) }),
    ),
};

// One child per session with --stateful (without it, one child per POST: unusable, see PERFORMANCE.md).
export const supergateway = {
  key: 'supergateway',
  label: 'f. supergateway (stateful)',
  start: () =>
    httpProcess(
      (port) => [
        SUPERGATEWAY,
        '--stdio',
        `"${NODE}" "${EVERYTHING}" stdio`,
        '--outputTransport',
        'streamableHttp',
        '--stateful',
        '--port',
        String(port),
        '--logLevel',
        'none',
      ],
      noEnv,
    ),
};

export const mcpProxy = {
  key: 'mcp-proxy',
  label: 'f. mcp-proxy',
  start: () =>
    httpProcess(
      (port) => [MCP_PROXY, '--host', '127.0.0.1', '--port', String(port), '--', NODE, EVERYTHING, 'stdio'],
      noEnv,
    ),
};

// mcp-hub serves one hub endpoint over the legacy HTTP+SSE transport only, with tools renamed
// `<server>__<tool>`; it takes its servers from a config file in the Claude Desktop shape.
export const mcpHub = {
  key: 'mcp-hub',
  label: 'f. mcp-hub (SSE)',
  start: async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcpctl-bench-hub-'));
    const config = join(dir, 'hub.json');
    writeFileSync(
      config,
      JSON.stringify({ mcpServers: { everything: { command: NODE, args: [EVERYTHING, 'stdio'] } } }),
    );
    try {
      const started = await httpProcess((port) => [MCP_HUB, '--port', String(port), '--config', config], noEnv, {
        kind: 'sse',
        tool: 'everything__echo',
      });
      return {
        ...started,
        stop: async () => {
          await started.stop();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  },
};
