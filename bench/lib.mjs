// Small helpers shared by the bench sections: run the built CLI, time things, read /proc.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isInterrupted } from './proc.mjs';

export const ROOT = resolve(import.meta.dirname, '..');
export const CLI = join(ROOT, 'dist/mcpctl.js');
export const EVERYTHING = join(ROOT, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');

export function makeHome() {
  return mkdtempSync(join(tmpdir(), 'mcpctl-bench-'));
}

/** Runs the CLI synchronously; returns wall time in ms and the result, failing loudly on a non-zero exit. */
export function cli(home, args, { allowFailure = false, env = {} } = {}) {
  // After an interrupt only stops may run: anything else (say, a `server add` that autostarts a
  // daemon) would start what the cleanup has already gone past.
  if (isInterrupted() && !(args[0] === 'daemon' && args[1] === 'stop')) throw new Error('interrupted');
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [CLI, ...args], {
    env: cliEnv(home, env),
    encoding: 'utf8',
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0 && !allowFailure) {
    throw new Error(`mcpctl ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  }
  return { ms, stdout: result.stdout, stderr: result.stderr, status: result.status };
}

/** The environment every mcpctl the bench runs gets: its own home, a free gateway port, no colour. */
export function cliEnv(home, extra = {}) {
  return { ...process.env, MCPCTL_HOME: home, NO_COLOR: '1', MCPCTL_GATEWAY_PORT: '0', ...extra };
}

export function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index];
}

export const median = (values) => quantile(values, 0.5);

/** Resident memory of one process (not its children), in MB. */
export function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

export function fmt(value, digits = 1) {
  return Number(value).toFixed(digits);
}
