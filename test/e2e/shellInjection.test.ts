import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ServerView } from '../../src/core/api.js';
import { FIXTURES, waitFor } from '../helpers/cli.js';
import { useE2eHome } from '../helpers/e2e.js';

const NODE = process.execPath;

const h = useE2eHome();

/** What a shell would run; spawned without one, each must reach the server as the bytes typed. */
function payloads(marker: string): string[] {
  return [
    `"; touch ${marker}"`,
    `; touch ${marker}`,
    '; touch $MARK',
    `$(touch ${marker})`,
    '$(touch $MARK)',
    `\`touch ${marker}\``,
    `&& touch ${marker}`,
    `|| touch ${marker}`,
    `| touch ${marker}`,
    `'; touch ${marker}; '`,
    `\ntouch ${marker}\n`,
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell's parameter expansion, on purpose
    '${MARK}',
  ];
}

describe('B6: shell injection in command, args and env', () => {
  it('B6: args and env values with ;, $(...), backticks, && and | reach the server literally, and nothing runs them', async () => {
    const marker = join(h.home, 'pwned');
    const argvLog = join(h.home, 'argv.json');
    const values = payloads(marker);
    const envFlags = values.flatMap((value, i) => ['--env', `P${i}=${value}`]);
    const add = await h.run([
      'server',
      'add',
      'inject',
      '--env',
      `ARGV_LOG=${argvLog}`,
      '--env',
      `MARK=${marker}`,
      ...envFlags,
      '--',
      NODE,
      join(FIXTURES, 'argvEcho.mjs'),
      ...values,
    ]);
    expect(add.code, add.stderr).toBe(0);
    await waitFor('the server to be running', async () => {
      const [view] = await h.json<ServerView[]>(['server', 'ls']);
      return view?.state === 'running' ? view : undefined;
    });

    const seen = JSON.parse(readFileSync(argvLog, 'utf8')) as { argv: string[]; env: Record<string, string> };
    expect(seen.argv).toEqual(values);
    values.forEach((value, i) => {
      expect(seen.env[`P${i}`], `P${i}`).toBe(value);
    });
    expect(existsSync(marker)).toBe(false);

    // A restart spawns the same argv again, still without a shell.
    rmSync(argvLog);
    const restart = await h.run(['server', 'restart', 'inject']);
    expect(restart.code, restart.stderr).toBe(0);
    await waitFor('the restarted server to write its argv', () => (existsSync(argvLog) ? true : undefined));
    expect((JSON.parse(readFileSync(argvLog, 'utf8')) as { argv: string[] }).argv).toEqual(values);
    expect(existsSync(marker)).toBe(false);
    const shown = await h.json<{ args: string[]; env: Record<string, string> }>(['server', 'show', 'inject']);
    expect(shown.args).toEqual([join(FIXTURES, 'argvEcho.mjs'), ...values]);
  });

  it('B6: a command line typed as one word is a file name, never a shell line', async () => {
    const marker = join(h.home, 'pwned-by-command');
    // Refused up front (exit 2), or accepted and failing to spawn: either way nothing runs it.
    const add = await h.run(['server', 'add', 'cmdline', '--', `touch ${marker}; ${NODE} -e 0`]);
    expect([0, 2], add.stderr).toContain(add.code);
    if (add.code === 0) {
      const view = await waitFor('the spawn to fail', async () => {
        const found = (await h.json<ServerView[]>(['server', 'ls'])).find((v) => v.name === 'cmdline');
        return found && ['backoff', 'failed'].includes(found.state) ? found : undefined;
      });
      expect(view.pid).toBeNull();
      expect((await h.run(['server', 'rm', 'cmdline'])).code).toBe(0);
    }
    expect(existsSync(marker)).toBe(false);
  });

  it('B6: environment names outside ^[A-Za-z_][A-Za-z0-9_]*$ exit 2 and define nothing', async () => {
    const marker = join(h.home, 'pwned-by-name');
    for (const name of ['1X', 'A-B', 'A B', `$(touch ${marker})`, ';X', 'X;Y', '', 'É']) {
      const result = await h.run(['server', 'add', 'badenv', '--env', `${name}=v`, '--', NODE, '-e', '0']);
      expect(result.code, `${JSON.stringify(name)}: ${result.stderr}`).toBe(2);
      expect(result.stderr, name).toMatch(/^Hint: /m);
    }
    const names = (await h.json<ServerView[]>(['server', 'ls'])).map((view) => view.name);
    expect(names).not.toContain('badenv');
    expect(existsSync(marker)).toBe(false);
  });
});
