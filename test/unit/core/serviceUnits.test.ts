import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { installService, uninstallService } from '../../../src/core/serviceUnits.js';
import { McpctlError } from '../../../src/shared/errors.js';
import { useShortTempDir } from '../daemon/ipc/helpers.js';

const tempDir = useShortTempDir();
const self = { execPath: '/usr/bin/node', args: ['/opt/mcpctl/dist/mcpctl.js'] };

/** A PATH holding only a fake `systemctl` that records its arguments and exits with `code`. */
function fakeSystemctl(home: string, code: number, stderr = ''): { path: string; calls: () => string[] } {
  const bin = join(home, 'bin');
  const record = join(home, 'calls.txt');
  mkdirSync(bin);
  const script = `#!/bin/sh\necho "$*" >> '${record}'\nprintf '%s' '${stderr}' >&2\nexit ${code}\n`;
  writeFileSync(join(bin, 'systemctl'), script);
  chmodSync(join(bin, 'systemctl'), 0o755);
  return { path: bin, calls: () => (existsSync(record) ? readFileSync(record, 'utf8').trim().split('\n') : []) };
}

describe('installService', () => {
  it('dry run returns the unit and the commands without writing anything', async () => {
    const home = tempDir();
    const result = await installService({
      platform: 'linux',
      dryRun: true,
      self,
      env: { HOME: home, MCPCTL_HOME: '/srv/mc' },
    });
    expect(result.path).toBe(join(home, '.config/systemd/user/mcpctl.service'));
    expect(result.content).toContain('ExecStart=/usr/bin/node /opt/mcpctl/dist/mcpctl.js daemon run');
    expect(result.content).toContain('Environment="MCPCTL_HOME=/srv/mc"');
    expect(result.commands).toEqual([
      ['systemctl', '--user', 'daemon-reload'],
      ['systemctl', '--user', 'enable', '--now', 'mcpctl.service'],
    ]);
    expect(result.applied).toBe(false);
    expect(existsSync(result.path)).toBe(false);
  });

  it('leaves MCPCTL_HOME out of the unit when it is not set', async () => {
    const result = await installService({ platform: 'linux', dryRun: true, self, env: { HOME: tempDir() } });
    expect(result.content).not.toContain('MCPCTL_HOME');
  });

  it('renders a launchd agent on macOS', async () => {
    const home = tempDir();
    const result = await installService({ platform: 'darwin', dryRun: true, self, env: { HOME: home } });
    expect(result.path).toBe(join(home, 'Library/LaunchAgents/dev.mcpctl.daemon.plist'));
    expect(result.content).toContain('<string>/opt/mcpctl/dist/mcpctl.js</string>');
    expect(result.commands.at(-1)).toEqual(['launchctl', 'bootstrap', `gui/${process.getuid?.()}`, result.path]);
  });

  it('refuses an unsupported platform', async () => {
    await expect(
      installService({ platform: 'win32', dryRun: true, self, env: { HOME: tempDir() } }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      hint: expect.stringContaining('mcpctl daemon start'),
    });
  });

  it('writes the unit and says clearly that systemctl is missing', async () => {
    const home = tempDir();
    const emptyBin = join(home, 'bin');
    mkdirSync(emptyBin);
    const error = await installService({
      platform: 'linux',
      dryRun: false,
      self,
      env: { HOME: home, PATH: emptyBin },
    }).catch((e: unknown) => e);
    const unit = join(home, '.config/systemd/user/mcpctl.service');
    expect(error).toBeInstanceOf(McpctlError);
    expect(error).toMatchObject({
      code: 'INTERNAL',
      message: expect.stringMatching(
        /^wrote .*mcpctl\.service, but 'systemctl --user daemon-reload' could not run: command not found/,
      ),
      hint: expect.stringContaining('the unit file stays in place'),
    });
    expect(readFileSync(unit, 'utf8')).toContain('ExecStart=/usr/bin/node /opt/mcpctl/dist/mcpctl.js daemon run');
  });

  it('reports what systemctl said when it fails', async () => {
    const home = tempDir();
    const fake = fakeSystemctl(home, 1, 'Failed to connect to bus: No medium found');
    const error = await installService({
      platform: 'linux',
      dryRun: false,
      self,
      env: { HOME: home, PATH: fake.path },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'INTERNAL',
      message: expect.stringContaining('exited with 1): Failed to connect to bus'),
    });
    expect(existsSync(join(home, '.config/systemd/user/mcpctl.service'))).toBe(true);
    expect(fake.calls()).toEqual(['--user daemon-reload']);
  });

  it('installs and uninstalls through systemctl', async () => {
    const home = tempDir();
    const fake = fakeSystemctl(home, 0);
    const env = { HOME: home, PATH: fake.path };
    const installed = await installService({ platform: 'linux', dryRun: false, self, env });
    expect(installed.applied).toBe(true);
    expect(readFileSync(installed.path, 'utf8')).toBe(installed.content);
    const removed = await uninstallService({ platform: 'linux', dryRun: false, env });
    expect(removed.applied).toBe(true);
    expect(existsSync(installed.path)).toBe(false);
    expect(fake.calls()).toEqual([
      '--user daemon-reload',
      '--user enable --now mcpctl.service',
      '--user disable --now mcpctl.service',
      '--user daemon-reload',
    ]);
  });

  it('uninstall dry run removes nothing', async () => {
    const home = tempDir();
    const fake = fakeSystemctl(home, 0);
    const installed = await installService({
      platform: 'linux',
      dryRun: false,
      self,
      env: { HOME: home, PATH: fake.path },
    });
    const result = await uninstallService({ platform: 'linux', dryRun: true, env: { HOME: home, PATH: fake.path } });
    expect(result.applied).toBe(false);
    expect(result.commands[0]).toEqual(['systemctl', '--user', 'disable', '--now', 'mcpctl.service']);
    expect(existsSync(installed.path)).toBe(true);
  });
});
