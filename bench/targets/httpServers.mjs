// Targets that are one HTTP server process: the floor, server-everything's own Streamable HTTP mode,
// and the peer gateways (supergateway, mcp-proxy) exposing server-everything's stdio mode.
import { join } from 'node:path';
import { EVERYTHING, ROOT } from '../lib.mjs';
import { freePort, spawnGroup, stopGroup, waitForPort } from '../proc.mjs';

const FLOOR = join(ROOT, 'bench/floors/httpMcp.mjs');
const SUPERGATEWAY = join(ROOT, 'node_modules/supergateway/dist/index.js');
const MCP_PROXY = join(ROOT, 'node_modules/mcp-proxy/dist/bin/mcp-proxy.mjs');
const NODE = process.execPath;

/** Launches `args(port)` under node, waits for the port, and exposes `<url>/mcp` as the target. */
async function httpProcess(args, env = {}) {
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
    target: { kind: 'http', url: `http://127.0.0.1:${port}/mcp` },
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
