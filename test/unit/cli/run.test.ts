import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/run.js';
import { captureContext } from './testContext.js';

describe('runCli: commander usage errors', () => {
  it.each([
    [['server', 'lss'], "Error: unknown command 'lss'", "Hint: run 'mcpctl server ls --help' for usage"],
    [['sever', 'ls'], "Error: unknown command 'sever'", "Hint: run 'mcpctl server --help' for usage"],
    [['frobnicate'], "Error: unknown command 'frobnicate'", "Hint: run 'mcpctl --help' for usage"],
    [['ls', '--bogus'], "Error: unknown option '--bogus'", "Hint: run 'mcpctl ls --help' for usage"],
    [['server', 'ping'], "Error: missing required argument 'name'", "Hint: run 'mcpctl server ping --help' for usage"],
    [['logs'], 'Error: give one of: a server NAME, --session ID or --client CLIENT', "Hint: e.g. 'mcpctl logs fs'"],
    [['-o', 'xml', 'ls'], "Error: option '-o, --output <format>' argument 'xml' is invalid", 'Hint:'],
    [['ls', 'extra'], 'Error: too many arguments', 'Hint:'],
  ])('%j exits 2 with the message and a hint on stderr', async (argv, message, hint) => {
    const run = captureContext();
    expect(await runCli(argv, run.ctx)).toBe(2);
    expect(run.stderr()).toContain(message);
    expect(run.stderr()).toContain(hint);
    expect(run.stdout()).toBe('');
  });

  it("tells to put a server's own flags after --", async () => {
    const run = captureContext();
    expect(await runCli(['server', 'add', 'x', 'npx', '-y', 'pkg'], run.ctx)).toBe(2);
    expect(run.stderr()).toContain("Hint: put the server's own flags after '--'");
  });

  it('prints usage errors as JSON with -o json', async () => {
    const run = captureContext();
    expect(await runCli(['--json', 'server', 'lss'], run.ctx)).toBe(2);
    const { error } = JSON.parse(run.stderr()) as { error: Record<string, string> };
    expect(error).toMatchObject({ kind: 'user', code: 'INVALID_ARGUMENT' });
    expect(error.message).toMatch(/^unknown command 'lss'/);
    expect(error.hint).toBe("run 'mcpctl server ls --help' for usage");
  });

  it('prints help for a group without its verb and exits 2', async () => {
    const run = captureContext();
    expect(await runCli(['daemon'], run.ctx)).toBe(2);
    expect(run.stderr()).toContain('Usage: mcpctl daemon');
  });
});

describe('runCli: successes that never need the daemon', () => {
  it('prints help on stdout and exits 0', async () => {
    const run = captureContext();
    expect(await runCli(['--help'], run.ctx)).toBe(0);
    expect(run.stdout()).toContain('Usage: mcpctl');
    expect(run.stdout()).toContain('server');
  });

  it('prints the version for -v, --version and version', async () => {
    for (const argv of [['-v'], ['--version']]) {
      const run = captureContext();
      expect(await runCli(argv, run.ctx)).toBe(0);
      expect(run.stdout()).toBe('9.9.9-test\n');
    }
    const run = captureContext();
    expect(await runCli(['version', '-o', 'json'], run.ctx)).toBe(0);
    expect(JSON.parse(run.stdout())).toEqual({ version: '9.9.9-test' });
  });
});

describe('runCli: errors before and at the daemon', () => {
  it('rejects a bad server definition with exit 2 without contacting or starting the daemon', async () => {
    const run = captureContext();
    expect(await runCli(['server', 'add', 'x', '--max-restarts', '-1', '--', 'node', 's.js'], run.ctx)).toBe(2);
    expect(run.stderr()).toBe(
      "Error: invalid --max-restarts '-1': must be an integer >= 0\nHint: run with --help to see what --max-restarts accepts\n",
    );
    expect(existsSync(run.ctx.paths.runtimeDir)).toBe(false);
  });

  it('rejects start with neither names nor --all (exit 2) before connecting', async () => {
    const run = captureContext();
    expect(await runCli(['start'], run.ctx)).toBe(2);
    expect(run.stderr()).toContain('Error: name one or more servers to start, or pass --all');
  });

  it('daemon status never autostarts: exit 6 with a hint when no daemon runs', async () => {
    const run = captureContext();
    expect(await runCli(['daemon', 'status'], run.ctx)).toBe(6);
    expect(run.stderr()).toMatch(/^Error: .*not running/);
    expect(run.stderr()).toContain('Hint:');
    expect(existsSync(run.ctx.paths.pidFile)).toBe(false);
  });

  it('--no-start-daemon refuses to start it: exit 6, JSON with --json', async () => {
    const run = captureContext();
    expect(await runCli(['--no-start-daemon', '--json', 'ls'], run.ctx)).toBe(6);
    const { error } = JSON.parse(run.stderr()) as { error: Record<string, string> };
    expect(error).toMatchObject({ kind: 'network', code: 'DAEMON_UNREACHABLE' });
  });

  it('MCPCTL_NO_AUTOSTART=1 refuses it too', async () => {
    const run = captureContext({ env: { MCPCTL_NO_AUTOSTART: '1' } });
    expect(await runCli(['server', 'ls'], run.ctx)).toBe(6);
  });

  it('daemon stop with no daemon says so on stderr and exits 0', async () => {
    const run = captureContext();
    expect(await runCli(['daemon', 'stop'], run.ctx)).toBe(0);
    expect(run.stderr()).toBe('daemon is not running\n');
  });
});

describe('runCli: daemon install --dry-run', () => {
  it('prints the unit on stdout and the plan on stderr, changing nothing', async () => {
    const run = captureContext();
    const env = { ...run.ctx.env, HOME: run.home, XDG_CONFIG_HOME: `${run.home}/config` };
    const ctx = { ...run.ctx, env };
    expect(await runCli(['daemon', 'install', '--dry-run'], ctx)).toBe(0);
    expect(run.stdout()).toContain('daemon run');
    expect(run.stderr()).toMatch(/^# would write \S+/);
    expect(existsSync(`${run.home}/config`)).toBe(false);
  });

  it('-o json names the command the unit runs: node, the script, daemon run', async () => {
    const run = captureContext();
    const env = { ...run.ctx.env, HOME: run.home, XDG_CONFIG_HOME: `${run.home}/config` };
    expect(await runCli(['daemon', 'install', '--dry-run', '-o', 'json'], { ...run.ctx, env })).toBe(0);
    const { command, content } = JSON.parse(run.stdout()) as { command: string[]; content: string };
    const { execPath, args } = run.ctx.self;
    expect(command).toEqual([execPath, ...args, 'daemon', 'run']);
    if (run.ctx.platform === 'linux') expect(content).toContain(`ExecStart=${command.join(' ')}`);
  });
});
