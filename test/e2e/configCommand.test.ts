import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type E2eHome, e2eHome } from '../helpers/e2e.js';

/** `mcpctl config` and `mcpctl completion` in the built binary, each test on its own MCPCTL_HOME. */
let h: E2eHome | undefined;
afterEach(async () => {
  await h?.dispose();
  h = undefined;
});

const CONFIG = `# my settings
logs:
  level: debug   # noisy while we look
`;

function home(config?: string): E2eHome {
  h = e2eHome();
  if (config !== undefined) writeFileSync(join(h.home, 'config.yaml'), config);
  return h;
}

/** The helper sets MCPCTL_GATEWAY_PORT=0 for every run: an empty value is no variable at all. */
const NO_PORT_VAR = { MCPCTL_GATEWAY_PORT: '' };

describe('mcpctl config', () => {
  it('set gateway.port 0 keeps the comments; ls --show-origin names the file and line; the variable overrides it', async () => {
    const t = home(CONFIG);
    const file = join(t.home, 'config.yaml');
    const set = await t.run(['config', 'set', 'gateway.port', '0'], { env: NO_PORT_VAR });
    expect(set.code).toBe(0);
    expect(set.stderr).toContain(`set gateway.port = 0 in ${file}`);
    expect(set.stderr).toContain('the daemon reads gateway.port when it starts');
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('# my settings');
    expect(text).toContain('# noisy while we look');
    expect(text).toMatch(/^gateway:\n {2}port: 0$/m);

    const listed = await t.run(['config', 'ls', '--show-origin'], { env: NO_PORT_VAR });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^KEY\s+VALUE\s+ORIGIN$/m);
    expect(listed.stdout).toMatch(new RegExp(`^gateway\\.port\\s+0\\s+file ${file}:5$`, 'm'));
    expect(listed.stdout).toMatch(new RegExp(`^logs\\.level\\s+debug\\s+file ${file}:3$`, 'm'));
    expect(listed.stdout).toMatch(/^gateway\.idleTimeout\s+10m\s+default$/m);

    const env = { MCPCTL_GATEWAY_PORT: '8123' };
    const overridden = await t.run(['config', 'ls', '--show-origin'], { env });
    expect(overridden.stdout).toMatch(
      new RegExp(`^gateway\\.port\\s+8123\\s+env MCPCTL_GATEWAY_PORT \\(overrides file ${file}:5\\)$`, 'm'),
    );
    const got = await t.run(['config', 'get', 'gateway.port'], { env });
    expect(got.stdout).toBe('8123\n');
    const json = await t.json<{ value: unknown; source: string; origin: string }>(
      ['config', 'get', 'gateway.port'],
      env,
    );
    expect(json).toMatchObject({ value: 8123, source: 'env', origin: 'MCPCTL_GATEWAY_PORT' });
    const setAgain = await t.run(['config', 'set', 'gateway.port', '7000'], { env });
    expect(setAgain.stderr).toContain('MCPCTL_GATEWAY_PORT=8123 overrides it in this environment');
  });

  it('refuses an unknown key (listing the known ones) and a bad value (with its rule): exit 2, file untouched', async () => {
    const t = home(CONFIG);
    const file = join(t.home, 'config.yaml');
    const unknown = await t.run(['config', 'set', 'gateway.prot', '1']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown setting 'gateway.prot'");
    expect(unknown.stderr).toMatch(/known settings: .*gateway\.port.*cli\.output/);
    const tooBig = await t.run(['config', 'set', 'gateway.port', '70000']);
    expect(tooBig.code).toBe(2);
    expect(tooBig.stderr).toContain("invalid value '70000' for gateway.port:");
    expect(tooBig.stderr).toContain('65535');
    const bareDuration = await t.run(['config', 'set', 'gateway.idleTimeout', '10']);
    expect(bareDuration.code).toBe(2);
    expect(bareDuration.stderr).toContain('expected a duration with its unit');
    const level = await t.run(['config', 'set', 'logs.level', 'loud']);
    expect(level.code).toBe(2);
    expect(readFileSync(file, 'utf8')).toBe(CONFIG);
  });

  it('unset goes back to the default and drops the emptied section; a running daemon is told to restart', async () => {
    const t = home(CONFIG);
    const file = join(t.home, 'config.yaml');
    expect((await t.run(['config', 'set', 'gateway.drainTimeout', '3s'])).code).toBe(0);
    expect((await t.run(['config', 'get', 'gateway.drainTimeout'])).stdout).toBe('3s\n');
    expect((await t.run(['daemon', 'start'])).code).toBe(0);
    const unset = await t.run(['config', 'unset', 'gateway.drainTimeout']);
    expect(unset.code).toBe(0);
    expect(unset.stderr).toMatch(/the daemon \(pid \d+\) reads gateway\.drainTimeout when it starts: restart it/);
    expect(readFileSync(file, 'utf8')).toBe(CONFIG);
    expect((await t.run(['config', 'get', 'gateway.drainTimeout', '--show-origin'])).stdout).toBe('default\t10s\n');
    const again = await t.run(['config', 'unset', 'gateway.drainTimeout']);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('gateway.drainTimeout is not set');
  });

  it('cli.output sets the default format; -o overrides it, and the listing says so', async () => {
    const t = home();
    expect((await t.run(['config', 'set', 'cli.output', 'json'])).code).toBe(0);
    const listed = await t.run(['config', 'ls']);
    const rows = JSON.parse(listed.stdout) as Array<{ key: string; value: unknown; source: string }>;
    expect(rows.find((row) => row.key === 'cli.output')).toMatchObject({ value: 'json', source: 'file' });
    const table = await t.run(['config', 'ls', '--show-origin', '-o', 'table']);
    expect(table.stdout).toMatch(/^cli\.output\s+table\s+flag -o \(overrides file .*config\.yaml:2\)$/m);
    const env = await t.run(['config', 'get', 'cli.output', '-o', 'table', '--show-origin'], {
      env: { MCPCTL_OUTPUT: 'yaml' },
    });
    expect(env.stdout).toMatch(/^flag -o \(overrides file .*\)\ttable$/m);
    const fromEnv = await t.run(['config', 'get', 'logs.keep'], { env: { MCPCTL_OUTPUT: 'yaml' } });
    expect(fromEnv.stdout).toMatch(/^key: logs\.keep$/m);
  });
});

