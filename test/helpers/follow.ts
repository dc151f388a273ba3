import { type ChildProcess, spawn } from 'node:child_process';
import { CLI, CLI_NODE, waitFor } from './cli.js';

/** A long-running CLI command (`logs -f`): its stdout lines as they come, and a way to end it (SIGINT). */
export interface Follower {
  lines: string[];
  /** Resolves with the first line `match` accepts (already printed or to come). */
  line(what: string, match: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  stop(): Promise<number | null>;
}

export function follow(args: string[], env: NodeJS.ProcessEnv): Follower {
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
