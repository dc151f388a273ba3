import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { type CliResult, makeHome, mcpctl, mcpctlJson, waitFor } from './cli.js';
import { isAlive } from './procs.js';

/** The environment variable that tags each server's processes, so a test can find them in /proc. */
const MARK = 'E2E_MARK';

/** Live (non-zombie) processes whose initial environment has an entry accepted by `match`. */
export function findProcessesByEnv(match: (entry: string) => boolean, ...cmdlineFragments: string[]): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      if (!environ.some(match)) continue;
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ');
      if (cmdlineFragments.every((fragment) => cmdline.includes(fragment)) && isAlive(Number(entry))) {
        pids.push(Number(entry));
      }
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

/** One test's MCPCTL_HOME with the CLI bound to it, and the means to find (and end) what it started. */
export interface E2eHome {
  home: string;
  run(args: string[], options?: { env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string }): Promise<CliResult>;
  json<T>(args: string[], env?: NodeJS.ProcessEnv): Promise<T>;
  /** `--env E2E_MARK=<home>/<name>`: put it in every `server add` so the server's processes can be counted. */
  mark(name: string): string[];
  /** Live processes of server `name` (tagged with mark(name)). */
  serverPids(name: string): number[];
  /** Live `daemon run` processes of this home. */
  daemonPids(): number[];
  /** The pid in `<home>/run/daemon.pid`, if any. */
  pidFilePid(): number | undefined;
  /** `daemon stop`, then kill -9 whatever of this home is left, then removes the home. */
  dispose(): Promise<void>;
}

export function e2eHome(): E2eHome {
  const { home, cleanup } = makeHome();
  const homeEnv = `MCPCTL_HOME=${home}`;
  const markPrefix = `${MARK}=${home}/`;
  const daemonPids = (): number[] => findProcessesByEnv((entry) => entry === homeEnv, 'daemon', 'run');
  const pidFilePid = (): number | undefined => {
    try {
      const record = JSON.parse(readFileSync(join(home, 'run', 'daemon.pid'), 'utf8')) as { pid?: unknown };
      return typeof record.pid === 'number' ? record.pid : undefined;
    } catch {
      return undefined;
    }
  };
  return {
    home,
    run: (args, options) => mcpctl(home, args, options),
    json: (args, env) => mcpctlJson(home, args, env),
    mark: (name) => ['--env', `${MARK}=${home}/${name}`],
    serverPids: (name) => findProcessesByEnv((entry) => entry === `${markPrefix}${name}`),
    daemonPids,
    pidFilePid,
    async dispose() {
      await mcpctl(home, ['daemon', 'stop'], { timeoutMs: 20_000 }).catch(() => undefined);
      // Fallback: the daemon did not stop (or was killed and left servers behind). Processes are
      // found by their environment, not by <home>/run/daemon.pid, whose pid may have been reused.
      const leftovers = (): number[] => [
        ...daemonPids(),
        ...findProcessesByEnv((entry) => entry === homeEnv || entry.startsWith(markPrefix)),
      ];
      for (const pid of new Set(leftovers())) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      await waitFor('no process of this home left', () => (leftovers().length === 0 ? true : undefined), 5000).catch(
        () => undefined,
      );
      // E2E_KEEP_HOME=1 keeps the home (logs, database) for a look after a failure.
      if (!process.env.E2E_KEEP_HOME) cleanup();
    },
  };
}

/** One E2eHome for all the tests of a file: made before the first, disposed after the last; use it inside tests only. */
export function useE2eHome(): E2eHome {
  let current: E2eHome | undefined;
  const h = (): E2eHome => {
    if (!current) throw new Error('useE2eHome: use it inside a test');
    return current;
  };
  beforeAll(() => {
    current = e2eHome();
  });
  afterAll(async () => {
    await current?.dispose();
  });
  return {
    get home() {
      return h().home;
    },
    run: (args, options) => h().run(args, options),
    json: <T>(args: string[], env?: NodeJS.ProcessEnv) => h().json<T>(args, env),
    mark: (name) => h().mark(name),
    serverPids: (name) => h().serverPids(name),
    daemonPids: () => h().daemonPids(),
    pidFilePid: () => h().pidFilePid(),
    dispose: () => h().dispose(),
  };
}

/** A server's view without the fields that change by themselves, for before/after comparisons. */
export function stableView(view: Record<string, unknown>): Record<string, unknown> {
  const { uptimeSeconds: _uptime, ...rest } = view;
  return rest;
}
