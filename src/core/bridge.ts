import type { Readable, Writable } from 'node:stream';
import type { RemoteEndpoint } from '../daemon/ipc/controlClient.js';
import { runStdioBridge } from '../protocol/stdioBridge.js';
import type { ControlApi } from './api.js';
import { remoteGatewayLink } from './contexts/remoteGateway.js';

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
  /** A remote context: its gateway paths on the listener's URL, with its token over TLS. */
  remote?: RemoteEndpoint;
}): Promise<void> {
  const { api, lookupApi, name, remote } = options;
  // Through a remote context the daemon's answer names its loopback gateway: the same path on the listener instead.
  const onListener = (found: string): string =>
    remote === undefined ? found : `${remote.url}${new URL(found).pathname}`;
  const lookup = async (via: ControlApi) =>
    onListener((await (options.profile === true ? via.profileUrl({ name }) : via.serverUrl({ name }))).url);
  const url = await lookup(api);
  const secure = remote === undefined ? undefined : await remoteGatewayLink(remote);
  await runStdioBridge({
    url,
    server: name,
    profile: options.profile === true,
    input: options.input,
    output: options.output,
    warn: options.warn,
    resolveUrl: () => lookup(lookupApi),
    reconnectTimeoutMs: options.reconnectTimeoutMs,
    ...(secure === undefined ? {} : { secure }),
  });
}

/** What `connect` with no name bridges to: the current profile (`mcpctl profile use NAME`). */
export async function currentProfileName(api: ControlApi): Promise<string | null> {
  return (await api.currentProfile({})).name;
}
