import { McpctlError } from '../../shared/errors.js';
import { parseDurationFlag } from '../flags.js';
import type { Invocation } from '../invocation.js';
import type { ConnectFlags } from './connectFlags.js';

/**
 * stdout is the MCP channel here: only JSON-RPC goes there, every diagnostic goes to stderr.
 * `target` is a server's name, or a profile's; with neither, the current profile.
 */
export async function connectStdio(
  inv: Invocation,
  target: string | { profile: string | undefined },
  flags: ConnectFlags,
): Promise<void> {
  const reconnectTimeoutMs = parseDurationFlag('--reconnect-timeout', flags.reconnectTimeout, { min: 1 });
  const api = await inv.api();
  const remote = await inv.remote();
  const lookupApi = await inv.api({ autostart: false });
  const { bridgeStdio, currentProfileName } = await import('../../core/bridge.js');
  const profile = typeof target === 'string' ? undefined : (target.profile ?? (await currentProfileName(api)));
  if (typeof target !== 'string' && profile === null) {
    throw new McpctlError('INVALID_ARGUMENT', 'connect needs a server name, --profile NAME, or a current profile', {
      hint: "name a server ('mcpctl connect NAME'), a profile ('mcpctl connect --profile NAME'), or pick one with 'mcpctl profile use NAME'",
    });
  }
  await bridgeStdio({
    api,
    lookupApi,
    name: typeof target === 'string' ? target : (profile as string),
    profile: typeof target !== 'string',
    input: process.stdin,
    output: process.stdout,
    warn: (message) => inv.ctx.stderr.write(`${message}\n`),
    reconnectTimeoutMs,
    ...(remote === undefined ? {} : { remote }),
  });
}
