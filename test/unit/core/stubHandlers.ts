import type { ControlHandlers, LogLine } from '../../../src/core/api.js';
import { McpctlError } from '../../../src/shared/errors.js';

export interface StubCalls {
  inputs: Array<{ method: string; input: unknown }>;
  followAborted: Promise<void>;
}

const unused = async (): Promise<never> => {
  throw new McpctlError('INTERNAL', 'not used by this test');
};

/** A complete ControlHandlers with small, fixed answers; records the (validated) inputs it receives. */
export function stubHandlers(): { handlers: ControlHandlers; calls: StubCalls } {
  let markAborted: () => void = () => {};
  const calls: StubCalls = {
    inputs: [],
    followAborted: new Promise((resolve) => {
      markAborted = resolve;
    }),
  };
  const lines: LogLine[] = [
    { time: '2025-01-01T00:00:00.000Z', stream: 'stdout', text: 'hello' },
    { time: null, stream: 'stderr', text: 'world' },
  ];
  const handlers: ControlHandlers = {
    daemonStatus: async () => ({
      pid: 42,
      host: 'box',
      version: '0.0.0-test',
      startedAt: '2025-01-01T00:00:00.000Z',
      uptimeSeconds: 1,
      socket: '/tmp/x.sock',
      home: '/tmp/home',
      database: '/tmp/home/mcpctl.db',
      store: { backend: 'sqlite' as const, location: '/tmp/home/mcpctl.db' },
      logFile: '/tmp/home/logs/daemon.log',
      servers: { total: 0, byState: {} },
      gateway: { url: 'http://127.0.0.1:7711', port: 7711 },
      secrets: { keySource: null, keyFile: '/tmp/home/master.key', count: 0, problem: null },
      remote: null,
      node: 'test-node',
    }),
    daemonStop: async () => ({ stopping: true, drainTimeoutMs: 10_000 }),
    addServer: unused,
    updateServer: unused,
    getServerSpec: unused,
    listServers: async (input) => {
      calls.inputs.push({ method: 'listServers', input });
      return [];
    },
    getServer: async (input) => {
      calls.inputs.push({ method: 'getServer', input });
      throw new McpctlError('NOT_FOUND', `no server named '${input.name}'`, { hint: "list them with 'mcpctl ls'" });
    },
    removeServer: unused,
    sessionTraffic: unused,
    reloadSettings: unused,
    startServers: async (input) => {
      calls.inputs.push({ method: 'startServers', input });
      return [];
    },
    stopServers: unused,
    restartServers: unused,
    readLogs: async (input) => {
      calls.inputs.push({ method: 'readLogs', input });
      return { lines };
    },
    pingServer: async (input) => {
      calls.inputs.push({ method: 'pingServer', input });
      return { name: input.name, latencyMs: 0.5 };
    },
    serverUrl: async (input) => {
      calls.inputs.push({ method: 'serverUrl', input });
      const base = `http://127.0.0.1:7711/servers/${input.name}`;
      return { name: input.name, url: `${base}/mcp`, sseUrl: `${base}/sse` };
    },
    profileUrl: async (input) => {
      calls.inputs.push({ method: 'profileUrl', input });
      const base = `http://127.0.0.1:7711/profiles/${input.name}`;
      return { name: input.name, url: `${base}/mcp`, sseUrl: `${base}/sse` };
    },
    listSessions: async (input) => {
      calls.inputs.push({ method: 'listSessions', input });
      return [];
    },
    getSession: unused,
    killSession: unused,
    createProfile: unused,
    listProfiles: unused,
    getProfile: unused,
    updateProfile: unused,
    removeProfile: unused,
    useProfile: unused,
    currentProfile: unused,
    applyConfig: unused,
    exportConfig: unused,
    listEvents: unused,
    addAlert: unused,
    listAlerts: unused,
    removeAlert: unused,
    testAlert: unused,
    followEvents: async function* () {
      yield* [];
    },
    setSecret: unused,
    listSecrets: unused,
    removeSecret: unused,
    rotateSecretKey: unused,
    listAudit: unused,
    metrics: unused,
    createToken: unused,
    listTokens: unused,
    listNodes: unused,
    revokeToken: unused,
    createDashboardLogin: unused,
    createBackup: unused,
    listClients: unused,
    previewClientInstall: unused,
    installClient: unused,
    previewClientUninstall: unused,
    uninstallClient: unused,
    followLogs: async function* (input, _call, signal) {
      calls.inputs.push({ method: 'followLogs', input });
      for (const line of lines) yield line;
      if (!signal.aborted) await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      markAborted();
    },
  };
  return { handlers, calls };
}
