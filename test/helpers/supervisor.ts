import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import {
  type PolicyInput,
  policySchema,
  type ServerSpecInput,
  serverSpecSchema,
} from '../../src/core/servers/definition.js';
import { systemClock } from '../../src/core/servers/instance.js';
import { Supervisor, type SupervisorDeps } from '../../src/core/servers/supervisor.js';
import { ServerLogFile } from '../../src/daemon/monitor/logFile.js';
import { homeIdOf } from '../../src/daemon/process/ownership.js';
import { silentLogger } from '../../src/shared/logger.js';
import { openSqliteStore } from '../../src/store/sqliteStore.js';
import type { Store } from '../../src/store/types.js';

/** A compressed policy so that timing behaviour shows within seconds. */
export function fastPolicy(overrides: PolicyInput = {}): PolicyInput {
  return {
    backoffInitialMs: 100,
    backoffMaxMs: 800,
    backoffJitter: 0,
    restartWindowMs: 10_000,
    healthIntervalMs: 200,
    healthTimeoutMs: 150,
    healthRetries: 2,
    startTimeoutMs: 10_000,
    stopGraceMs: 500,
    ...overrides,
  };
}

export function spec(input: ServerSpecInput) {
  return serverSpecSchema.parse({ ...input, policy: policySchema.parse(input.policy ?? {}) });
}

/** A real supervisor over a real SQLite store in `dir`, as the daemon assembles it. */
export function makeSupervisor(
  dir: string,
  options: Pick<SupervisorDeps, 'startConcurrency'> = {},
): { supervisor: Supervisor; store: Store } {
  const store = openSqliteStore({ path: join(dir, 'mcpctl.db'), logger: silentLogger });
  const supervisor = new Supervisor({
    store,
    logger: silentLogger,
    clock: systemClock,
    random: Math.random,
    parentEnv: process.env,
    clientInfo: { name: 'mcpctl-test', version: '0.0.0' },
    maxLineBytes: 1024 * 1024,
    homeId: homeIdOf(dir),
    ...options,
    openLog: (name) => {
      const log = new ServerLogFile({ path: join(dir, 'logs', `${name}.log`), maxBytes: 1024 * 1024, keep: 2 });
      return {
        appendLine: (stream, text) => void log.appendLine(stream, text),
        pipeLines: (readable, stream) => void log.pipeLines(readable, stream),
        close: () => log.close(),
        remove: () => log.remove(),
      };
    },
  });
  return { supervisor, store };
}

/** A temp home with a real supervisor over it, made before each test and shut down and removed after it. */
export interface SupervisorHome {
  readonly dir: string;
  readonly supervisor: Supervisor;
  readonly store: Store;
  /** A new daemon on the same home: the old supervisor shut down, a fresh one loaded from the store. */
  restart(): Promise<void>;
}

/** Registers the beforeEach/afterEach of a SupervisorHome; read its fields inside tests only. */
export function useSupervisorHome(): SupervisorHome {
  let dir = '';
  let current: { supervisor: Supervisor; store: Store } | undefined;
  const made = () => {
    if (!current) throw new Error('useSupervisorHome: read inside a test');
    return current;
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mcpctl-sup-'));
    current = makeSupervisor(dir);
  });
  afterEach(async () => {
    await made().supervisor.shutdown();
    made().store.close();
    current = undefined;
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    get dir() {
      return dir;
    },
    get supervisor() {
      return made().supervisor;
    },
    get store() {
      return made().store;
    },
    async restart() {
      await made().supervisor.shutdown();
      made().store.close();
      current = makeSupervisor(dir);
      await current.supervisor.load();
      await current.supervisor.resume();
    },
  };
}
