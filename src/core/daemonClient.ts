import { isDaemonNotRunning } from '../daemon/ipc/clientErrors.js';
import type { Paths } from '../shared/paths.js';
import type { ControlApi } from './api.js';
import { METHOD_NAMES, STREAM_NAMES } from './apiNames.js';
import { type SelfCommand, startDaemon } from './daemonLifecycle.js';
import { createRemoteApi } from './remoteApi.js';

export interface ConnectOptions {
  paths: Paths;
  self: SelfCommand;
  /** Start the daemon when it is not running (the default; `--no-autostart` refuses). */
  autostart: boolean;
  /** Told once when the daemon had to be started: the CLI prints it on stderr. */
  notify: (message: string) => void;
  /** The started daemon's environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
}

type AnyMethod = (input: unknown) => Promise<unknown>;
type AnyStream = (input: unknown, signal: AbortSignal) => AsyncIterable<unknown>;

/**
 * The CLI's ControlApi. Costs nothing up front: calls go straight to the socket, and
 * only a call that finds no daemon at all (ENOENT/ECONNREFUSED: the request never
 * reached one, so a retry cannot run it twice) starts the daemon and retries once.
 */
export async function connectDaemon(options: ConnectOptions): Promise<ControlApi> {
  const remote = createRemoteApi(options.paths.socket) as unknown as Record<string, unknown>;
  let starting: Promise<void> | undefined;
  const startOnce = (notRunning: unknown): Promise<void> => {
    if (!options.autostart) return Promise.reject(notRunning);
    starting ??= startDaemon({ paths: options.paths, self: options.self, env: options.env }).then((started) => {
      if (!started.alreadyRunning) options.notify(`mcpctl: daemon was not running; started it (pid ${started.pid})`);
    });
    return starting;
  };

  const api: Record<string, unknown> = {};
  for (const method of METHOD_NAMES) {
    const call = remote[method] as AnyMethod;
    api[method] = async (input: unknown): Promise<unknown> => {
      try {
        return await call(input);
      } catch (error) {
        if (!isDaemonNotRunning(error)) throw error;
        await startOnce(error);
        return call(input);
      }
    };
  }
  for (const stream of STREAM_NAMES) {
    const open = remote[stream] as AnyStream;
    api[stream] = async function* (input: unknown, signal: AbortSignal): AsyncGenerator<unknown> {
      let delivered = false;
      try {
        for await (const item of open(input, signal)) {
          delivered = true;
          yield item;
        }
        return;
      } catch (error) {
        if (delivered || !isDaemonNotRunning(error)) throw error;
        await startOnce(error);
      }
      yield* open(input, signal);
    };
  }
  return api as ControlApi;
}
