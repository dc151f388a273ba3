import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { INHERITED_ENV_VARS } from '../../src/daemon/process/environment.js';
import { HOME_ID_VAR, SERVER_VAR } from '../../src/daemon/process/ownership.js';
import { FIXTURES } from '../helpers/cli.js';
import { fastPolicy, spec, useSupervisorHome } from '../helpers/supervisor.js';

const home = useSupervisorHome();
const PLANTED = ['MCPCTL_TEST_MASTER_KEY', 'AWS_SECRET_ACCESS_KEY', 'GITHUB_TOKEN', 'NODE_OPTIONS'];

afterEach(() => {
  for (const name of PLANTED) delete process.env[name];
});

describe("a stdio server's environment", () => {
  it('is its declared env, the small allowlisted base and the ownership mark: nothing else of the daemon', async () => {
    for (const name of PLANTED) process.env[name] = `daemon-only-${name}`;
    const entry = await home.supervisor.add(
      spec({
        name: 'report',
        transport: 'stdio',
        command: process.execPath,
        args: [join(FIXTURES, 'envReport.mjs')],
        env: { DECLARED: 'yes' },
        policy: fastPolicy({ healthIntervalMs: 60_000 }),
      }),
    );
    expect(entry.instance.state).toBe('running');
    const pid = entry.instance.runner?.pid as number;
    const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
    const names = environ.map((entry) => entry.slice(0, entry.indexOf('=')));
    expect(environ).toContain('DECLARED=yes');
    const unexpected = names.filter((name) => name !== 'DECLARED' && !INHERITED_ENV_VARS.includes(name));
    // The one addition: the daemon's ownership marks (daemon/process/ownership.ts).
    expect(unexpected.sort()).toEqual([HOME_ID_VAR, SERVER_VAR].sort());
    for (const name of PLANTED) expect(names).not.toContain(name);
  });
});
