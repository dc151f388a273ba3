import { type ChildProcess, spawn } from 'node:child_process';
import { CLI, CLI_NODE, waitFor } from './cli.js';

/** A JSON line a following command printed, with when this test received it. */
export interface Received<T> {
  value: T;
  at: number;
}

export interface Follower<T> {
  readonly lines: Received<T>[];
  /** Resolves with the received lines once `check` finds what it waits for in them. */
  until(what: string, check: (lines: Received<T>[]) => boolean, timeoutMs?: number): Promise<Received<T>[]>;
  stop(): Promise<void>;
}

/** Runs a following mcpctl command (`events -f -o json`) and collects each JSON line as it arrives. */
export function follow<T>(home: string, args: string[], env: NodeJS.ProcessEnv = {}): Follower<T> {
  const child: ChildProcess = spawn(CLI_NODE, [CLI, ...args], {
    env: { ...process.env, MCPCTL_HOME: home, NO_COLOR: '1', MCPCTL_GATEWAY_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Received<T>[] = [];
  let buffered = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 1);
      if (line.trim()) lines.push({ value: JSON.parse(line) as T, at: Date.now() });
    }
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    lines,
    async until(what, check, timeoutMs = 15_000) {
      await waitFor(`${what} (stderr: ${stderr})`, () => (check(lines) ? true : undefined), timeoutMs);
      return lines;
    },
    async stop() {
      child.kill('SIGINT');
      await exited;
    },
  };
}

/** A long-running CLI command (`logs -f`): its stdout lines as they come, and a way to end it (SIGINT). */
export interface LineFollower {
  lines: string[];
  /** Resolves with the first line `match` accepts (already printed or to come). */
  line(what: string, match: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  stop(): Promise<number | null>;
}

export function followLines(args: string[], env: NodeJS.ProcessEnv): LineFollower {
  const child: ChildProcess = spawn(CLI_NODE, [CLI, ...args], {
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let rest = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop() ?? '';
    lines.push(...parts);
  });
  child.stderr?.resume();
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    lines,
    line: (what, match, timeoutMs = 15_000) => waitFor(what, () => lines.find(match), timeoutMs),
    async stop() {
      child.kill('SIGINT');
      return exited;
    },
  };
}