describe('mcpctl completion', () => {
  it('bash output passes bash -n and completes verbs, flags and server names from a running daemon', async () => {
    const t = home();
    const script = await t.run(['completion', 'bash']);
    expect(script.code).toBe(0);
    const file = join(t.home, 'completion.bash');
    writeFileSync(file, script.stdout);
    expect(spawnSync('bash', ['-n', file]).status).toBe(0);

    // No daemon: verbs only, and none is started for it.
    const verbs = await t.run(['__complete', 'con']);
    expect(verbs.stdout).toBe('config\nconnect\ncontext\n');
    expect(t.daemonPids()).toEqual([]);

    const added = await t.run(['server', 'add', 'alpha', '--no-autostart', '--', 'node', 'server.js']);
    expect(added.code).toBe(0);
    expect((await t.run(['__complete', 'call', ''])).stdout).toBe('alpha\n');
    expect((await t.run(['__complete', 'server', 'show', 'al'])).stdout).toBe('alpha\n');
    expect((await t.run(['__complete', 'server', 'add', ''])).stdout).toBe('');
    expect((await t.run(['__complete', 'tools', '--pro'])).stdout).toBe('--profile\n');
    // Client names come from the catalog, no daemon needed.
    expect((await t.run(['__complete', 'install', 'cur'])).stdout).toBe('cursor\n');
    expect((await t.run(['__complete', 'import', 'gem'])).stdout).toBe('gemini\n');
    expect((await t.run(['__complete', 'ls', '-o', ''])).stdout).toBe('json\ntable\nwide\nyaml\n');
    expect((await t.run(['__complete', 'config', 'set', 'gateway.p'])).stdout).toBe('gateway.port\n');

    // The script itself, as bash runs it on <TAB>.
    const bash = spawnSync(
      'bash',
      [
        '-c',
        `source ${file}; COMP_WORDS=(mcpctl stop a); COMP_CWORD=2; _mcpctl_complete; printf '%s\\n' "\${COMPREPLY[@]}"`,
      ],
      { env: { ...process.env, MCPCTL_HOME: t.home }, encoding: 'utf8' },
    );
    expect(bash.stdout).toBe('alpha\n');
  });

  it('zsh and fish scripts name the hidden __complete; an unknown shell exits 2', async () => {
    const t = home();
    for (const shell of ['zsh', 'fish']) {
      const script = await t.run(['completion', shell]);
      expect(script.code).toBe(0);
      expect(script.stdout).toContain('__complete');
    }
    expect((await t.run(['completion', 'tcsh'])).code).toBe(2);
  });
});
