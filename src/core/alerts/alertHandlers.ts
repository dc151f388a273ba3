import { McpctlError } from '../../shared/errors.js';
import type { Store } from '../../store/types.js';
import type { AlertView, ControlHandlers } from '../api.js';
import type { Supervisor } from '../servers/supervisor.js';
import { parseInput } from '../validation.js';
import type { AlertEngine, AlertStatus, RuleSource } from './alertEngine.js';
import { type AlertRule, alertRuleSchema } from './rule.js';

export interface AlertHandlerDeps {
  store: Store;
  supervisor: Supervisor;
  alerts: AlertRules;
}

/** The rules of both sources and the engine that watches them (built by alertRules below). */
export interface AlertRules {
  engine: AlertEngine;
  configRules: readonly AlertRule[];
  /** Re-reads the stored rules and hands both sources to the engine. */
  reload(): Promise<void>;
}

/**
 * The merged rules: config-file rules first, then stored ones whose names the config does not
 * use (on a clash the config file wins; `alert add` refuses such a name, so a clash only comes
 * from a later edit of the file).
 */
export async function mergedRules(
  store: Store,
  configRules: readonly AlertRule[],
  warn: (name: string) => void,
): Promise<Array<{ rule: AlertRule; source: RuleSource }>> {
  const names = new Set(configRules.map((rule) => rule.name));
  const merged: Array<{ rule: AlertRule; source: RuleSource }> = configRules.map((rule) => ({
    rule,
    source: 'config',
  }));
  for (const row of await store.alerts.list()) {
    if (names.has(row.name)) {
      warn(row.name);
      continue;
    }
    try {
      merged.push({ rule: parseInput(alertRuleSchema, row.spec, `stored alert '${row.name}'`), source: 'cli' });
    } catch {
      warn(row.name);
    }
  }
  return merged;
}

export function toAlertView(status: AlertStatus): AlertView {
  const { rule } = status;
  return {
    name: rule.name,
    when: rule.when,
    server: rule.server ?? null,
    notify: rule.notify,
    source: status.source,
    state: status.state,
    since: status.since,
    servers: status.servers,
  };
}

function unknownAlert(name: string): McpctlError {
  return new McpctlError('NOT_FOUND', `no alert named '${name}'`, { hint: "list alerts with 'mcpctl alert ls'" });
}

type AlertMethods = 'addAlert' | 'listAlerts' | 'removeAlert' | 'testAlert';

export function createAlertHandlers(deps: AlertHandlerDeps): Pick<ControlHandlers, AlertMethods> {
  const { alerts, store } = deps;
  const status = (name: string): AlertStatus => {
    const found = alerts.engine.list().find((entry) => entry.rule.name === name);
    if (!found) throw unknownAlert(name);
    return found;
  };
  return {
    async addAlert({ rule }) {
      if (rule.server !== undefined) deps.supervisor.get(rule.server);
      if (alerts.configRules.some((configured) => configured.name === rule.name)) {
        throw new McpctlError('ALREADY_EXISTS', `an alert named '${rule.name}' is defined in the config file`, {
          hint: 'pick another name, or edit the rule in config.yaml (alerts.rules)',
        });
      }
      await store.alerts.insert({ name: rule.name, spec: rule as unknown as Record<string, unknown> });
      await alerts.reload();
      return toAlertView(status(rule.name));
    },
    async listAlerts() {
      return alerts.engine.list().map(toAlertView);
    },
    async removeAlert({ name }) {
      if (alerts.configRules.some((rule) => rule.name === name)) {
        throw new McpctlError('INVALID_ARGUMENT', `alert '${name}' is defined in the config file`, {
          hint: 'remove it from config.yaml (alerts.rules) and restart the daemon',
        });
      }
      if (!(await store.alerts.remove(name))) throw unknownAlert(name);
      await alerts.reload();
      return { name };
    },
    async testAlert({ name }) {
      const { rule } = status(name);
      return { name, deliveries: await alerts.engine.test(rule) };
    },
  };
}
