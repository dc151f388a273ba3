import type { ServerDetail, ServerView } from '../../../../src/core/api.js';

const POLICY = {
  restart: 'on-failure',
  maxRestarts: 5,
  restartWindowMs: 120_000,
  backoffInitialMs: 1000,
  backoffMaxMs: 60_000,
  backoffFactor: 2,
  backoffJitter: 0.2,
  stableAfterMs: 60_000,
  startTimeoutMs: 30_000,
  healthIntervalMs: 10_000,
  healthTimeoutMs: 5000,
  healthRetries: 3,
  stopGraceMs: 5000,
} as const;

/** A ServerView as the daemon sends it; every field of api.ts present. */
export function serverView(overrides: Partial<ServerView> = {}): ServerView {
  return {
    name: 'everything',
    transport: 'stdio',
    state: 'running',
    desired: 'running',
    pid: 4242,
    restarts: 0,
    uptimeSeconds: 3725,
    lastExitCode: null,
    lastExitSignal: null,
    lastError: null,
    command: 'npx',
    args: ['-y', '@modelcontextprotocol/server-everything'],
    cwd: null,
    url: null,
    env: {},
    headers: {},
    autostart: true,
    labels: {},
    policy: { ...POLICY },
    createdAt: '2025-01-31T12:00:00.000Z',
    startedAt: '2025-01-31T12:00:01.000Z',
    nextRestartAt: null,
    ...overrides,
  };
}

export function serverDetail(overrides: Partial<ServerDetail> = {}): ServerDetail {
  return { ...serverView(), logFile: '/home/u/.local/state/mcpctl/logs/everything.log', events: [], ...overrides };
}
