import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { secretReference as ref } from '../../src/core/secrets/references.js';
import { CLI_NODE, FIXTURES, waitFor } from '../helpers/cli.js';
import { useE2eHome } from '../helpers/e2e.js';
import { startHeaderEcho } from '../helpers/headerEcho.js';
import { filesContaining, mcpctlWithInput, NO_KEYRING } from '../helpers/secrets.js';

/**
 * A canary secret set with `secret set` reaches the server that refers to it (envReport.mjs answers
 * its environment through a tool) and appears nowhere else: not in the raw bytes of any file of the
 * home (database, -wal, -shm, logs at debug level), nor in any command's output or error.
 */
const h = useE2eHome();
const CANARY = `canary-${randomBytes(16).toString('hex')}`;
const outputs: string[] = [];

async function run(args: string[]) {
  const result = await h.run(args, { env: NO_KEYRING });
  outputs.push(result.stdout, result.stderr);
  return result;
}

beforeAll(() => {
  // Debug level: the most the daemon ever logs must still hold no secret.
  writeFileSync(join(h.home, 'config.yaml'), 'logs:\n  level: debug\n');
});

describe('secret set and secret references', () => {
  it('reads the value from stdin and says nothing of it', async () => {
    const set = await mcpctlWithInput(h.home, ['secret', 'set', 'CANARY'], `${CANARY}\n`);
    outputs.push(set.stdout, set.stderr);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toBe('set secret CANARY\n');
    const key = join(h.home, 'master.key');
    expect(existsSync(key)).toBe(true);
    expect(statSync(key).mode & 0o777).toBe(0o600);
    const status = JSON.parse((await run(['daemon', 'status', '-o', 'json'])).stdout);
    expect(status.secrets).toMatchObject({ keySource: 'file', keyFile: key, count: 1, problem: null });
  });

  it('gives the value to the spawned server only, in env and args', async () => {
    const added = await run([
      'server',
      'add',
      'envr',
      ...h.mark('envr'),
      '--env',
      `TOKEN=${ref('CANARY')}`,
      '--env',
      `BEARER=Bearer ${ref('CANARY')}`,
      '--',
      CLI_NODE,
      join(FIXTURES, 'envReport.mjs'),
      `--token=${ref('CANARY')}`,
    ]);
    expect(added.code, added.stderr).toBe(0);
    const call = await h.run(['call', 'envr', 'env', 'name=TOKEN', '-o', 'json'], { env: NO_KEYRING });
    expect(call.code, call.stderr).toBe(0);
    expect(call.stdout).toContain(CANARY);
    const bearer = await h.run(['call', 'envr', 'env', 'name=BEARER', '-o', 'json'], { env: NO_KEYRING });
    expect(bearer.stdout).toContain(`Bearer ${CANARY}`);
    const [pid] = h.serverPids('envr');
    expect(pid).toBeDefined();
    expect(readCmdline(pid as number)).toContain(`--token=${CANARY}`);
  });

  it('an http upstream gets it in a header when connected; a failed connection does not show it', async () => {
    const upstream = await startHeaderEcho();
    try {
      const added = await run([
        'server',
        'add',
        'remote',
        '--url',
        upstream.url,
        '--header',
        `Authorization: Bearer ${ref('CANARY')}`,
      ]);
      expect(added.code, added.stderr).toBe(0);
      const call = await h.run(['call', 'remote', 'request-headers', '-o', 'json'], { env: NO_KEYRING });
      expect(call.code, call.stderr).toBe(0);
      expect(call.stdout).toContain(`Bearer ${CANARY}`);
    } finally {
      upstream.kill();
    }
    const unreachable = await run([
      'server',
      'add',
      'gone',
      '--url',
      'http://127.0.0.1:9/mcp',
      '--header',
      `Authorization: Bearer ${ref('CANARY')}`,
    ]);
    expect(unreachable.code).not.toBe(0);
    expect(unreachable.stderr).toContain('cannot initialize http://127.0.0.1:9/mcp');
  });

  it('an unknown secret fails the start with an error naming the secret', async () => {
    const added = await run(['server', 'add', 'nosecret', '--env', `KEY=${ref('MISSING')}`, '--', CLI_NODE, '-e', '']);
    expect(added.code).toBe(5);
    expect(added.stderr).toContain("server 'nosecret' refers to the secret 'MISSING', which is not set");
    await run(['server', 'rm', 'nosecret']);
  });

  it('secret ls says who uses it; rm is refused while used, unless --force', async () => {
    const list = JSON.parse((await run(['secret', 'ls', '-o', 'json'])).stdout);
    expect(list).toEqual([
      expect.objectContaining({ name: 'CANARY', usedBy: ['server:envr', 'server:gone', 'server:remote'] }),
    ]);
    const rm = await run(['secret', 'rm', 'CANARY']);
    expect(rm.code).toBe(2);
    expect(rm.stderr).toContain("the secret 'CANARY' is used by server:envr, server:gone, server:remote");
    const temp = await mcpctlWithInput(h.home, ['secret', 'set', 'TEMP'], 'temporary value');
    expect(temp.code, temp.stderr).toBe(0);
    await run(['server', 'add', 'tempuser', '--no-autostart', '--env', `X=${ref('TEMP')}`, '--', CLI_NODE]);
    const forced = await run(['secret', 'rm', 'TEMP', '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toBe('removed secret TEMP (still referred to by server:tempuser)\n');
    expect((await run(['server', 'rm', 'tempuser'])).code).toBe(0);
  });

  it('the views and the export keep the reference, never the value', async () => {
    const show = JSON.parse((await run(['server', 'show', 'envr', '-o', 'json'])).stdout);
    expect(show.env.TOKEN).toBe(ref('CANARY'));
    expect(show.args).toContain(`--token=${ref('CANARY')}`);
    const exported = await run(['export']);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain(ref('CANARY'));
    for (const args of [
      ['server', 'show', 'remote', '-o', 'json'],
      ['server', 'show', 'gone', '-o', 'json'],
      ['ls', '-o', 'json'],
      ['export', '-o', 'json'],
      ['logs', 'envr'],
      ['logs', 'gone'],
      ['daemon', 'logs'],
      ['daemon', 'status', '-o', 'json'],
      ['secret', 'ls', '-o', 'json'],
    ]) {
      expect((await run(args)).code, args.join(' ')).toBe(0);
    }
  });

  it("a server that prints its secret: mcpctl's log of it shows the mask", async () => {
    const script = "console.error('my token is ' + process.env.T); setTimeout(() => {}, 5000)";
    await run([
      'server',
      'add',
      'echoer',
      '--env',
      `T=${ref('CANARY')}`,
      '--restart',
      'never',
      '--start-timeout',
      '1s',
      '--',
      CLI_NODE,
      '-e',
      script,
    ]);
    const logs = await waitFor('its stderr in its log', async () => {
      const result = await run(['logs', 'echoer']);
      return result.stdout.includes('my token is') ? result.stdout : undefined;
    });
    expect(logs).toContain('my token is ********');
  });

  it('appears in no output, and in no file of the home: database, -wal, -shm, logs', async () => {
    for (const output of outputs) expect(output).not.toContain(CANARY);
    expect(existsSync(join(h.home, 'mcpctl.db-wal'))).toBe(true);
    expect(filesContaining(h.home, CANARY)).toEqual([]);
    // The scan does see what the files hold: the reference itself is in the database.
    expect(filesContaining(h.home, ref('CANARY')).length).toBeGreaterThan(0);
    // Stopped: the WAL is checkpointed into the database file; still nothing.
    expect((await run(['daemon', 'stop'])).code).toBe(0);
    expect(filesContaining(h.home, CANARY)).toEqual([]);
  });
});

function readCmdline(pid: number): string {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
}
