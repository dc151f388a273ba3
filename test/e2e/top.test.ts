import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, CLI_NODE, EVERYTHING, mcpctl, ROOT, waitFor } from '../helpers/cli.js';
import { addRunningServer, startTestDaemon, type TestDaemon } from '../helpers/daemon.js';
import { connectHttp, type HttpSession } from '../helpers/mcpClient.js';

/** `mcpctl top` in a real terminal: a tmux session of its own (a private socket, so no user's tmux is touched). */
const MEMORY = join(ROOT, 'node_modules/@modelcontextprotocol/server-memory/dist/index.js');
const SOCKET = `mcpctl-top-${process.pid}`;
const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
const capture = (): string => tmux('capture-pane', '-p', '-t', 'top');

let daemon: TestDaemon;
let session: HttpSession;

beforeAll(async () => {
  daemon = await startTestDaemon();
  await addRunningServer(daemon.home, 'every', [], [process.execPath, EVERYTHING]);
  await addRunningServer(daemon.home, 'memory', [], [process.execPath, MEMORY]);
  session = await connectHttp(daemon.endpoint('every'), new Client({ name: 'top-test', version: '1.0.0' }));
}, 60_000);

afterAll(async () => {
  try {
    tmux('kill-server');
  } catch {
    // already gone
  }
  await session?.close();
  await daemon?.stop();
});

describe('mcpctl top', () => {
  it('prints one plain snapshot with every server when stdout is not a terminal', async () => {
    const result = await mcpctl(daemon.home, ['top']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^every\s+running/m);
    expect(result.stdout).toMatch(/^memory\s+running/m);
    expect(result.stdout).not.toContain('q quit');
    expect(result.stdout).not.toContain('\u001b[?1049h');
  });

  it('redraws live under tmux, sorts by key, and q gives the terminal back', async () => {
    const command = `MCPCTL_HOME='${daemon.home}' NO_COLOR=1 '${CLI_NODE}' '${CLI}' top --interval 200; echo "top exited $?"; sleep 60`;
    tmux('new-session', '-d', '-s', 'top', '-x', '140', '-y', '40', command);
    const first = await waitFor('top to draw both servers', async () => {
      const screen = capture();
      return /^every\s+running/m.test(screen) && /^memory\s+running/m.test(screen) ? screen : undefined;
    });
    expect(first).toContain('q quit');
    expect(tmux('display', '-p', '-t', 'top', '#{alternate_on}').trim()).toBe('1');
    const callsOf = (screen: string): string | undefined => /^every\s+running\s+\S+\s+\S+\s+(\S+)/m.exec(screen)?.[1];
    const before = callsOf(first);
    // Load: calls in the background until the calls/s figure moves.
    let loading = true;
    const load = (async () => {
      while (loading) await session.client.callTool({ name: 'echo', arguments: { message: 'x' } });
    })();
    await waitFor('calls/s to change while load runs', async () => {
      const now = callsOf(capture());
      return now !== undefined && now !== before ? true : undefined;
    });
    loading = false;
    await load;
    expect(first.indexOf('\nevery ')).toBeLessThan(first.indexOf('\nmemory '));
    tmux('send-keys', '-t', 'top', 'n');
    const sorted = await waitFor('SERVER to sort descending', async () => {
      const screen = capture();
      return /SERVERv/.test(screen) ? screen : undefined;
    });
    expect(sorted.indexOf('\nmemory ')).toBeLessThan(sorted.indexOf('\nevery '));
    tmux('send-keys', '-t', 'top', 'q');
    const after = await waitFor('top to exit', async () => {
      const screen = capture();
      return screen.includes('top exited') ? screen : undefined;
    });
    expect(after).toContain('top exited 0');
    expect(after).not.toContain('q quit');
    expect(tmux('display', '-p', '-t', 'top', '#{alternate_on} #{cursor_flag}').trim()).toBe('0 1');
  }, 60_000);

  it('Ctrl-C also gives the terminal back', async () => {
    const command = `MCPCTL_HOME='${daemon.home}' NO_COLOR=1 '${CLI_NODE}' '${CLI}' top; echo "top exited $?"; sleep 60`;
    tmux('new-session', '-d', '-s', 'ctrlc', '-x', '140', '-y', '40', command);
    const screenOf = (): string => tmux('capture-pane', '-p', '-t', 'ctrlc');
    await waitFor('top to draw', async () => (screenOf().includes('q quit') ? true : undefined));
    tmux('send-keys', '-t', 'ctrlc', 'C-c');
    await waitFor('top to exit', async () => (screenOf().includes('top exited') ? true : undefined));
    expect(tmux('display', '-p', '-t', 'ctrlc', '#{alternate_on} #{cursor_flag}').trim()).toBe('0 1');
  }, 30_000);
});
