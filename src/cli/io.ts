import { resolve } from 'node:path';
import { isatty } from 'node:tty';
import type { ControlApi } from '../core/api.js';
import { connectDaemon } from '../core/daemonClient.js';
import { type Paths, resolvePaths } from '../shared/paths.js';
import { createTtyPrompter, type Prompter } from './prompt.js';

export interface Writer {
  write(text: string): void;
}

/** How to run this same mcpctl again (to start the daemon, or in a service unit). */
export interface SelfCommand {
  execPath: string;
  args: string[];
}

/** What `connectDaemon` (core/daemonClient.ts) takes; injected so tests can hand in an in-process api. */
export interface ConnectOptions {
  paths: Paths;
  self: SelfCommand;
  autostart: boolean;
  notify: (message: string) => void;
}

/** Everything a command may touch of the outside world; built once by the entry point. */
export interface CliContext {
  stdout: Writer;
  stderr: Writer;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
  platform: NodeJS.Platform;
  paths: Paths;
  self: SelfCommand;
  version: string;
  /** Aborted on SIGINT/SIGTERM: `daemon run`, `-f` and `--watch` end when it fires. */
  signal: AbortSignal;
  connect: (options: ConnectOptions) => Promise<ControlApi>;
  /** Questions to the user (`server add --from`'s required inputs); absent unless stdin and stderr are terminals. */
  prompter?: Prompter;
}

export interface ProcessContextOptions {
  version: string;
  signal: AbortSignal;
  /** process.argv[1]: the script being run (dist/mcpctl.js). */
  script: string;
}

export function createProcessContext(options: ProcessContextOptions): CliContext {
  const env = process.env;
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    env,
    cwd: process.cwd(),
    platform: process.platform,
    paths: resolvePaths(env),
    self: { execPath: process.execPath, args: [resolve(options.script)] },
    version: options.version,
    signal: options.signal,
    connect: connectDaemon,
    // isatty(0), not process.stdin.isTTY: that getter would open stdin for every command.
    ...(isatty(0) && process.stderr.isTTY ? { prompter: createTtyPrompter(() => process.stdin, process.stderr) } : {}),
  };
}
