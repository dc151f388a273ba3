import type { Logger } from '../../shared/logger.js';
import type { Store } from '../../store/types.js';
import type { Settings } from '../config/settings.js';
import type { EventHub } from '../events/eventHub.js';
import { AlertEngine, type AlertSources } from './alertEngine.js';
import { type AlertRules, mergedRules } from './alertHandlers.js';
import { Notifier } from './notifiers.js';

export interface AlertRulesDeps {
  store: Store;
  settings: Settings;
  events: EventHub;
  sources: AlertSources;
  logger: Logger;
}

/** The daemon's alerting: the engine over the config file's rules and the stored ones. Call `start`. */
export function createAlertRules(deps: AlertRulesDeps): AlertRules & { start(): Promise<void>; stop(): void } {
  const { settings, logger, store } = deps;
  const configRules = settings.alerts.rules;
  const engine = new AlertEngine({
    events: deps.events,
    sources: deps.sources,
    logger,
    intervalMs: settings.alerts.interval,
    notifier: new Notifier({
      logger,
      timeoutMs: settings.alerts.timeout,
      attempts: settings.alerts.attempts,
      retryDelayMs: settings.alerts.retryDelay,
    }),
  });
  const rules = () =>
    mergedRules(store, configRules, (name) =>
      logger.warn(
        { alert: name },
        'a stored alert is ignored: the config file defines one of that name, or it cannot be read',
      ),
    );
  return {
    engine,
    configRules,
    async reload() {
      engine.setRules(await rules());
    },
    async start() {
      await engine.start(await rules());
    },
    stop: () => engine.stop(),
  };
}
