import type { DaemonStatus, ServerDetail, ServerView, SessionView } from '../../../../src/core/api.js';

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
  requestTimeoutMs: 60_000,
  maxMemoryBytes: 0,
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
    sharing: { mode: 'shared', pool: 1, maxSessions: 64 },
    roots: [],
    processes: [],
    env: {},
    headers: {},
    autostart: true,
    labels: {},
    policy: { ...POLICY },
    logLevel: null,
    debugPayloads: false,
    createdAt: '2025-01-31T12:00:00.000Z',
    startedAt: '2025-01-31T12:00:01.000Z',
    nextRestartAt: null,
    downSince: null,
    profiles: [],
    replicas: 1,
    nodes: ['node-a'],
    instances: [],
    ...overrides,
  };
}

export function serverDetail(overrides: Partial<ServerDetail> = {}): ServerDetail {
  return { ...serverView(), logFile: '/home/u/.local/state/mcpctl/logs/everything.log', events: [], ...overrides };
}

/** An open session as the daemon sends it. */
export function sessionView(overrides: Partial<SessionView> = {}): SessionView {
  return {
    id: 'f3a1c9d2e4b5a6c7d8e9f0a1b2c3d4e5',
    server: 'everything',
    profile: null,
    transport: 'streamable-http',
    state: 'open',
    clientName: 'claude-ai',
    clientVersion: '0.1.0',
    protocolVersion: '2025-06-18',
    startedAt: '2025-01-31T12:00:00.000Z',
    lastActivity: '2025-01-31T12:59:30.000Z',
    idleSince: '2025-01-31T12:59:30.000Z',
    closedAt: null,
    closeReason: null,
    requests: 42,
    errors: 0,
    ...overrides,
  };
}

/** A DaemonStatus as the daemon sends it: up 90 s with three servers and a gateway. */
export function daemonStatus(overrides: Partial<DaemonStatus> = {}): DaemonStatus {
  return {
    pid: 77,
    host: 'box',
    version: '0.1.0',
    startedAt: '2025-01-31T12:00:00.000Z',
    uptimeSeconds: 90,
    socket: '/run/mcpctl.sock',
    home: '/h',
    database: '/h/mcpctl.db',
    store: { backend: 'sqlite', location: '/h/mcpctl.db' },
    logFile: '/h/logs/daemon.log',
    servers: { total: 3, byState: { running: 2, failed: 1, stopped: 0 } },
    gateway: { url: 'http://127.0.0.1:7711', port: 7711 },
    secrets: { keySource: 'file', keyFile: '/h/master.key', count: 2, problem: null },
    remote: null,
    node: 'node-a',
    ...overrides,
  };
}
