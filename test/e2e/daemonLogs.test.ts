import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type E2eHome, e2eHome } from '../helpers/e2e.js';

let h: E2eHome | undefined;
afterEach(async () => {
  await h?.dispose();
  h = undefined;
});

const LINE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z (TRACE|DEBUG|INFO |WARN |ERROR|FATAL) \S/;

describe('mcpctl daemon logs', () => {
  it('prints time, level and message per line, and the logged objects with -o json', async () => {
    h = e2eHome();
    expect((await h.run(['server', 'add', 'quiet', '--no-autostart', '--', process.execPath, '-e', '0'])).code).toBe(0);
    const text = await h.run(['daemon', 'logs']);
    expect(text.code).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(2);
    for (const line of lines) expect(line).toMatch(LINE);
    expect(lines).toContainEqual(expect.stringMatching(/ INFO {2}quiet added server=quiet event=added$/));

    const json = await h.run(['daemon', 'logs', '-o', 'json']);
    const records = json.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records).toContainEqual(expect.objectContaining({ level: 'info', msg: 'quiet added', server: 'quiet' }));
    for (const record of records) expect(record).not.toHaveProperty('text');
  });

  it('shows why the daemon failed to start, without starting it', async () => {
    h = e2eHome();
    const config = join(h.home, 'config.yaml');
    writeFileSync(config, 'logs:\n  level: [info\n');
    // The start's failure is the daemon's own error: exit 3 with file:line:col, as `daemon run` says it.
    const failed = await h.run(['ls']);
    expect(failed.code).toBe(3);
    expect(failed.stderr).toMatch(new RegExp(`^Error: the daemon could not start: ${config}:\\d+:\\d+: `, 'm'));
    expect(failed.stderr).toMatch(/^Hint: fix the YAML at that line and column.*'mcpctl daemon logs'/m);

    const logs = await h.run(['daemon', 'logs']);
    expect(logs.code).toBe(0);
    expect(logs.stderr).toMatch(/the daemon is not running; its log file .*daemon\.log/);
    expect(logs.stdout).toMatch(new RegExp(`^\\S+ FATAL the daemon stopped on an error: ${config}:\\d+:\\d+: `, 'm'));
    expect(logs.stdout).toMatch(/code=CONFIG_INVALID/);
    expect(h.daemonPids()).toEqual([]);
  });
});
