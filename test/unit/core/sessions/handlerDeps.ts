import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import type { ControlApi } from '../../../../src/core/api.js';
import { TokenService } from '../../../../src/core/auth/tokens.js';
import { loadSettings } from '../../../../src/core/config/settings.js';
import { createHandlers } from '../../../../src/core/handlers.js';
import { createLocalApi } from '../../../../src/core/localApi.js';
import type { ProfileCatalogs } from '../../../../src/core/profiles/catalog.js';
import { ProfileRegistry } from '../../../../src/core/profiles/registry.js';
import { createSessionRecorder, type SessionRecorder } from '../../../../src/core/sessions/sessionRecorder.js';
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

/**
 * The daemon's real handlers over a real SQLite store and supervisor in a temp home,
 * with a TestGateway whose session events go through the real recorder. The server
 * `everything` is defined (not started). Released when the test ends.
 */
export async function handlerRig(options: { profileCatalogs?: ProfileCatalogs } = {}): Promise<HandlerRig> {
  const home = mkdtempSync(join(tmpdir(), 'mcpctl-handlers-'));
  const { supervisor, store } = makeSupervisor(home);
  const recorder = createSessionRecorder(store, silentLogger);
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
  const handlers = createHandlers({
    paths,
    settings: await loadSettings(paths, {}),
    store,
    supervisor,
    version: '0.0.0-test',
    startedAt: Date.now(),
    daemonLog: noLog,
    serverLog: () => noLog,
    requestStop: () => {},
    gateway,
    profiles,
    tokens: new TokenService({ tokens: store.tokens, logger: silentLogger, now: Date.now }),
    ...options,
    logger: silentLogger,
    now: Date.now,
  });
  return { api: createLocalApi(handlers), store, gateway, recorder, home };
}
