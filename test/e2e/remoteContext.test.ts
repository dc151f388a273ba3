import { spawn } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, CLI_NODE, EVERYTHING, INSPECTOR, makeHome, mcpctl, mcpctlJson, waitFor } from '../helpers/cli.js';
import { addRunningServer } from '../helpers/daemon.js';
import { runProcess } from '../helpers/run.js';

/**
 * A daemon in one MCPCTL_HOME with --listen; a CLI in another home talking to it through a
 * context, and the official inspector CLI reaching its gateway. The last test stops the daemon.
 */
let daemonHome: ReturnType<typeof makeHome>;
let cliHome: ReturnType<typeof makeHome>;
let url: string;
let fingerprint: string;
let certFile: string;
let clientToken: string;

const remote = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  mcpctl(cliHome.home, args, { env: { MCPCTL_NO_AUTOSTART: '1', ...env } });

beforeAll(async () => {
  daemonHome = makeHome();
  cliHome = makeHome();
  expect((await mcpctl(daemonHome.home, ['daemon', 'start', '--listen', '127.0.0.1:0'])).code).toBe(0);
  const status = await mcpctlJson<{ remote: { url: string; fingerprint: string; certFile: string } }>(daemonHome.home, [
    'daemon',
    'status',
  ]);
  ({ url, fingerprint, certFile } = status.remote);
  await addRunningServer(daemonHome.home, 'alpha', [], [process.execPath, EVERYTHING]);
  expect((await mcpctl(daemonHome.home, ['profile', 'create', 'dev', '--server', 'alpha'])).code).toBe(0);
  ({ token: clientToken } = await mcpctlJson<{ token: string }>(daemonHome.home, [
    'token',
    'create',
    'inspector',
    '--role',
    'client',
  ]));
  const { token } = await mcpctlJson<{ token: string }>(daemonHome.home, [
    'token',
    'create',
    'laptop',
    '--role',
    'admin',
  ]);
  writeFileSync(join(cliHome.home, 'token'), `${token}\n`, { mode: 0o600 });
  const added = await remote([
    'context',
    'add',
    'team',
    '--url',
    url,
    '--token-file',
    join(cliHome.home, 'token'),
    '--fingerprint',
    fingerprint,
  ]);
  expect(added.code, added.stderr).toBe(0);
}, 60_000);

afterAll(async () => {
  await mcpctl(daemonHome.home, ['daemon', 'stop']);
  daemonHome.cleanup();
  cliHome.cleanup();
});

