import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FIXTURES, waitFor } from '../helpers/cli.js';
import { type E2eHome, e2eHome } from '../helpers/e2e.js';

let h: E2eHome;
afterEach(async () => {
  await h.dispose();
});

const LINES = 40;
const MAX_BYTES = 2048;

/** The text of each stored line, oldest first, across `NAME.log.K … NAME.log.1, NAME.log` (`<time> <stream> <text>`). */
function storedTexts(logsDir: string, name: string): string[] {
  const rotated = readdirSync(logsDir)
    .map((file) => new RegExp(`^${name}\\.log\\.(\\d+)$`).exec(file))
    .filter((match) => match !== null)
    .map((match) => Number(match[1]))
    .sort((a, b) => b - a)
    .map((k) => `${name}.log.${k}`);
  return [...rotated, `${name}.log`]
    .flatMap((file) => readFileSync(join(logsDir, file), 'utf8').split('\n'))
    .filter(Boolean)
    .map((line) => line.split(' ').slice(2).join(' '));
}

/** Keys of the top-level object of a JSON line, duplicates included (JSON.parse keeps only the last). */
function topLevelKeys(line: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (char === '"') {
      let end = i + 1;
      while (line[end] !== '"') end += line[end] === '\\' ? 2 : 1;
      if (depth === 1 && line[end + 1] === ':') keys.push(line.slice(i + 1, end));
      i = end;
    } else if (char === '{' || char === '[') depth++;
    else if (char === '}' || char === ']') depth--;
  }
  return keys;
}

describe('server logs through the built binary', () => {
  it('tails the newest lines and rotates at MCPCTL_LOG_MAX_BYTES', async () => {
    h = e2eHome();
    const start = await h.run(['daemon', 'start'], { env: { MCPCTL_LOG_MAX_BYTES: String(MAX_BYTES) } });
    expect(start.code, start.stderr).toBe(0);
    const add = await h.run([
      'server',
      'add',
      'noisy',
      ...h.mark('noisy'),
      '--env',
      `NOISY_STDERR_LINES=${LINES}`,
      '--',
      process.execPath,
      join(FIXTURES, 'noisy.mjs'),
    ]);
    expect(add.code, add.stderr).toBe(0);
    const logsDir = join(h.home, 'logs');
    // The fixture writes its lines at once and then only answers pings, so the log settles.
    await waitFor('the last stderr line and the start event on disk', () => {
      const texts = storedTexts(logsDir, 'noisy');
      return texts.some((text) => text.startsWith(`noisy stderr line ${LINES} `)) &&
        texts.some((text) => text.startsWith('noisy is running'))
        ? true
        : undefined;
    });

    const tail = await h.run(['logs', 'noisy', '--tail', '5']);
    expect(tail.code, tail.stderr).toBe(0);
    const shown = tail.stdout.trimEnd().split('\n');
    expect(shown).toEqual(storedTexts(logsDir, 'noisy').slice(-5));
    expect(shown.some((line) => line.startsWith(`noisy stderr line ${LINES} `))).toBe(true);
    // Stderr lines keep their order.
    const numbers = shown
      .map((line) => /^noisy stderr line (\d+) /.exec(line)?.[1])
      .filter(Boolean)
      .map(Number);
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));

    expect(existsSync(join(logsDir, 'noisy.log.1'))).toBe(true);
    const longestLine = 200;
    for (const file of readdirSync(logsDir).filter((name) => name.startsWith('noisy.log'))) {
      expect(statSync(join(logsDir, file)).size, file).toBeLessThanOrEqual(MAX_BYTES + longestLine);
    }
    // Nothing was lost to rotation while the default keep (5 files) suffices.
    const stderrLines = storedTexts(logsDir, 'noisy').filter((text) => text.startsWith('noisy stderr line '));
    expect(stderrLines).toHaveLength(LINES);

    const daemonLogs = await h.run(['daemon', 'logs', '--tail', '3', '-o', 'json']);
    expect(daemonLogs.code, daemonLogs.stderr).toBe(0);
    const daemonRecords = daemonLogs.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as unknown);
    expect(daemonRecords).toHaveLength(3);
    // The daemon's own log rotates at the same size: its newest lines may straddle daemon.log.1.
    const onDisk = ['daemon.log.1', 'daemon.log']
      .filter((name) => existsSync(join(logsDir, name)))
      .flatMap((name) => readFileSync(join(logsDir, name), 'utf8').split('\n'))
      .filter((line) => line !== '');
    expect(onDisk.slice(-3).map((line) => JSON.parse(line) as unknown)).toEqual(daemonRecords);
  });

  /**
   * Fails today: the logger's base fields hold the daemon's pid (src/daemon/monitor/daemonLogger.ts),
   * and 'daemon starting' (src/core/host.ts), the 'started' event (src/core/servers/instance.ts →
   * supervisor.ts event()) and the orphan warning (supervisor.ts load()) add their own "pid", so a
   * line like `{"pid":<daemon>,…,"pid":<server>}` reads as the server's pid to any JSON parser.
   */
  it('writes daemon log lines that name each field once', async () => {
    h = e2eHome();
    const add = await h.run([
      'server',
      'add',
      'noisy',
      ...h.mark('noisy'),
      '--',
      process.execPath,
      join(FIXTURES, 'noisy.mjs'),
    ]);
    expect(add.code, add.stderr).toBe(0);
    const lines = await waitFor('the started event in the daemon log', () => {
      const text = readFileSync(join(h.home, 'logs', 'daemon.log'), 'utf8');
      return text.includes('noisy is running') ? text.trim().split('\n') : undefined;
    });
    const daemonPid = h.pidFilePid();
    for (const line of lines) {
      const keys = topLevelKeys(line);
      expect(
        keys.filter((key, i) => keys.indexOf(key) !== i),
        line,
      ).toEqual([]);
      expect((JSON.parse(line) as { pid: number }).pid, line).toBe(daemonPid);
    }
  });
});
