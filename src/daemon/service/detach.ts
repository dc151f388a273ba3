import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { McpctlError } from '../../shared/errors.js';

export interface DetachOptions {
  execPath: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** stdout and stderr are appended here, so a crash before the daemon's logger is up is still on disk. */
  stdioFile: string;
}

/**
 * Starts a process that outlives us: its own session and process group (a Ctrl-C in
 * the terminal that started it does not reach it), no stdin, not keeping our event loop.
 */
export function spawnDetachedDaemon(options: DetachOptions): number {
  mkdirSync(dirname(options.stdioFile), { recursive: true, mode: 0o700 });
  const out = openSync(options.stdioFile, 'a', 0o600);
  try {
    const child = spawn(options.execPath, options.args, {
      detached: true,
      stdio: ['ignore', out, out],
      env: options.env,
      shell: false,
    });
    // A spawn failure is also emitted as 'error'; without a listener it would crash us.
    child.on('error', () => {});
    if (child.pid === undefined) {
      throw new McpctlError('INTERNAL', `could not start the daemon process ${options.execPath}`, {
        hint: 'check that this executable exists and can run',
      });
    }
    child.unref();
    return child.pid;
  } finally {
    // The child holds its own copy of the descriptor.
    closeSync(out);
  }
}
