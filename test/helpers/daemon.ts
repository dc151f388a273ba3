import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { makeHome, mcpctl, mcpctlJson, waitFor } from './cli.js';

export interface TestDaemon {
  home: string;
  gatewayUrl: string;
  pid: number;
  /** `/servers/<name>/mcp` on the gateway. */
  endpoint(name: string): string;
  stop(): Promise<void>;
}

/** A real daemon (the built binary, detached) on a temp home, with its gateway on a free port; `env` adds to its environment. */
export async function startTestDaemon(env?: NodeJS.ProcessEnv): Promise<TestDaemon> {
  const { home, cleanup } = makeHome();
  const status = await mcpctlJson<{ pid: number; gateway: { url: string } | null }>(home, ['daemon', 'start'], env);
  if (!status.gateway) throw new Error('the daemon reports no gateway');
  const gatewayUrl = status.gateway.url;
  return {
    home,
    gatewayUrl,
    pid: status.pid,
    endpoint: (name) => `${gatewayUrl}/servers/${name}/mcp`,
    async stop() {
      await mcpctl(home, ['daemon', 'stop']);
      try {
        const pid = JSON.parse(readFileSync(join(home, 'run', 'daemon.pid'), 'utf8')).pid as number;
        process.kill(pid, 'SIGKILL');
      } catch {
        // stopped cleanly: no pid file left
      }
      cleanup();
    },
  };
}

/** `server add <name> ...flags -- ...command` on `home`, which must succeed; resolves once the server runs. */
export async function addRunningServer(home: string, name: string, flags: string[], command: string[]): Promise<void> {
  const added = await mcpctl(home, ['server', 'add', name, ...flags, '--', ...command]);
  expect(added.code, added.stderr).toBe(0);
  await waitFor(`${name} to run`, async () => {
    const view = await mcpctlJson<{ state: string }>(home, ['server', 'show', name]);
    return view.state === 'running' ? true : undefined;
  });
}
