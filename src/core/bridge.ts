import type { Readable, Writable } from 'node:stream';
import { runStdioBridge } from '../protocol/stdioBridge.js';
import type { ControlApi } from './api.js';

/**
 * `mcpctl connect NAME`: looks the server's gateway endpoint up through the daemon,
 * then joins stdin/stdout to it until stdin closes.
 */
export async function bridgeStdio(options: {
  api: ControlApi;
  name: string;
  input: Readable;
  output: Writable;
  warn(message: string): void;
}): Promise<void> {
  const { url } = await options.api.serverUrl({ name: options.name });
  await runStdioBridge({ url, input: options.input, output: options.output, warn: options.warn });
}
