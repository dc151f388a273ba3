#!/usr/bin/env node
import { getEventListeners } from 'node:events';
import { createProcessContext } from '../cli/io.js';
import { runCli } from '../cli/run.js';

/** Replaced by the build (scripts/build.mjs `define`); absent when run from source. */
declare const MCPCTL_VERSION: string | undefined;
const version = typeof MCPCTL_VERSION === 'string' ? MCPCTL_VERSION : '0.0.0-dev';

const EXIT_BY_SIGNAL: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

const controller = new AbortController();

/**
 * First SIGINT/SIGTERM: commands that listen on the signal (`daemon run`, `-f`, `--watch`) finish
 * gracefully; any other command is simply interrupted. A second signal never waits.
 */
function onSignal(signal: NodeJS.Signals): void {
  const listening = getEventListeners(controller.signal, 'abort').length > 0;
  if (controller.signal.aborted || !listening) process.exit(EXIT_BY_SIGNAL[signal] ?? 1);
  controller.abort(new Error(`received ${signal}`));
}
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

// `mcpctl logs -f x | head`: the reader went away, which ends the command, quietly.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

function flush(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => stream.write('', () => resolve()));
}

const ctx = createProcessContext({ version, signal: controller.signal, script: process.argv[1] ?? 'mcpctl' });
const code = await runCli(process.argv.slice(2), ctx);
process.exitCode = code;
// A finished command must not linger on a library's keep-alive socket or timer.
await flush(process.stdout);
await flush(process.stderr);
process.exit(code);
