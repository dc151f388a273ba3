import type { Readable, Writable } from 'node:stream';
import { runStdioBridge } from '../protocol/stdioBridge.js';
import type { ControlApi } from './api.js';

/**
 * `mcpctl connect NAME` (or `--profile NAME`): looks the server's (profile's) gateway endpoint
 * up through the daemon, then joins stdin/stdout to it until stdin closes. A lost session is
 * looked up again through `lookupApi`, which must not start a daemon: one the user stopped stays stopped.
 */
export async function bridgeStdio(options: {
  api: ControlApi;
  lookupApi: ControlApi;
  name: string;
  /** The name is a profile's: bridge to its aggregated endpoint. */
  profile?: boolean;
  input: Readable;
  output: Writable;
  warn(message: string): void;
  reconnectTimeoutMs?: number;
}): Promise<void> {
  const { api, lookupApi, name } = options;
  const lookup = (via: ControlApi) => (options.profile === true ? via.profileUrl({ name }) : via.serverUrl({ name }));
  const { url } = await lookup(api);
  await runStdioBridge({
    url,
    server: name,
    profile: options.profile === true,
    input: options.input,
    output: options.output,
    warn: options.warn,
    resolveUrl: async () => (await lookup(lookupApi)).url,
    reconnectTimeoutMs: options.reconnectTimeoutMs,
  });
}

/** What `connect` with no name bridges to: the current profile (`mcpctl profile use NAME`). */
export async function currentProfileName(api: ControlApi): Promise<string | null> {
  return (await api.currentProfile({})).name;
}
