import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runDaemon } from '../../src/core/host.js';
import type { ProfileSpecInput } from '../../src/core/profiles/definition.js';
import { resolvePaths } from '../../src/shared/paths.js';
import { makeHome, mcpctl, mcpctlJson, waitFor } from './cli.js';

/**
 * The daemon's profiles, changed the way a user changes them: `apply -f` of a file holding the
 * profile (created or replaced whole) and `profile rm`.
 */
export interface DaemonProfiles {
  put(input: ProfileSpecInput): Promise<void>;
  remove(name: string): Promise<void>;
}

function daemonProfiles(home: string): DaemonProfiles {
  let files = 0;
  const run = async (args: string[]): Promise<void> => {
    const result = await mcpctl(home, args);
    if (result.code !== 0) throw new Error(`mcpctl ${args.join(' ')} failed: ${result.stderr}`);
  };
  return {
    async put(input) {
      const path = join(home, `profile-${++files}.json`);
      writeFileSync(path, JSON.stringify({ apiVersion: 'mcpctl/v1', profiles: [input] }));
      await run(['apply', '-f', path]);
    },
    remove: (name) => run(['profile', 'rm', name]),
  };
}

export interface ProfileDaemon {
  home: string;
  gatewayUrl: string;
  profiles: DaemonProfiles;
  /** `/profiles/<name>/mcp` on the gateway. */
  profileEndpoint(name: string): string;
  endpoint(server: string): string;
  stop(): Promise<void>;
}

/**
 * The real daemon (runDaemon: store, supervisor, gateway, control socket) in this process, so the
 * built CLI (`server add`, `apply -f`, `connect --profile`) talks to it over its socket.
 */
export async function startProfileDaemon(): Promise<ProfileDaemon> {
  const { home, cleanup } = makeHome();
  const controller = new AbortController();
  const env = { ...process.env, MCPCTL_HOME: home, MCPCTL_GATEWAY_PORT: '0' };
  const paths = resolvePaths(env);
  const running = runDaemon({ paths, version: '0.0.0-test', signal: controller.signal, env });
  let failed: unknown;
  running.catch((error: unknown) => {
    failed = error;
  });
  await waitFor('the in-process daemon to listen', async () => {
    if (failed !== undefined) throw failed;
    return existsSync(paths.socket) ? true : undefined;
  });
  const status = await mcpctlJson<{ gateway: { url: string } | null }>(home, ['daemon', 'status']);
  if (status.gateway === null) throw new Error('the in-process daemon reports no gateway');
  const gatewayUrl = status.gateway.url;
  return {
    home,
    gatewayUrl,
    profiles: daemonProfiles(home),
    profileEndpoint: (name) => `${gatewayUrl}/profiles/${name}/mcp`,
    endpoint: (server) => `${gatewayUrl}/servers/${server}/mcp`,
    async stop() {
      controller.abort();
      await running.catch(() => undefined);
      cleanup();
    },
  };
}

/** `server add` on the in-process daemon, which must succeed; resolves once the server runs. */
export async function addServer(home: string, name: string, flags: string[], command: string[]): Promise<void> {
  const added = await mcpctl(home, ['server', 'add', name, ...flags, '--', ...command]);
  if (added.code !== 0) throw new Error(`server add ${name} failed: ${added.stderr}`);
  await waitFor(`${name} to run`, async () => {
    const view = await mcpctlJson<{ state: string }>(home, ['server', 'show', name]);
    return view.state === 'running' ? true : undefined;
  });
}
