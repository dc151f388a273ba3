import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { createAlertRules } from '../../../../src/core/alerts/alertRules.js';
import type { ControlApi } from '../../../../src/core/api.js';
import { createAuditLog } from '../../../../src/core/audit/auditLog.js';
import { TokenService } from '../../../../src/core/auth/tokens.js';
import { loadSettings } from '../../../../src/core/config/settings.js';
import { EventHub } from '../../../../src/core/events/eventHub.js';
import { createHandlers } from '../../../../src/core/handlers.js';
import { createLocalApi } from '../../../../src/core/localApi.js';
import type { ProfileCatalogs } from '../../../../src/core/profiles/catalog.js';
import { ProfileRegistry } from '../../../../src/core/profiles/registry.js';
import { SecretVault } from '../../../../src/core/secrets/vault.js';
import { createSessionRecorder, type SessionRecorder } from '../../../../src/core/sessions/sessionRecorder.js';
import { DashboardAuth } from '../../../../src/daemon/ui/dashboardAuth.js';
import { silentLogger } from '../../../../src/shared/logger.js';
import { resolvePaths } from '../../../../src/shared/paths.js';
import type { Store } from '../../../../src/store/types.js';
import { makeSupervisor, spec } from '../../../helpers/supervisor.js';
import { TestGateway } from './testGateway.js';

export interface HandlerRig {
  api: ControlApi;
  store: Store;
  gateway: TestGateway;
  recorder: SessionRecorder;
  home: string;
}

const noLog = { subscribe: () => () => {} };
const noSources = { servers: () => [], sessions: () => 0, memoryBytes: () => null };

/**
 * The daemon's real handlers over a real SQLite store and supervisor in a temp home,
 * with a TestGateway whose session events go through the real recorder. The server
 * `everything` is defined (not started). Released when the test ends.
 */
export async function handlerRig(options: { profileCatalogs?: ProfileCatalogs } = {}): Promise<HandlerRig> {
  const home = mkdtempSync(join(tmpdir(), 'mcpctl-handlers-'));
  const { supervisor, store } = makeSupervisor(home);
  const recorder = createSessionRecorder(store, silentLogger, 'node-a');
  const audit = createAuditLog(store, silentLogger, { maxRows: 1000, maxAgeMs: 86_400_000 });
  const gateway = new TestGateway(recorder);
  onTestFinished(async () => {
    await recorder.flushed();
    await supervisor.shutdown();
    store.close();
    rmSync(home, { recursive: true, force: true });
  });
  await supervisor.add(spec({ name: 'everything', transport: 'stdio', command: 'node', autostart: false }));
  const paths = resolvePaths({ MCPCTL_HOME: home });
  const profiles = new ProfileRegistry({ store, logger: silentLogger });
  await profiles.load();
  const events = new EventHub({ store, logger: silentLogger });
  const settings = await loadSettings(paths, {});
  const handlers = createHandlers({
    paths,
    settings,
    store,
    supervisor,
    version: '0.0.0-test',
    node: 'test-node',
    startedAt: Date.now(),
    daemonLog: noLog,
    serverLog: () => noLog,
    requestStop: () => {},
    gateway,
    profiles,
    events,
    alerts: createAlertRules({ store, settings, events, logger: silentLogger, sources: noSources }),
    vault: new SecretVault({
      secrets: store.secrets,
      env: { MCPCTL_NO_KEYRING: '1' },
      keyFile: join(home, 'master.key'),
      homeId: 'test',
    }),
    audit,
    tokens: new TokenService({ tokens: store.tokens, logger: silentLogger, now: Date.now }),
    dashboardAuth: new DashboardAuth(),
    ...options,
    logger: silentLogger,
    now: Date.now,
  });
  return { api: createLocalApi(handlers), store, gateway, recorder, home };
}
