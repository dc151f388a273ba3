import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { mergedRules } from '../../../../src/core/alerts/alertHandlers.js';
import { alertRuleSchema } from '../../../../src/core/alerts/rule.js';
import { defaultSettings, settingsProblems } from '../../../../src/core/config/settings.js';
import { silentLogger } from '../../../../src/shared/logger.js';
import { openSqliteStore } from '../../../../src/store/sqliteStore.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('alert rules in the config file', () => {
  it('are validated with the settings: a rule that does not parse names its column and key', () => {
    expect(defaultSettings().alerts).toMatchObject({ rules: [], interval: 10_000, attempts: 5 });
    expect(
      settingsProblems({
        alerts: { rules: [{ name: 'r', when: 'restarts > 3 in 10m', notify: ['webhook:https://h/x'] }] },
      }),
    ).toEqual([]);
    expect(settingsProblems({ alerts: { rules: [{ name: 'r', when: 'restarts >> 3' }] } })).toEqual([
      "alerts.rules.0.when: invalid --when 'restarts >> 3': at column 10: expected '>' or '>=', found '>>'",
    ]);
    expect(
      settingsProblems({ alerts: { rules: [{ name: 'r', when: 'down for 1m', notify: ['webhook:file:///x'] }] } }),
    ).toEqual([
      "alerts.rules.0.notify.0: invalid --notify 'webhook:file:///x': a webhook must be http or https, not file",
    ]);
  });

  it('win over a stored rule of the same name, which is left out (and warned about)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcpctl-alerts-'));
    dirs.push(dir);
    const store = openSqliteStore({ path: join(dir, 'mcpctl.db'), logger: silentLogger });
    try {
      await store.alerts.insert({ name: 'same', spec: { name: 'same', when: 'sessions > 1', notify: ['log'] } });
      await store.alerts.insert({ name: 'mine', spec: { name: 'mine', when: 'down for 1m', notify: ['log'] } });
      const config = [alertRuleSchema.parse({ name: 'same', when: 'sessions > 50' })];
      const warned: string[] = [];
      const merged = await mergedRules(store, config, (name) => warned.push(name));
      expect(merged.map(({ rule, source }) => [rule.name, rule.when, source])).toEqual([
        ['same', 'sessions > 50', 'config'],
        ['mine', 'down for 1m', 'cli'],
      ]);
      expect(warned).toEqual(['same']);
    } finally {
      store.close();
    }
  });
});
