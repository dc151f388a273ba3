import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import type { CliContext } from '../../../src/cli/io.js';
import { connectDaemon } from '../../../src/core/daemonClient.js';
import { resolvePaths } from '../../../src/shared/paths.js';

export interface CapturedContext {
  ctx: CliContext;
  home: string;
  stdout: () => string;
  stderr: () => string;
}

/**
 * A real context on a temp MCPCTL_HOME with the real daemon client; stdout and stderr are captured.
 * `self` points at a script that does not exist, so a daemon can never be started by accident.
 * Call it inside a test: the temp home is removed when the test ends.
 */
export function captureContext(overrides: Partial<CliContext> = {}): CapturedContext {
  const home = mkdtempSync(join(tmpdir(), 'mcpctl-cli-'));
  onTestFinished(() => rmSync(home, { recursive: true, force: true }));
  const env = { MCPCTL_HOME: home, MCPCTL_GATEWAY_PORT: '0', ...overrides.env };
  let out = '';
  let err = '';
  const ctx: CliContext = {
    stdout: {
      write: (text) => {
        out += text;
      },
    },
    stderr: {
      write: (text) => {
        err += text;
      },
    },
    stdoutIsTTY: false,
    stderrIsTTY: false,
    cwd: home,
    platform: 'linux',
    paths: resolvePaths(env),
    self: { execPath: process.execPath, args: [join(home, 'no-such-mcpctl.js')] },
    version: '9.9.9-test',
    signal: new AbortController().signal,
    connect: connectDaemon,
    ...overrides,
    env,
  };
  return { ctx, home, stdout: () => out, stderr: () => err };
}