describe('a remote context', () => {
  it('is stored 0600 and listed with * on the current one; local is built in', async () => {
    expect(statSync(join(cliHome.home, 'contexts.json')).mode & 0o777).toBe(0o600);
    expect((await remote(['context', 'use', 'team'])).code).toBe(0);
    const listed = await remote(['context', 'ls']);
    expect(listed.stdout).toMatch(/^\*\s+team\s+https:\/\//m);
    expect(listed.stdout).toMatch(/^\s+local\s+/m);
  });

  it('runs ls, server add and session ls against the remote daemon', async () => {
    const ls = await remote(['ls']);
    expect(ls.code, ls.stderr).toBe(0);
    expect(ls.stdout).toMatch(/^alpha\s+stdio\s+running/m);
    const add = await remote(['server', 'add', 'beta', '--no-autostart', '--', process.execPath, EVERYTHING]);
    expect(add.code, add.stderr).toBe(0);
    const names = (await mcpctlJson<Array<{ name: string }>>(daemonHome.home, ['ls'])).map((s) => s.name);
    expect(names).toEqual(['alpha', 'beta']);
    const sessions = await remote(['session', 'ls', '-o', 'json']);
    expect(sessions.code, sessions.stderr).toBe(0);
    expect(JSON.parse(sessions.stdout)).toEqual([]);
  });

  it('follows a server log over the stream (logs -f)', async () => {
    const child = spawn(CLI_NODE, [CLI, '--context', 'team', 'logs', 'alpha', '-f', '--tail', '5'], {
      env: { ...process.env, MCPCTL_HOME: cliHome.home, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    try {
      await waitFor('a log line', () => (out.trim() === '' ? undefined : true));
    } finally {
      child.kill('SIGINT');
    }
  });

  it('bridges a stdio client to the remote gateway with the token (connect)', async () => {
    const child = spawn(CLI_NODE, [CLI, '--context', 'team', 'connect', 'alpha'], {
      env: { ...process.env, MCPCTL_HOME: cliHome.home, NO_COLOR: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    const init = { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'laptop', version: '1' } };
    child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: init })}\n`);
    await waitFor('initialize answer', () => (out.includes('"id":1') ? true : undefined));
    child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
    const call = { name: 'echo', arguments: { message: 'over tls' } };
    child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: call })}\n`);
    await waitFor('echo answer', () => (out.includes('over tls') ? true : undefined));
    const sessions = await mcpctlJson<Array<{ clientName: string }>>(daemonHome.home, ['session', 'ls']);
    expect(sessions.map((s) => s.clientName)).toContain('laptop');
    child.stdin.end();
    await new Promise((resolve) => child.once('exit', resolve));
  });

  it('says a local-only command does not work against it', async () => {
    const install = await remote(['daemon', 'install', '--dry-run']);
    expect(install.code).toBe(2);
    expect(install.stderr).toMatch(/works on this machine only/);
  });

  it('refuses to talk to a daemon whose certificate has another fingerprint', async () => {
    const wrong = fingerprint.replace(/^../, fingerprint.startsWith('00') ? '11' : '00');
    const added = await remote([
      'context',
      'add',
      'spoof',
      '--url',
      url,
      '--token-file',
      join(cliHome.home, 'token'),
      '--fingerprint',
      wrong,
    ]);
    expect(added.code, added.stderr).toBe(0);
    const ls = await remote(['--context', 'spoof', 'ls']);
    expect(ls.code).toBe(4);
    expect(ls.stderr).toMatch(/another fingerprint/);
  });

  it('names a hand-broken contexts file in its error', async () => {
    const file = join(cliHome.home, 'contexts.json');
    const kept = readFileSync(file, 'utf8');
    writeFileSync(file, '{"current": 3');
    const ls = await remote(['ls']);
    writeFileSync(file, kept);
    expect(ls.code).toBe(3);
    expect(ls.stderr).toContain(file);
  });
});

/**
 * The official inspector CLI (v2, `--cli`) against the TLS listener: the daemon's self-signed
 * certificate trusted through NODE_EXTRA_CA_CERTS (verification stays on), the client token in
 * a `--header`. Its exit codes: 0 ok, 3 auth required, 4 unreachable.
 */
describe('the official inspector CLI over the TLS listener', () => {
  const inspector = (path: string, args: string[], options: { token?: string; trust?: boolean } = {}) =>
    runProcess(
      process.execPath,
      [
        INSPECTOR,
        '--cli',
        `${url}${path}`,
        '--transport',
        'http',
        // Non-interactive: on a 401 it reports the answer instead of starting an OAuth login.
        '--stored-auth-only',
        ...(options.token === undefined ? [] : ['--header', `Authorization: Bearer ${options.token}`]),
        '--method',
        ...args,
      ],
      { env: { ...process.env, ...(options.trust === false ? {} : { NODE_EXTRA_CA_CERTS: certFile }) } },
    );

  it('lists and calls tools through /servers/NAME/mcp and /profiles/NAME/mcp with a client token', async () => {
    // The two paths side by side: the inspector's start is most of each run.
    const viaPath = async (path: string, echo: string): Promise<void> => {
      const list = await inspector(path, ['tools/list'], { token: clientToken });
      expect(list.code, `${path}: ${list.stderr}`).toBe(0);
      const tools = (JSON.parse(list.stdout) as { tools: Array<{ name: string }> }).tools.map((tool) => tool.name);
      expect(tools, path).toContain(echo);
      const call = await inspector(path, ['tools/call', '--tool-name', echo, '--tool-arg', 'message=over tls'], {
        token: clientToken,
      });
      expect(call.code, `${path}: ${call.stderr}`).toBe(0);
      expect(call.stdout).toContain('Echo: over tls');
    };
    await Promise.all([viaPath('/servers/alpha/mcp', 'echo'), viaPath('/profiles/dev/mcp', 'alpha__echo')]);
  });

  it('fails with the 401 it got without the token, and cannot connect without trusting the certificate', async () => {
    const paths = ['/servers/alpha/mcp', '/profiles/dev/mcp'];
    const [servers, profiles, untrusted] = await Promise.all([
      ...paths.map((path) => inspector(path, ['tools/list'])),
      inspector(paths[0] as string, ['tools/list'], { token: clientToken, trust: false }),
    ]);
    for (const refused of [servers, profiles]) {
      expect(refused?.code, `${refused?.stdout} ${refused?.stderr}`).toBe(3);
      expect(refused?.stderr).toContain('Unauthorized: this endpoint needs a token');
    }
    const audit = await mcpctlJson<Array<{ method: string; error: string | null }>>(daemonHome.home, [
      'audit',
      '--principal',
      'anonymous',
    ]);
    expect(audit.filter((row) => row.method === 'authenticate' && row.error === 'missing').length).toBeGreaterThan(0);
    expect(untrusted?.code).toBe(4);
    expect(untrusted?.stderr).toContain('self-signed certificate');
  });
});

/** Daemon management against a remote context: over the API, admin only; this stops the remote daemon. */
describe('daemon status and stop over a remote context', () => {
  it('reports the remote daemon, refuses a non-admin stop, and stops it with an admin token', async () => {
    const local = await mcpctlJson<{ pid: number }>(daemonHome.home, ['daemon', 'status']);
    const status = await remote(['--context', 'team', 'daemon', 'status', '-o', 'json']);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ pid: local.pid, remote: { url } });

    const { token } = await mcpctlJson<{ token: string }>(daemonHome.home, [
      'token',
      'create',
      'ops',
      '--role',
      'operator',
    ]);
    writeFileSync(join(cliHome.home, 'ops-token'), `${token}\n`, { mode: 0o600 });
    const ops = ['--url', url, '--token-file', join(cliHome.home, 'ops-token'), '--fingerprint', fingerprint];
    expect((await remote(['context', 'add', 'ops', ...ops])).code).toBe(0);
    const refused = await remote(['--context', 'ops', 'daemon', 'stop']);
    expect(refused.code, refused.stderr).toBe(4);
    expect(refused.stderr).toMatch(/an admin token/);
    expect((await mcpctlJson<{ pid: number }>(daemonHome.home, ['daemon', 'status'])).pid).toBe(local.pid);

    const stopped = await remote(['--context', 'team', 'daemon', 'stop']);
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(stopped.stdout).toContain(`daemon stopped (pid ${local.pid} at ${url})`);
    expect(stopped.stderr).toMatch(/on its host/);
    expect((await mcpctl(daemonHome.home, ['daemon', 'status'])).code).toBe(6);
    // Its log is on its host: not this machine's log files, however unreachable the daemon is.
    const logs = await remote(['--context', 'team', 'daemon', 'logs']);
    expect(logs.code).toBe(6);
    expect(logs.stderr).not.toContain(cliHome.home);
  });
});
