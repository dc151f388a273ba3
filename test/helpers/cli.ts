import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type RunResult, runProcess } from './run.js';

export const ROOT = resolve(import.meta.dirname, '../..');
/** The official inspector's CLI entry (`node INSPECTOR --cli URL ...`). */
export const INSPECTOR = join(ROOT, 'node_modules/@modelcontextprotocol/inspector/clients/launcher/build/index.js');
/**
 * The built binary and the Node that runs it: this Node and dist/ unless `.ci/run`'s Node 24 pass
 * (scripts/e2e-node24.mjs) points them at Node 24 and a copy of dist/ beside its own better-sqlite3.
 */
export const CLI = process.env.MCPCTL_E2E_CLI ?? join(ROOT, 'dist/mcpctl.js');
export const CLI_NODE = process.env.MCPCTL_E2E_NODE ?? process.execPath;
export const FIXTURES = join(ROOT, 'test/fixtures/servers');
export const EVERYTHING = join(ROOT, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');

export type CliResult = RunResult;

/** A fresh MCPCTL_HOME in a short temp path (unix socket paths are limited to ~104 bytes). */
export function makeHome(): { home: string; cleanup(): void } {
  const home = mkdtempSync(join(tmpdir(), 'mcpctl-'));
  return { home, cleanup: () => rmSync(home, { recursive: true, force: true }) };
}

/** Runs the built CLI as a user would, with its own MCPCTL_HOME. */
export function mcpctl(
  home: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string } = {},
): Promise<CliResult> {
  // Port 0: every test daemon's gateway gets a free port, so parallel tests never collide on 7711.
  const env = { ...process.env, MCPCTL_HOME: home, NO_COLOR: '1', MCPCTL_GATEWAY_PORT: '0', ...options.env };
  return runProcess(CLI_NODE, [CLI, ...args], {
    env,
    timeoutMs: options.timeoutMs ?? 30_000,
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
}

/** Runs mcpctl and parses its JSON stdout; fails loudly with stderr otherwise. */
export async function mcpctlJson<T>(home: string, args: string[], env?: NodeJS.ProcessEnv): Promise<T> {
  const result = await mcpctl(home, [...args, '-o', 'json'], env ? { env } : {});
  if (result.code !== 0) throw new Error(`mcpctl ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
