import { existsSync } from 'node:fs';
import { runDaemon } from '../../src/core/host.js';
import { type ProfileSpec, type ProfileSpecInput, profileSpecSchema } from '../../src/core/profiles/definition.js';
import type { ProfileSource } from '../../src/core/profiles/source.js';
import { resolvePaths } from '../../src/shared/paths.js';
import { makeHome, mcpctl, mcpctlJson, waitFor } from './cli.js';

/** Profiles held in memory, as a ProfileSource: the store-backed registry's stand-in in gateway tests. */
export class MemoryProfiles implements ProfileSource {
  private readonly profiles = new Map<string, ProfileSpec>();
  private readonly listeners: ((name: string) => void)[] = [];

  get(name: string): ProfileSpec | undefined {
    return this.profiles.get(name);
  }

  onChange(listener: (name: string) => void): void {
    this.listeners.push(listener);
  }

  put(input: ProfileSpecInput): ProfileSpec {
    const spec = profileSpecSchema.parse(input);
    this.profiles.set(spec.name, spec);
    for (const listener of this.listeners) listener(spec.name);
    return spec;
  }

  remove(name: string): void {
    this.profiles.delete(name);
    for (const listener of this.listeners) listener(name);
  }
}

export interface ProfileDaemon {
  home: string;
  gatewayUrl: string;
  profiles: MemoryProfiles;
  /** `/profiles/<name>/mcp` on the gateway. */
  profileEndpoint(name: string): string;
  endpoint(server: string): string;
  stop(): Promise<void>;
}

/**
 * The real daemon (runDaemon: store, supervisor, gateway, control socket) in this process, serving
 * profiles from memory, so the built CLI (`server add`, `connect --profile`) talks to it over its socket.
 */
export async function startProfileDaemon(): Promise<ProfileDaemon> {
  const { home, cleanup } = makeHome();
  const profiles = new MemoryProfiles();
  const controller = new AbortController();
  const env = { ...process.env, MCPCTL_HOME: home, MCPCTL_GATEWAY_PORT: '0' };
  const paths = resolvePaths(env);
  const running = runDaemon({ paths, version: '0.0.0-test', signal: controller.signal, env, profiles: () => profiles });
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
    profiles,
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
