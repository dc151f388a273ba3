import type { Readable, Writable } from 'node:stream';
import { runStdioBridge } from '../protocol/stdioBridge.js';
import type { ControlApi } from './api.js';

/**
 * `mcpctl connect NAME`: looks the server's gateway endpoint up through the daemon,
 * then joins stdin/stdout to it until stdin closes. A lost session is looked up again
 * through `lookupApi`, which must not start a daemon: one the user stopped stays stopped.
 */
export async function bridgeStdio(options: {
  api: ControlApi;
  lookupApi: ControlApi;
  name: string;
  input: Readable;
  output: Writable;
  warn(message: string): void;
  reconnectTimeoutMs?: number;
}): Promise<void> {
  const { api, lookupApi, name } = options;
  const { url } = await api.serverUrl({ name });
  await runStdioBridge({
    url,
    server: name,
    input: options.input,
    output: options.output,
    warn: options.warn,
    resolveUrl: async () => (await lookupApi.serverUrl({ name })).url,
    reconnectTimeoutMs: options.reconnectTimeoutMs,
  });
}
